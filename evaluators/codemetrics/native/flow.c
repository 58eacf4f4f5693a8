/* The data-flow walk (dataflow_walk.Walker) and its post-processing (dataflow.data_flow and
   normalize), step for step. States map a name to the token indices of its latest
   definitions; they are reference objects, copied exactly where Python copies its dicts. */
#include <stdlib.h>
#include <string.h>

#include "flow.h"

typedef struct {
    const IntList **vals; /* by name; NULL: not defined */
} State;

typedef struct {
    Arena *arena;
    const Lang *lang;
    const Tokens *tok;
    TSTreeCursor cursor;
    int failed; /* a step Python would raise on: the graph is empty */
    int oom;
} Walk;

static const IntList EMPTY = {0};

static void *alloc(Walk *w, size_t size) {
    void *out = arena_alloc(w->arena, size);
    if (out == NULL) w->failed = w->oom = 1;
    return out;
}

static const IntList *list_of(Walk *w, const int *values, int n) {
    if (n == 0) return &EMPTY;
    IntList *out = alloc(w, sizeof(IntList) + n * sizeof(int));
    if (out == NULL) return &EMPTY;
    out->n = n;
    memcpy(out->v, values, n * sizeof(int));
    return out;
}

static const IntList *list1(Walk *w, int value) { return list_of(w, &value, 1); }

static int compare_ints(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* sorted(set(a + b)) */
static const IntList *sorted_union(Walk *w, const IntList *a, const IntList *b) {
    int n = a->n + b->n;
    if (n == 0) return &EMPTY;
    int *all = alloc(w, n * sizeof(int));
    if (all == NULL) return &EMPTY;
    memcpy(all, a->v, a->n * sizeof(int));
    memcpy(all + a->n, b->v, b->n * sizeof(int));
    qsort(all, n, sizeof(int), compare_ints);
    int k = 0;
    for (int i = 0; i < n; i++)
        if (k == 0 || all[k - 1] != all[i]) all[k++] = all[i];
    return list_of(w, all, k);
}

/* merge_names: both lists without repeats, in first-seen order. */
static const IntList *merge_names(Walk *w, const IntList *a, const IntList *b) {
    int n = a->n + b->n;
    if (n == 0) return &EMPTY;
    int *out = alloc(w, n * sizeof(int));
    if (out == NULL) return &EMPTY;
    int k = 0;
    for (int i = 0; i < n; i++) {
        int x = i < a->n ? a->v[i] : b->v[i - a->n];
        int seen = 0;
        for (int j = 0; j < k && !seen; j++) seen = out[j] == x;
        if (!seen) out[k++] = x;
    }
    return list_of(w, out, k);
}

static int lists_equal(const IntList *a, const IntList *b) {
    return a == b || (a->n == b->n && memcmp(a->v, b->v, a->n * sizeof(int)) == 0);
}

static void push(Walk *w, EdgeVec *vec, int name, int idx, int rel, const IntList *names, const IntList *srcs) {
    if (vec->n == vec->cap) {
        int cap = vec->cap ? 2 * vec->cap : 8;
        Edge *e = alloc(w, cap * sizeof(Edge));
        if (e == NULL) return;
        if (vec->n) memcpy(e, vec->e, vec->n * sizeof(Edge));
        vec->e = e;
        vec->cap = cap;
    }
    vec->e[vec->n++] = (Edge){name, idx, rel, names, srcs};
}

static void extend(Walk *w, EdgeVec *dst, const EdgeVec *src) {
    for (int i = 0; i < src->n && !w->failed; i++) {
        const Edge *e = &src->e[i];
        push(w, dst, e->name, e->idx, e->rel, e->names, e->srcs);
    }
}

/* by_token: a stable sort on the token index (merge sort). */
static void by_token(Walk *w, EdgeVec *vec) {
    int n = vec->n;
    if (n < 2) return;
    Edge *tmp = alloc(w, n * sizeof(Edge));
    if (tmp == NULL) return;
    Edge *a = vec->e, *b = tmp;
    for (int width = 1; width < n; width *= 2) {
        for (int lo = 0; lo < n; lo += 2 * width) {
            int mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            int i = lo, j = mid, k = lo;
            while (i < mid && j < hi) b[k++] = a[j].idx < a[i].idx ? a[j++] : a[i++];
            while (i < mid) b[k++] = a[i++];
            while (j < hi) b[k++] = a[j++];
        }
        Edge *swap = a;
        a = b;
        b = swap;
    }
    if (a != vec->e) memcpy(vec->e, a, n * sizeof(Edge));
}

/* dedupe: edges merged by (name, token, relation) in first-seen order, then sorted by token. */
static void dedupe(Walk *w, EdgeVec *vec) {
    EdgeVec out = {0};
    for (int i = 0; i < vec->n && !w->failed; i++) {
        Edge *e = &vec->e[i];
        int j = 0;
        while (j < out.n && !(out.e[j].name == e->name && out.e[j].idx == e->idx && out.e[j].rel == e->rel)) j++;
        if (j == out.n) {
            push(w, &out, e->name, e->idx, e->rel, e->names, e->srcs);
        } else {
            out.e[j].names = merge_names(w, out.e[j].names, e->names);
            out.e[j].srcs = sorted_union(w, out.e[j].srcs, e->srcs);
        }
    }
    *vec = out;
    by_token(w, vec);
}

static State *state_new(Walk *w) {
    State *s = alloc(w, sizeof(State));
    if (s == NULL) return NULL;
    s->vals = alloc(w, (w->tok->nnames + 1) * sizeof(IntList *));
    if (s->vals == NULL) return NULL;
    memset(s->vals, 0, (w->tok->nnames + 1) * sizeof(IntList *));
    return s;
}

static State *state_copy(Walk *w, const State *from) {
    State *s = state_new(w);
    if (s != NULL) memcpy(s->vals, from->vals, w->tok->nnames * sizeof(IntList *));
    return s;
}

static unsigned flags_of(const Walk *w, TSNode node) {
    TSSymbol sym = ts_node_symbol(node);
    return sym < w->lang->nsymbols ? w->lang->flags[sym] : 0;
}

static int is_token(const Walk *w, TSNode node) {
    unsigned flags = flags_of(w, node);
    return (ts_node_child_count(node) == 0 || (flags & F_LEAFTYPE)) && !(flags & F_COMMENT);
}

/* The token index of a token node (Python: tokens[node.byte_range], where the last token of
   a span wins); -1 fails the walk. */
static int token_of(Walk *w, TSNode node) {
    uint32_t start = ts_node_start_byte(node), end = ts_node_end_byte(node);
    const Tokens *tok = w->tok;
    int lo = 0, hi = tok->n, found = -1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (tok->start[mid] < start) lo = mid + 1;
        else hi = mid;
    }
    for (; lo < tok->n && tok->start[lo] == start; lo++)
        if (tok->end[lo] == end) found = lo;
    if (found < 0) w->failed = 1;
    return found;
}

