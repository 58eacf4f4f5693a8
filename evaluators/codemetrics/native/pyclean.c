/* pyclean.fast_strip_python in C, for ASCII sources: the same scan, step for step (see that
   module for why each rule exists). Returns NULL where the Python version returns None, and
   for any non-ASCII source, which stays with the Python version (its character tests are
   Unicode ones). */
#include <stdlib.h>
#include <string.h>

#include "pyclean.h"

enum { BEFORE_INDENT, BEFORE_NEWLINE, BEFORE_OTHER };

typedef struct {
    size_t start, stop;
} Span;

static int is_word(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static int in(char c, const char *set) { return c != '\0' && strchr(set, c) != NULL; }

/* Python's str.strip() whitespace, for ASCII. */
static int is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f'); }

/* _string_start: where the string whose quote is at `quote` starts, its prefix included. */
static size_t string_start(const char *s, size_t quote, size_t pos) {
    if (quote >= pos + 2) {
        char a = s[quote - 2], b = s[quote - 1];
        int two = (in(a, "bB") && in(b, "rR")) || (in(a, "rR") && in(b, "bBfF")) || (in(a, "fF") && in(b, "rR"));
        if (two && (quote == 2 || !is_word(s[quote - 3]))) return quote - 2;
    }
    if (quote >= pos + 1 && in(s[quote - 1], "bBrRuUfF") && (quote == 1 || !is_word(s[quote - 2])))
        return quote - 1;
    return quote;
}

/* Where the string whose opening quote(s) end at `at` closes (one past its quotes); 0 when it
   does not close (the _ENDS patterns). */
static size_t string_end(const char *s, size_t n, size_t at, char quote, int triple) {
    size_t i = at;
    while (i < n) {
        char c = s[i];
        if (c == '\\') {
            if (i + 1 >= n || (!triple && s[i + 1] == '\n')) return 0;
            i += 2;
        } else if (c == quote && (!triple || (i + 2 < n && s[i + 1] == quote && s[i + 2] == quote))) {
            return i + (triple ? 3 : 1);
        } else if (c == '\n' && !triple) {
            return 0;
        } else {
            i++;
        }
    }
    return 0;
}

char *strip_python_ascii(const char *s, size_t n, size_t *out_length) {
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80 || s[i] == '\0') return NULL;
    Span *removed = malloc((n / 2 + 2) * sizeof(Span));
    size_t *indents = malloc((n + 2) * sizeof(size_t));
    if (removed == NULL || indents == NULL) {
        free(removed);
        free(indents);
        return NULL;
    }
    size_t nremoved = 0, nindents = 1, pos = 0;
    long depth = 0;
    int before = BEFORE_INDENT, at_line_start = 1, ok = 1;
    indents[0] = 0;
    while (ok && pos < n) {
        if (at_line_start) {
            at_line_start = 0;
            if (depth == 0) {
                size_t first = pos;
                while (first < n && s[first] == ' ') first++;
                if (first == n) break;
                char c = s[first];
                if (c == '#' || c == '\n') {
                    const char *nl = memchr(s + first, '\n', n - first);
                    size_t eol = nl ? (size_t)(nl - s) : n;
                    if (c == '#') removed[nremoved++] = (Span){first, eol};
                    before = BEFORE_OTHER;
                    pos = eol + 1;
                    at_line_start = 1;
                    continue;
                }
                if (c == '\t' || c == '\f' || c == '\r') { ok = 0; break; }
                size_t column = first - pos;
                if (column > indents[nindents - 1]) {
                    indents[nindents++] = column;
                    before = BEFORE_INDENT;
                } else if (column < indents[nindents - 1]) {
                    int known = 0;
                    for (size_t k = 0; k < nindents && !known; k++) known = indents[k] == column;
                    if (!known) { ok = 0; break; }
                    while (column < indents[nindents - 1]) nindents--;
                    before = BEFORE_OTHER;
                }
                pos = first;
            }
        }
        size_t i = pos;
        while (i < n && !in(s[i], "'\"#([{)]}\n\\\t\f\r")) i++;
        if (i == n) break;
        char c = s[i];
        if (c == '\'' || c == '"') {
            int triple = i + 2 < n && s[i + 1] == c && s[i + 2] == c;
            size_t start = string_start(s, i, pos);
            if (start > 0 && is_word(s[start - 1])) { ok = 0; break; }
            size_t close = string_end(s, n, i + (triple ? 3 : 1), c, triple);
            if (close == 0) { ok = 0; break; }
            size_t line_begin = start;
            while (line_begin > 0 && s[line_begin - 1] != '\n') line_begin--;
            int first_on_line = 1;
            for (size_t k = line_begin; k < start && first_on_line; k++) first_on_line = s[k] == ' ';
            if (start == line_begin || (first_on_line && (before == BEFORE_INDENT || before == BEFORE_NEWLINE)))
                removed[nremoved++] = (Span){start, close};
            pos = close;
        } else if (c == '#') {
            const char *nl = memchr(s + i, '\n', n - i);
            size_t eol = nl ? (size_t)(nl - s) : n;
            removed[nremoved++] = (Span){i, eol};
            pos = eol;
        } else if (c == '(' || c == '[' || c == '{') {
            depth++;
            pos = i + 1;
        } else if (c == ')' || c == ']' || c == '}') {
            if (--depth < 0) { ok = 0; break; }
            pos = i + 1;
        } else if (c == '\n') {
            before = depth > 0 ? BEFORE_OTHER : BEFORE_NEWLINE;
            pos = i + 1;
            at_line_start = 1;
        } else {
            ok = 0;
        }
    }
    free(indents);
    if (!ok || depth > 0) {
        free(removed);
        return NULL;
    }
    /* The source without the removed spans, then without its blank lines. */
    char *kept = malloc(n + 1), *out = malloc(n + 1);
    if (kept == NULL || out == NULL) {
        free(removed);
        free(kept);
        free(out);
        return NULL;
    }
    size_t k = 0, last = 0;
    for (size_t r = 0; r < nremoved; r++) {
        memcpy(kept + k, s + last, removed[r].start - last);
        k += removed[r].start - last;
        last = removed[r].stop;
    }
    memcpy(kept + k, s + last, n - last);
    k += n - last;
    free(removed);
    size_t m = 0, line = 0;
    int any = 0;
    while (line <= k) {
        size_t eol = line;
        while (eol < k && kept[eol] != '\n') eol++;
        int blank = 1;
        for (size_t j = line; j < eol && blank; j++) blank = is_space(kept[j]);
        if (!blank) {
            if (any) out[m++] = '\n';
            memcpy(out + m, kept + line, eol - line);
            m += eol - line;
            any = 1;
        }
        line = eol + 1;
    }
    free(kept);
    out[m] = '\0';
    *out_length = m;
    return out;
}
