/* The code tokens data flow numbers (trees.scan_tree's token list): leaves and whole string or
   character literals, comments excluded, in pre-order; their text, with line breaks removed,
   interned so that equal names get one number. In trees with errors a MISSING leaf is a
   zero-width token; where it shares its span with another, a lookup finds the later one, as
   Python's dict keyed by span does. */
#include <string.h>

#include "flow.h"

typedef struct {
    Arena *arena;
    const char *source;
    int *slots; /* open addressing: token index holding the name, or -1 */
    int mask;
    char *text; /* a token's text without line breaks */
} Interner;

static uint64_t hash_bytes(const char *bytes, size_t n) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)bytes[i]) * 1099511628211ull;
    return h;
}

static size_t strip_newlines(char *out, const char *in, size_t n) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (in[i] != '\n') out[k++] = in[i];
    return k;
}

static int grow(Tokens *t, Arena *arena, int cap) {
    uint32_t *start = arena_alloc(arena, cap * sizeof *start), *end = arena_alloc(arena, cap * sizeof *end);
    if (start == NULL || end == NULL) return 0;
    if (t->n) {
        memcpy(start, t->start, t->n * sizeof *start);
        memcpy(end, t->end, t->n * sizeof *end);
    }
    t->start = start;
    t->end = end;
    return 1;
}

static int continuation(const char *source, size_t length, uint32_t at) {
    return at < length && ((unsigned char)source[at] & 0xC0) == 0x80;
}

int tokens_collect(Tokens *t, Arena *arena, const Lang *lang, TSNode root, const char *source, size_t length) {
    memset(t, 0, sizeof *t);
    int cap = 64;
    if (!grow(t, arena, cap)) return 0;
    TSNode *nodes = arena_alloc(arena, cap * sizeof *nodes);
    if (nodes == NULL) return 0;
    TSTreeCursor cursor = ts_tree_cursor_new(root);
    int ok = 1, depth = 0;
    for (;;) {
        TSNode node = ts_tree_cursor_current_node(&cursor);
        TSSymbol sym = ts_node_symbol(node);
        unsigned flags = sym < lang->nsymbols ? lang->flags[sym] : 0;
        uint32_t children = ts_node_child_count(node);
        int token = (children == 0 || (flags & F_LEAFTYPE)) && !(flags & F_COMMENT);
        if (token) {
            uint32_t s = ts_node_start_byte(node), e = ts_node_end_byte(node);
            /* Tokens must come in byte order (the walk finds them by bisection) and start and
               end on character boundaries (Python decodes each; a split one needs its rules). */
            if ((t->n && s < t->start[t->n - 1]) || continuation(source, length, s)
                || continuation(source, length, e)) { ok = 0; break; }
            if (t->n == cap) {
                cap *= 2;
                TSNode *more = arena_alloc(arena, cap * sizeof *more);
                if (more == NULL || !grow(t, arena, cap)) { ok = 0; break; }
                memcpy(more, nodes, t->n * sizeof *nodes);
                nodes = more;
            }
            t->start[t->n] = s;
            t->end[t->n] = e;
            nodes[t->n++] = node;
        }
        /* A whole literal is one token: its own leaves are not. */
        if (!(token && children) && ts_tree_cursor_goto_first_child(&cursor)) {
            if (++depth > TOKENS_MAX_DEPTH) { ok = 0; break; }
            continue;
        }
        int more = 0;
        while (!(more = ts_tree_cursor_goto_next_sibling(&cursor))) {
            if (!ts_tree_cursor_goto_parent(&cursor)) break;
            depth--;
        }
        if (!more) break;
    }
    ts_tree_cursor_delete(&cursor);
    if (!ok) return 0;
    t->name = arena_alloc(arena, (t->n + 1) * sizeof *t->name);
    t->keyword = arena_alloc(arena, t->n + 1);
    int slots = 16;
    while (slots < 2 * t->n) slots *= 2;
    int *table = arena_alloc(arena, slots * sizeof *table);
    int *first_token = arena_alloc(arena, (t->n + 1) * sizeof *first_token); /* name -> a token with it */
    uint32_t longest = 0;
    for (int i = 0; i < t->n; i++)
        if (t->end[i] - t->start[i] > longest) longest = t->end[i] - t->start[i];
    char *text = arena_alloc(arena, longest + 1), *other = arena_alloc(arena, longest + 1);
    if (t->name == NULL || t->keyword == NULL || table == NULL || first_token == NULL || text == NULL
        || other == NULL)
        return 0;
    memset(table, -1, slots * sizeof *table);
    for (int i = 0; i < t->n; i++) {
        size_t n = strip_newlines(text, source + t->start[i], t->end[i] - t->start[i]);
        const char *type = ts_node_type(nodes[i]);
        t->keyword[i] = strlen(type) == n && memcmp(type, text, n) == 0;
        uint64_t h = hash_bytes(text, n);
        int slot = (int)(h & (uint64_t)(slots - 1));
        for (;;) {
            int name = table[slot];
            if (name < 0) {
                table[slot] = t->nnames;
                first_token[t->nnames] = i;
                t->name[i] = t->nnames++;
                break;
            }
            int j = first_token[name];
            size_t m = strip_newlines(other, source + t->start[j], t->end[j] - t->start[j]);
            if (m == n && memcmp(other, text, n) == 0) {
                t->name[i] = name;
                break;
            }
            slot = (slot + 1) & (slots - 1);
        }
    }
    return 1;
}