/* node.children: every child, named or not. */
static TSNode *children_of(Walk *w, TSNode node, int *count) {
    uint32_t n = ts_node_child_count(node);
    *count = (int)n;
    if (n == 0) return NULL;
    TSNode *out = alloc(w, n * sizeof(TSNode));
    if (out == NULL) { *count = 0; return NULL; }
    ts_tree_cursor_reset(&w->cursor, node);
    ts_tree_cursor_goto_first_child(&w->cursor);
    for (uint32_t i = 0; i < n; i++) {
        out[i] = ts_tree_cursor_current_node(&w->cursor);
        ts_tree_cursor_goto_next_sibling(&w->cursor);
    }
    return out;
}

static TSNode field(TSNode node, TSFieldId id) {
    if (id == 0) return (TSNode){0};
    return ts_node_child_by_field_id(node, id);
}

/* variables(): the tokens under node whose text is not their node type, in order. */
static void variables(Walk *w, TSNode node, int **out, int *n, int *cap) {
    if (w->failed) return;
    if (ts_node_is_null(node)) { w->failed = 1; return; }
    if (is_token(w, node)) {
        int t = token_of(w, node);
        if (t < 0 || w->tok->keyword[t]) return;
        if (*n == *cap) {
            int more = *cap ? 2 * *cap : 16;
            int *grown = alloc(w, more * sizeof(int));
            if (grown == NULL) return;
            if (*n) memcpy(grown, *out, *n * sizeof(int));
            *out = grown;
            *cap = more;
        }
        (*out)[(*n)++] = t;
        return;
    }
    int count;
    TSNode *children = children_of(w, node, &count);
    for (int i = 0; i < count && !w->failed; i++) variables(w, children[i], out, n, cap);
}

