/* Python source without comments and docstrings (pyclean.fast_strip_python, for ASCII). */
#ifndef GLASSBOX_PYCLEAN_H
#define GLASSBOX_PYCLEAN_H
#include <stddef.h>

/* Returns the cleaned source (malloc'd) and its length, or NULL where the Python version
   returns None, for a non-ASCII source, or when memory runs out. */
char *strip_python_ascii(const char *source, size_t length, size_t *out_length);
#endif
