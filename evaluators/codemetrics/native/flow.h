/* Shared types of the C CodeBLEU path: per-language rules, code tokens, data-flow edges. */
#ifndef GLASSBOX_FLOW_H
#define GLASSBOX_FLOW_H
#include <stddef.h>
#include <stdint.h>
#include <tree_sitter/api.h>

#include "arena.h"

/* What a node type is to the walk (dataflow_rules.FlowRules, plus the names it tests). */
enum {
    F_ASSIGNMENT = 1u << 0, F_DEFINITION = 1u << 1, F_INCREMENT = 1u << 2, F_BRANCH = 1u << 3,
    F_LOOP = 1u << 4, F_FOREACH = 1u << 5, F_REPEAT = 1u << 6, F_FIRST = 1u << 7,
    F_ALTERNATIVE = 1u << 8, F_COMMENT = 1u << 9, F_LEAFTYPE = 1u << 10, F_IDENTIFIER = 1u << 11,
    F_ELSE = 1u << 12, F_COMMA = 1u << 13, F_VARIABLE_NAME = 1u << 14, F_BLOCK = 1u << 15,
    F_FOR_IN_CLAUSE = 1u << 16, F_OPERATOR_ASSIGNMENT = 1u << 17, F_LOOP_INIT = 1u << 18,
};
#define F_SPECIAL (F_ASSIGNMENT | F_DEFINITION | F_INCREMENT | F_BRANCH | F_LOOP | F_FOREACH | F_REPEAT)

enum { DEF_FIELDS, DEF_CSHARP, DEF_RUST };
enum { LOOP_CHILDREN, LOOP_PYTHON, LOOP_RUBY };
enum { REL_COMES = 0, REL_COMPUTED = 1 };

typedef struct {
    const TSLanguage *ts;
    uint32_t nsymbols;
    unsigned *flags; /* by public symbol (ts_node_symbol) */
    int alternatives_are_branch, definition_kind, pairs, loop_kind, foreach_php;
    int branch_sticky, branch_tag, branch_keeps_outer, copies_states, has_first;
    TSFieldId f_left, f_right, f_name, f_body, f_pattern, f_value_plain, f_value, f_update;
    TSFieldId f_each_name, f_each_value, f_each_body;
} Lang;

/* The code tokens of a tree, in order: byte spans, interned text and whether the text is
   the node's own type (a keyword or operator, never a variable). */
typedef struct {
    int n, nnames;
    uint32_t *start, *end;
    int *name;
    unsigned char *keyword;
} Tokens;

typedef struct {
    int n;
    int v[];
} IntList; /* never changed once made, so shared freely (Python's lists are only replaced) */

typedef struct {
    int name, idx, rel;
    const IntList *names, *srcs; /* source variable names, in order; source token indices */
} Edge;

typedef struct {
    int n, cap;
    Edge *e;
} EdgeVec;

/* Deeper trees are left to the Python path: its recursive walk gives up (an empty graph) at a
   depth that depends on Python's recursion limit, which C cannot follow. */
#define TOKENS_MAX_DEPTH 200

/* Fills `tokens`; returns 0 when the tree needs the Python path (tokens out of byte order, a
   token that does not start and end on a character boundary, a tree deeper than
   TOKENS_MAX_DEPTH) or memory ran out. */
int tokens_collect(Tokens *tokens, Arena *arena, const Lang *lang, TSNode root, const char *source,
                   size_t length);

/* Fills `edges` with the normalised data-flow edges (names and sources are var_k numbers);
   returns 0 only when memory ran out. */
int data_flow(EdgeVec *edges, Arena *arena, const Lang *lang, const Tokens *tokens, TSNode root);
#endif