typedef struct {
    int *v;
    int n, cap;
} Vars;

static Vars vars_of(Walk *w, TSNode node) {
    Vars vars = {NULL, 0, 0};
    variables(w, node, &vars.v, &vars.n, &vars.cap);
    return vars;
}

static State *walk(Walk *w, TSNode node, State *states, EdgeVec *out);

/* cross(): walk value, then link every variable of target to every variable of value. */
static State *cross(Walk *w, TSNode target, TSNode value, int rel, State *states, EdgeVec *out) {
    if (ts_node_is_null(value)) { w->failed = 1; return states; }
    states = walk(w, value, states, out);
    Vars sources = vars_of(w, value), targets = vars_of(w, target);
    if (w->failed) return states;
    const Tokens *tok = w->tok;
    for (int i = 0; i < targets.n; i++) {
        int t1 = targets.v[i];
        for (int j = 0; j < sources.n; j++) {
            int t2 = sources.v[j];
            push(w, out, tok->name[t1], t1, rel, list1(w, tok->name[t2]), list1(w, t2));
        }
        states->vals[tok->name[t1]] = list1(w, t1);
    }
    return states;
}

static State *definition(Walk *w, TSNode node, State *states, EdgeVec *out) {
    TSNode name = {0}, value = {0};
    const Lang *lang = w->lang;
    if (lang->definition_kind == DEF_FIELDS) {
        name = field(node, lang->f_name);
        value = field(node, lang->f_value);
    } else {
        int count;
        TSNode *children = children_of(w, node, &count);
        int at = lang->definition_kind == DEF_CSHARP ? 0 : 1;
        if (count <= at) { w->failed = 1; return states; }
        name = children[at];
        if (lang->definition_kind == DEF_CSHARP ? count == 2 : count >= 3) value = children[at + 1];
    }
    if (!ts_node_is_null(value)) {
        states = cross(w, name, value, REL_COMES, states, out);
        by_token(w, out);
        return states;
    }
    Vars vars = vars_of(w, name);
    if (w->failed) return states;
    for (int i = 0; i < vars.n; i++) {
        int t = vars.v[i];
        push(w, out, w->tok->name[t], t, REL_COMES, &EMPTY, &EMPTY);
        states->vals[w->tok->name[t]] = list1(w, t);
    }
    by_token(w, out);
    return states;
}

/* link_pairs(): walk the right sides, then each left variable is computedFrom its right side. */
static State *link_pairs(Walk *w, TSNode *lefts, TSNode *rights, int n, State *states, EdgeVec *out) {
    for (int i = 0; i < n && !w->failed; i++) {
        if (ts_node_is_null(rights[i])) { w->failed = 1; return states; }
        EdgeVec found = {0};
        states = walk(w, rights[i], states, &found);
        extend(w, out, &found);
    }
    const Tokens *tok = w->tok;
    for (int i = 0; i < n && !w->failed; i++) {
        Vars sources = vars_of(w, rights[i]), targets = vars_of(w, lefts[i]);
        if (w->failed) return states;
        int *names = alloc(w, (sources.n + 1) * sizeof(int));
        if (names == NULL) return states;
        for (int j = 0; j < sources.n; j++) names[j] = tok->name[sources.v[j]];
        const IntList *name_list = list_of(w, names, sources.n), *src_list = list_of(w, sources.v, sources.n);
        for (int j = 0; j < targets.n; j++) {
            int t = targets.v[j];
            push(w, out, tok->name[t], t, REL_COMPUTED, name_list, src_list);
            states->vals[tok->name[t]] = list1(w, t);
        }
    }
    return states;
}

