/* The S-expression of a tree without errors, written as ts_node_string writes it. */
#ifndef GLASSBOX_SEXP_H
#define GLASSBOX_SEXP_H
#include <stddef.h>
#include <tree_sitter/api.h>

/* Returns the text of `root` (malloc'd; NULL when memory runs out) and its length: named
   nodes as "(type ...)", each but the root after a space and its field name ("name: "), as
   ts_node_string prints them. Written with a cursor and no printf, which makes it several
   times faster; for trees without errors only (no MISSING or UNEXPECTED leaves). */
char *sexp_text(TSNode root, ptrdiff_t *length);
#endif
