/* sexp_text: see sexp.h. Field names come from the cursor, which resolves them as the core's
   printer does: a node's own field in its parent's production, else the field of the hidden
   nodes above it, up to the nearest visible one; none for extras. */
#include <stdlib.h>
#include <string.h>

#include "sexp.h"

typedef struct {
    char *data;
    size_t length, capacity;
    int failed;
} Buffer;

static void put(Buffer *b, const char *text, size_t n) {
    if (b->failed) return;
    if (b->length + n + 1 > b->capacity) {
        size_t capacity = b->capacity ? b->capacity : 1024;
        while (b->length + n + 1 > capacity) capacity *= 2;
        char *data = realloc(b->data, capacity);
        if (data == NULL) {
            b->failed = 1;
            return;
        }
        b->data = data;
        b->capacity = capacity;
    }
    memcpy(b->data + b->length, text, n);
    b->length += n;
}

static void put_str(Buffer *b, const char *text) { put(b, text, strlen(text)); }

char *sexp_text(TSNode root, ptrdiff_t *length) {
    Buffer b = {0};
    TSTreeCursor cursor = ts_tree_cursor_new(root);
    /* Pre-order with explicit closes: `printed[d]` says whether the node at depth d opened a group. */
    size_t depth = 0, capacity = 64;
    unsigned char *printed = malloc(capacity);
    if (printed == NULL) return NULL;
    for (;;) {
        TSNode node = ts_tree_cursor_current_node(&cursor);
        int opens = depth == 0 || ts_node_is_named(node);
        if (opens) {
            if (depth > 0) {
                put(&b, " ", 1);
                const char *field = ts_tree_cursor_current_field_name(&cursor);
                if (field != NULL) {
                    put_str(&b, field);
                    put(&b, ": ", 2);
                }
            }
            put(&b, "(", 1);
            put_str(&b, ts_node_type(node));
        }
        if (depth + 1 >= capacity) {
            unsigned char *more = realloc(printed, capacity *= 2);
            if (more == NULL) {
                b.failed = 1;
                break;
            }
            printed = more;
        }
        printed[depth] = (unsigned char)opens;
        if (ts_tree_cursor_goto_first_child(&cursor)) {
            depth++;
            continue;
        }
        /* Close this node, then every ancestor that has no next sibling. */
        for (;;) {
            if (printed[depth]) put(&b, ")", 1);
            if (depth == 0) break;
            if (ts_tree_cursor_goto_next_sibling(&cursor)) break;
            ts_tree_cursor_goto_parent(&cursor);
            depth--;
        }
        if (depth == 0) break;
    }
    ts_tree_cursor_delete(&cursor);
    free(printed);
    if (b.failed) {
        free(b.data);
        return NULL;
    }
    put(&b, "", 0);
    if (b.failed) {
        free(b.data);
        return NULL;
    }
    b.data[b.length] = '\0';
    *length = (ptrdiff_t)b.length;
    return b.data;
}