/* split_sides(): the left and right lists of an assignment, commas dropped. */
static int split_sides(Walk *w, TSNode node, TSNode **lefts, TSNode **rights) {
    TSNode left = field(node, w->lang->f_left), right = field(node, w->lang->f_right);
    if (ts_node_is_null(left) || ts_node_is_null(right)) { w->failed = 1; return 0; }
    int nl, nr, kl = 0, kr = 0;
    TSNode *cl = children_of(w, left, &nl), *cr = children_of(w, right, &nr);
    TSNode *l = alloc(w, (nl + 1) * sizeof(TSNode)), *r = alloc(w, (nr + 1) * sizeof(TSNode));
    if (w->failed) return 0;
    for (int i = 0; i < nl; i++)
        if (!(flags_of(w, cl[i]) & F_COMMA)) l[kl++] = cl[i];
    for (int i = 0; i < nr; i++)
        if (!(flags_of(w, cr[i]) & F_COMMA)) r[kr++] = cr[i];
    if (kl != kr || kl == 0) { /* unequal sides, or nothing on either: the sides themselves */
        l[0] = left;
        r[0] = right;
        kl = 1;
    }
    *lefts = l;
    *rights = r;
    return kl;
}

static State *pair_assignment(Walk *w, TSNode node, State *states, EdgeVec *out) {
    unsigned flags = flags_of(w, node);
    TSNode *lefts, *rights, one_left, one_right;
    int n;
    if (flags & F_FOR_IN_CLAUSE) {
        int count;
        TSNode *children = children_of(w, node, &count);
        if (count == 0) { w->failed = 1; return states; }
        one_left = field(node, w->lang->f_left);
        one_right = children[count - 1];
        lefts = &one_left;
        rights = &one_right;
        n = 1;
    } else if (w->lang->loop_kind == LOOP_PYTHON && ts_node_is_null(field(node, w->lang->f_right))) {
        return states;
    } else {
        n = split_sides(w, node, &lefts, &rights);
        if (w->failed) return states;
        if (flags & F_OPERATOR_ASSIGNMENT) {
            int count;
            TSNode *children = children_of(w, node, &count);
            one_left = children[0];
            one_right = children[count - 1];
            lefts = &one_left;
            rights = &one_right;
            n = 1;
        }
    }
    states = link_pairs(w, lefts, rights, n, states, out);
    by_token(w, out);
    return states;
}

static State *branch(Walk *w, TSNode node, State *states, EdgeVec *out) {
    const Lang *lang = w->lang;
    State *current = state_copy(w, states);
    int count;
    TSNode *children = children_of(w, node, &count);
    State **others = alloc(w, (count + 3) * sizeof(State *));
    if (w->failed) return states;
    int nothers = 0, started = 0, tag = (flags_of(w, node) & F_ELSE) != 0;
    for (int i = 0; i < count && !w->failed; i++) {
        unsigned flags = flags_of(w, children[i]);
        if (flags & F_ELSE) tag = 1;
        EdgeVec found = {0};
        if (!(flags & F_ALTERNATIVE) && !started) {
            current = walk(w, children[i], current, &found);
        } else {
            started = lang->branch_sticky;
            State *start = lang->copies_states ? state_copy(w, states) : states;
            if (start == NULL) return states;
            others[nothers++] = walk(w, children[i], start, &found);
        }
        extend(w, out, &found);
    }
    if (w->failed) return states;
    others[nothers++] = current;
    if (lang->branch_tag && !tag) others[nothers++] = states;
    if (lang->branch_keeps_outer) others[nothers++] = states;
    /* Each name gets the sorted union of its token lists in every branch (kept as it is where
       they are all equal: those lists are sorted and free of repeats already). */
    State *merged = state_new(w);
    if (merged == NULL) return states;
    for (int name = 0; name < w->tok->nnames; name++) {
        const IntList *value = NULL;
        for (int k = 0; k < nothers; k++) {
            const IntList *v = others[k]->vals[name];
            if (v == NULL) continue;
            if (value == NULL) value = v;
            else if (!lists_equal(value, v)) value = sorted_union(w, value, v);
        }
        merged->vals[name] = value;
    }
    by_token(w, out);
    return merged;
}

static State *walk_into(Walk *w, TSNode node, State *states, EdgeVec *out) {
    if (ts_node_is_null(node)) { w->failed = 1; return states; }
    EdgeVec found = {0};
    states = walk(w, node, states, &found);
    extend(w, out, &found);
    return states;
}

static State *loop(Walk *w, TSNode node, State *states, EdgeVec *out) {
    const Lang *lang = w->lang;
    int count;
    TSNode *children = children_of(w, node, &count);
    if (lang->loop_kind != LOOP_CHILDREN) {
        for (int round = 0; round < 2 && !w->failed; round++) {
            TSNode *lefts, *rights, one_left, one_right;
            int n = 1;
            if (lang->loop_kind == LOOP_PYTHON) {
                n = split_sides(w, node, &lefts, &rights);
            } else {
                one_left = field(node, lang->f_pattern);
                one_right = field(node, lang->f_value_plain);
                lefts = &one_left;
                rights = &one_right;
            }
            if (w->failed) return states;
            EdgeVec found = {0};
            states = link_pairs(w, lefts, rights, n, states, &found);
            extend(w, out, &found);
            if (lang->loop_kind == LOOP_RUBY) {
                states = walk_into(w, field(node, lang->f_body), states, out);
            } else {
                if (count == 0) { w->failed = 1; return states; }
                if (flags_of(w, children[count - 1]) & F_BLOCK) states = walk_into(w, children[count - 1], states, out);
            }
        }
        dedupe(w, out);
        return states;
    }
    for (int i = 0; i < count && !w->failed; i++) states = walk_into(w, children[i], states, out);
    int started = 0;
    for (int i = 0; i < count && !w->failed; i++) {
        if (started) {
            states = walk_into(w, children[i], states, out);
        } else if (flags_of(w, children[i]) & F_LOOP_INIT) {
            if (lang->f_update != 0) {
                TSNode update = field(children[i], lang->f_update);
                if (!ts_node_is_null(update)) states = walk_into(w, update, states, out);
            }
            started = 1;
        }
    }
    dedupe(w, out);
    return states;
}

static State *foreach(Walk *w, TSNode node, State *states, EdgeVec *out) {
    const Lang *lang = w->lang;
    TSNode name = {0}, value = {0}, body;
    if (lang->foreach_php) {
        int count;
        TSNode *children = children_of(w, node, &count);
        for (int i = 0; i < count; i++) {
            if (!(flags_of(w, children[i]) & F_VARIABLE_NAME)) continue;
            if (ts_node_is_null(value)) {
                value = children[i];
            } else if (ts_node_is_null(name)) {
                name = children[i];
                break;
            }
        }
        body = field(node, lang->f_body);
    } else {
        name = field(node, lang->f_each_name);
        value = field(node, lang->f_each_value);
        body = field(node, lang->f_each_body);
    }
    for (int round = 0; round < 2 && !w->failed; round++) {
        EdgeVec found = {0};
        states = cross(w, name, value, REL_COMPUTED, states, &found);
        extend(w, out, &found);
        states = walk_into(w, body, states, out);
    }
    dedupe(w, out);
    return states;
}

static State *walk(Walk *w, TSNode node, State *states, EdgeVec *out) {
    if (w->failed) return states;
    const Lang *lang = w->lang;
    unsigned flags = flags_of(w, node);
    if (is_token(w, node)) {
        if (!lang->copies_states && (states = state_copy(w, states)) == NULL) return states;
        int t = token_of(w, node);
        if (t < 0 || w->tok->keyword[t]) return states;
        int name = w->tok->name[t];
        if (states->vals[name] != NULL) {
            push(w, out, name, t, REL_COMES, list1(w, name), states->vals[name]);
            return states;
        }
        if (flags & F_IDENTIFIER) {
            if (lang->copies_states && (states = state_copy(w, states)) == NULL) return states;
            states->vals[name] = list1(w, t);
        }
        push(w, out, name, t, REL_COMES, &EMPTY, &EMPTY);
        return states;
    }
    if (flags & F_SPECIAL) {
        if (flags & F_DEFINITION) return definition(w, node, states, out);
        if (flags & F_ASSIGNMENT) {
            if (lang->pairs) return pair_assignment(w, node, states, out);
            states = cross(w, field(node, lang->f_left), field(node, lang->f_right), REL_COMPUTED, states, out);
            by_token(w, out);
            return states;
        }
        if (flags & F_INCREMENT) {
            Vars keys = vars_of(w, node);
            if (w->failed) return states;
            for (int i = 0; i < keys.n; i++) {
                int t1 = keys.v[i], name1 = w->tok->name[t1];
                for (int j = 0; j < keys.n; j++)
                    push(w, out, name1, t1, REL_COMPUTED, list1(w, w->tok->name[keys.v[j]]), list1(w, keys.v[j]));
                states->vals[name1] = list1(w, t1);
            }
            by_token(w, out);
            return states;
        }
        if (flags & F_BRANCH) return branch(w, node, states, out);
        if (flags & F_LOOP) return loop(w, node, states, out);
        if (flags & F_FOREACH) return foreach(w, node, states, out);
        if (flags & F_REPEAT) {
            int count;
            TSNode *children = children_of(w, node, &count);
            for (int round = 0; round < 2; round++)
                for (int i = 0; i < count && !w->failed; i++) states = walk_into(w, children[i], states, out);
            dedupe(w, out);
            return states;
        }
    }
    int count;
    TSNode *children = children_of(w, node, &count);
    int reordered = 0;
    if (lang->has_first && count) {
        /* Children of a `first` type (Python's for_in_clause) are walked before the others. */
        TSNode *order = alloc(w, count * sizeof(TSNode));
        if (order == NULL) return states;
        int k = 0;
        for (int i = 0; i < count; i++)
            if (flags_of(w, children[i]) & F_FIRST) order[k++] = children[i];
        if (k) {
            for (int i = 0; i < count; i++)
                if (!(flags_of(w, children[i]) & F_FIRST)) order[k++] = children[i];
            children = order;
            reordered = 1;
        }
    }
    /* A child's own sorting must not reach its siblings' edges: only leaves share `out`. */
    for (int i = 0; i < count && !w->failed; i++)
        states = is_token(w, children[i]) ? walk(w, children[i], states, out)
                                          : walk_into(w, children[i], states, out);
    if (reordered) by_token(w, out);
    return states;
}

/* data_flow() after the walk, then normalize(). */
static void finish(Walk *w, EdgeVec *edges) {
    by_token(w, edges);
    int ntok = w->tok->n;
    unsigned char *linked = alloc(w, ntok + 1);
    if (linked == NULL) return;
    memset(linked, 0, ntok + 1);
    for (int i = 0; i < edges->n; i++) {
        const Edge *e = &edges->e[i];
        for (int j = 0; j < e->srcs->n; j++) linked[e->srcs->v[j]] = 1;
        if (e->srcs->n) linked[e->idx] = 1;
    }
    int k = 0;
    for (int i = 0; i < edges->n; i++) {
        if (!linked[edges->e[i].idx]) continue;
        Edge e = edges->e[i];
        if (k > 0 && edges->e[k - 1].idx == e.idx) { /* merge by token: name and relation of the later */
            Edge *old = &edges->e[k - 1];
            e.names = merge_names(w, old->names, e.names);
            e.srcs = sorted_union(w, old->srcs, e.srcs);
            *old = e;
        } else {
            edges->e[k++] = e;
        }
    }
    edges->n = k;
    /* normalize: names become var_0, var_1, ... in order of appearance (sources first). */
    int nnames = w->tok->nnames;
    int *number = alloc(w, (nnames + 1) * sizeof(int));
    if (number == NULL) return;
    memset(number, -1, (nnames + 1) * sizeof(int));
    int next = 0;
    for (int i = 0; i < edges->n; i++) {
        Edge *e = &edges->e[i];
        int *names = alloc(w, (e->names->n + 1) * sizeof(int));
        if (names == NULL) return;
        for (int j = 0; j < e->names->n; j++) {
            int name = e->names->v[j];
            if (number[name] < 0) number[name] = next++;
            names[j] = number[name];
        }
        if (number[e->name] < 0) number[e->name] = next++;
        e->name = number[e->name];
        e->names = list_of(w, names, e->names->n);
    }
}

int data_flow(EdgeVec *edges, Arena *arena, const Lang *lang, const Tokens *tokens, TSNode root) {
    Walk w = {arena, lang, tokens, ts_tree_cursor_new(root), 0, 0};
    EdgeVec out = {0};
    State *states = state_new(&w);
    if (states != NULL) walk(&w, root, states, &out);
    ts_tree_cursor_delete(&w.cursor);
    if (w.oom) return 0;
    if (w.failed) out.n = 0; /* as in Python: a walk that fails gives no data flow */
    w.failed = 0;
    finish(&w, &out);
    *edges = out;
    return !w.oom;
}
