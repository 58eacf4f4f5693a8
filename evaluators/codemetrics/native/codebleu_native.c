/* CodeBLEU's tree work in C: parse, subtree keys and the data-flow graph; and Python's
   comment stripping (pyclean.c).

   This is a port of trees.py (scan_tree), dataflow_walk.py (Walker) and dataflow.py
   (data_flow, normalize). Trees with syntax errors are handled too (their MISSING tokens are
   zero-width). Analyser.analyse returns None, and the caller takes the pure-Python path, which
   stays the reference, for trees deeper than TOKENS_MAX_DEPTH and for tokens that do not start
   and end on character boundaries: tests/codemetrics/test_native.py checks that both paths
   give the same subtree keys and the same normalised data-flow edges.

   The walk mirrors Python's semantics exactly, including where variable states are shared
   rather than copied (Ruby's extractor), so states are reference objects here too. Every
   allocation of one call lives in an arena freed when the call returns. A step the Python
   walker would fail on (a missing field, an empty child list) ends the walk with an empty
   graph, as Python's does. */
#ifndef PY_SSIZE_T_CLEAN
#define PY_SSIZE_T_CLEAN
#endif
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

#include "arena.h"
#include "flow.h"
#include "pyclean.h"
#include "sexp.h"

/* ---- per-language tables ---- */

static int name_in(PyObject *names, const char *name) {
    if (names == NULL || names == Py_None) return 0;
    PyObject *key = PyUnicode_FromString(name);
    if (key == NULL) { PyErr_Clear(); return 0; }
    int found = PySequence_Contains(names, key);
    Py_DECREF(key);
    if (found < 0) { PyErr_Clear(); return 0; }
    return found;
}

static const char *rule_str(PyObject *rules, const char *key) {
    PyObject *value = PyDict_GetItemString(rules, key);
    if (value == NULL || value == Py_None) return NULL;
    return PyUnicode_AsUTF8(value);
}

static int rule_bool(PyObject *rules, const char *key, int fallback) {
    PyObject *value = PyDict_GetItemString(rules, key);
    return value == NULL ? fallback : PyObject_IsTrue(value);
}

static TSFieldId field_id(const TSLanguage *lang, const char *name) {
    return name == NULL ? 0 : ts_language_field_id_for_name(lang, name, (uint32_t)strlen(name));
}

/* Fill `lang` from the rules dict (dataflow_rules.FlowRules as a dict). */
static int lang_init(Lang *lang, const TSLanguage *ts, PyObject *rules) {
    static const struct { const char *key; unsigned flag; } sets[] = {
        {"assignment", F_ASSIGNMENT}, {"definition", F_DEFINITION}, {"increment", F_INCREMENT},
        {"branch", F_BRANCH}, {"loop", F_LOOP}, {"foreach", F_FOREACH}, {"repeat", F_REPEAT},
        {"first", F_FIRST}};
    memset(lang, 0, sizeof *lang);
    lang->ts = ts;
    lang->nsymbols = ts_language_symbol_count(ts);
    lang->flags = calloc(lang->nsymbols, sizeof *lang->flags);
    if (lang->flags == NULL) { PyErr_NoMemory(); return -1; }
    PyObject *branch_children = PyDict_GetItemString(rules, "branch_children");
    lang->alternatives_are_branch = branch_children == NULL || branch_children == Py_None;
    const char *loop_init = rule_str(rules, "loop_init");
    for (uint32_t sym = 0; sym < lang->nsymbols; sym++) {
        const char *name = ts_language_symbol_name(ts, (TSSymbol)sym);
        if (name == NULL) continue;
        unsigned flags = 0;
        for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
            if (name_in(PyDict_GetItemString(rules, sets[i].key), name)) flags |= sets[i].flag;
        if (!lang->alternatives_are_branch && name_in(branch_children, name)) flags |= F_ALTERNATIVE;
        if (strcmp(name, "comment") == 0) flags |= F_COMMENT;
        if (strcmp(name, "string_literal") == 0 || strcmp(name, "string") == 0
            || strcmp(name, "character_literal") == 0) flags |= F_LEAFTYPE;
        if (strcmp(name, "identifier") == 0) flags |= F_IDENTIFIER;
        if (strstr(name, "else") != NULL) flags |= F_ELSE;
        if (strcmp(name, ",") == 0) flags |= F_COMMA;
        if (strcmp(name, "variable_name") == 0) flags |= F_VARIABLE_NAME;
        if (strcmp(name, "block") == 0) flags |= F_BLOCK;
        if (strcmp(name, "for_in_clause") == 0) flags |= F_FOR_IN_CLAUSE;
        if (strcmp(name, "operator_assignment") == 0) flags |= F_OPERATOR_ASSIGNMENT;
        if (loop_init != NULL && strcmp(name, loop_init) == 0) flags |= F_LOOP_INIT;
        lang->flags[sym] = flags;
    }
    if (lang->alternatives_are_branch)
        for (uint32_t sym = 0; sym < lang->nsymbols; sym++)
            if (lang->flags[sym] & F_BRANCH) lang->flags[sym] |= F_ALTERNATIVE;
    const char *definition_kind = rule_str(rules, "definition_kind");
    lang->definition_kind = definition_kind == NULL || strcmp(definition_kind, "fields") == 0 ? DEF_FIELDS
                            : strcmp(definition_kind, "csharp") == 0 ? DEF_CSHARP : DEF_RUST;
    const char *assignment_kind = rule_str(rules, "assignment_kind");
    lang->pairs = assignment_kind != NULL && strcmp(assignment_kind, "pairs") == 0;
    const char *loop_kind = rule_str(rules, "loop_kind");
    lang->loop_kind = loop_kind == NULL || strcmp(loop_kind, "children") == 0 ? LOOP_CHILDREN
                      : strcmp(loop_kind, "python") == 0 ? LOOP_PYTHON : LOOP_RUBY;
    const char *foreach_kind = rule_str(rules, "foreach_kind");
    lang->foreach_php = foreach_kind != NULL && strcmp(foreach_kind, "php") == 0;
    lang->branch_sticky = rule_bool(rules, "branch_sticky", 1);
    lang->branch_tag = rule_bool(rules, "branch_tag", 1);
    lang->branch_keeps_outer = rule_bool(rules, "branch_keeps_outer", 0);
    lang->copies_states = rule_bool(rules, "copies_states", 1);
    lang->has_first = 0;
    for (uint32_t sym = 0; sym < lang->nsymbols; sym++)
        if (lang->flags[sym] & F_FIRST) lang->has_first = 1;
    lang->f_left = field_id(ts, "left");
    lang->f_right = field_id(ts, "right");
    lang->f_name = field_id(ts, "name");
    lang->f_body = field_id(ts, "body");
    lang->f_pattern = field_id(ts, "pattern");
    lang->f_value_plain = field_id(ts, "value");
    lang->f_value = field_id(ts, rule_str(rules, "value_field"));
    lang->f_update = field_id(ts, rule_str(rules, "loop_update_field"));
    PyObject *fields = PyDict_GetItemString(rules, "foreach_fields");
    if (fields != NULL && PyTuple_Check(fields) && PyTuple_GET_SIZE(fields) == 3) {
        lang->f_each_name = field_id(ts, PyUnicode_AsUTF8(PyTuple_GET_ITEM(fields, 0)));
        lang->f_each_value = field_id(ts, PyUnicode_AsUTF8(PyTuple_GET_ITEM(fields, 1)));
        lang->f_each_body = field_id(ts, PyUnicode_AsUTF8(PyTuple_GET_ITEM(fields, 2)));
    }
    return PyErr_Occurred() ? -1 : 0;
}

/* ---- the Python type ---- */

typedef struct {
    PyObject_HEAD
    TSParser *parser;
    Lang lang;
    PyObject *capsule;  /* keeps the grammar's language alive */
} Analyser;

static PyObject *var_names;  /* "var_0", "var_1", ... made on demand */
static PyObject *relation_names[2];

static PyObject *var_name(int k) {
    while (PyList_GET_SIZE(var_names) <= k) {
        PyObject *name = PyUnicode_FromFormat("var_%zd", PyList_GET_SIZE(var_names));
        if (name == NULL || PyList_Append(var_names, name) < 0) { Py_XDECREF(name); return NULL; }
        Py_DECREF(name);
    }
    return PyList_GET_ITEM(var_names, k);
}

static int analyser_init(Analyser *self, PyObject *args, PyObject *kwargs) {
    PyObject *capsule, *rules;
    static char *keywords[] = {"language", "rules", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO!", keywords, &capsule, &PyDict_Type, &rules))
        return -1;
    const TSLanguage *ts = PyCapsule_GetPointer(capsule, "tree_sitter.Language");
    if (ts == NULL) return -1;
    self->parser = ts_parser_new();
    if (!ts_parser_set_language(self->parser, ts)) {
        PyErr_SetString(PyExc_ValueError, "this tree-sitter core cannot load the grammar (ABI version)");
        return -1;
    }
    Py_INCREF(capsule);
    self->capsule = capsule;
    return lang_init(&self->lang, ts, rules);
}

static void analyser_dealloc(Analyser *self) {
    PyTypeObject *type = Py_TYPE(self);  /* a heap type: each instance holds a reference to it */
    if (self->parser != NULL) ts_parser_delete(self->parser);
    free(self->lang.flags);
    Py_XDECREF(self->capsule);
    type->tp_free((PyObject *)self);
    Py_DECREF(type);
}

/* Subtrees are compared by a key rather than by their text: a polynomial hash of the
   S-expression modulo the Mersenne prime 2^61 - 1. With prefix hashes of the root's text,
   every subtree's key costs O(1) instead of a copy and a hash of its slice. Two different
   S-expressions of at most L bytes share a key with probability at most L / 2^61. */
#define KEY_MOD ((1ULL << 61) - 1)
#define KEY_BASE 1000003ULL

static inline uint64_t mod_mul(uint64_t a, uint64_t b) {
    __uint128_t product = (__uint128_t)a * b;
    uint64_t folded = (uint64_t)(product & KEY_MOD) + (uint64_t)(product >> 61);
    return folded >= KEY_MOD ? folded - KEY_MOD : folded;
}

static uint64_t text_key(const char *text, Py_ssize_t length) {
    uint64_t h = 0;
    for (Py_ssize_t i = 0; i < length; i++) {
        h = mod_mul(h, KEY_BASE) + (unsigned char)text[i] + 1;
        if (h >= KEY_MOD) h -= KEY_MOD;
    }
    return h;
}

/* Counts one subtree key in `counts`. */
static int count_key(PyObject *counts, uint64_t key) {
    PyObject *k = PyLong_FromUnsignedLongLong(key);
    if (k == NULL) return -1;
    PyObject *old = PyDict_GetItemWithError(counts, k);
    long n = old == NULL ? 0 : PyLong_AsLong(old);
    PyObject *v = PyErr_Occurred() ? NULL : PyLong_FromLong(n + 1);
    int status = v == NULL ? -1 : PyDict_SetItem(counts, k, v);
    Py_DECREF(k);
    Py_XDECREF(v);
    return status;
}

static int count_text(PyObject *counts, const char *text) {
    return count_key(counts, text_key(text, (Py_ssize_t)strlen(text)));
}

/* For every group of `text` (an S-expression as ts_node_string writes it), in order, where it
   opens and where it ends (one past its ")"); the number of groups, or -1 when they do not
   pair up. In trees with errors, a MISSING or UNEXPECTED leaf may quote a parenthesis:
   such leaves are read whole, as trees.py's pattern reads them. */
static Py_ssize_t pair_groups(const char *text, Py_ssize_t length, Py_ssize_t *opens, Py_ssize_t *ends,
                              Py_ssize_t *stack, int with_errors) {
    static const char missing[] = "(MISSING \"", unexpected[] = "(UNEXPECTED '";
    Py_ssize_t groups = 0, depth = 0;
    for (Py_ssize_t i = 0; i < length; i++) {
        if (text[i] == '(') {
            opens[groups] = i;
            if (with_errors && strncmp(text + i, missing, sizeof missing - 1) == 0) {
                Py_ssize_t j = i + (Py_ssize_t)sizeof missing - 1;
                while (j + 1 < length && text[j] != '\n' && !(text[j] == '"' && text[j + 1] == ')')) j++;
                if (j + 1 >= length || text[j] == '\n') return -1;
                ends[groups++] = j + 2;
                i = j + 1;
            } else if (with_errors && strncmp(text + i, unexpected, sizeof unexpected - 1) == 0) {
                Py_ssize_t j = i + (Py_ssize_t)sizeof unexpected - 1;
                j += j < length && text[j] == '\\' ? 2 : 1;
                if (j + 1 >= length || text[j] != '\'' || text[j + 1] != ')') return -1;
                ends[groups++] = j + 2;
                i = j + 1;
            } else {
                stack[depth++] = groups++;
            }
        } else if (text[i] == ')') {
            if (depth == 0) return -1;
            ends[stack[--depth]] = i + 1;
        }
    }
    return depth == 0 ? groups : -1;
}

/* Moves the cursor to the next node in pre-order; 0 at the end. */
static int next_preorder(TSTreeCursor *cursor) {
    if (ts_tree_cursor_goto_first_child(cursor)) return 1;
    while (!ts_tree_cursor_goto_next_sibling(cursor))
        if (!ts_tree_cursor_goto_parent(cursor)) return 0;
    return 1;
}

/* Keys of str(node) for the root and every node with children, each written on its own:
   the fallback when the root's text cannot be cut into groups. */
static int count_each(PyObject *counts, TSNode root, Py_ssize_t *total) {
    TSTreeCursor cursor = ts_tree_cursor_new(root);
    int status = 0, first = 1;
    do {
        TSNode node = ts_tree_cursor_current_node(&cursor);
        if (first || ts_node_child_count(node) > 0) {
            char *text = ts_node_string(node);
            status = count_text(counts, text);
            free(text);
            ++*total;
        }
        first = 0;
    } while (status == 0 && next_preorder(&cursor));
    ts_tree_cursor_delete(&cursor);
    return status;
}

/* The keys of the root and of every node with children. The root's text is written once
   (sexp_text) and every printed node's S-expression is its group in that text, paired with
   the printed nodes (named ones, and MISSING ones) in pre-order as trees.py pairs them;
   anonymous nodes with children are not in that text and are written on their own.
   Returns 1 when the groups do not line up with the nodes. */
static int count_slices(PyObject *counts, TSNode root, Py_ssize_t *total) {
    int with_errors = ts_node_has_error(root);
    Py_ssize_t length;
    char *text = with_errors ? ts_node_string(root) : sexp_text(root, &length);
    if (text == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if (with_errors) length = (Py_ssize_t)strlen(text);
    Py_ssize_t *opens = malloc((length + 1) * 3 * sizeof(Py_ssize_t));
    uint64_t *prefix = malloc((length + 1) * 2 * sizeof(uint64_t));
    if (opens == NULL || prefix == NULL) {
        free(text);
        free(opens);
        free(prefix);
        PyErr_NoMemory();
        return -1;
    }
    uint64_t *power = prefix + length + 1;
    prefix[0] = 0;
    power[0] = 1;
    for (Py_ssize_t i = 0; i < length; i++) {
        uint64_t h = mod_mul(prefix[i], KEY_BASE) + (unsigned char)text[i] + 1;
        prefix[i + 1] = h >= KEY_MOD ? h - KEY_MOD : h;
        power[i + 1] = mod_mul(power[i], KEY_BASE);
    }
    Py_ssize_t *ends = opens + length + 1, *stack = ends + length + 1;
    Py_ssize_t groups = pair_groups(text, length, opens, ends, stack, with_errors), group = 0;
    int status = groups < 1 ? 1 : count_key(counts, prefix[length]);
    ++*total;
    TSTreeCursor cursor = ts_tree_cursor_new(root);
    while (status == 0 && next_preorder(&cursor)) {
        TSNode node = ts_tree_cursor_current_node(&cursor);
        int children = ts_node_child_count(node) > 0;
        if (ts_node_is_named(node) || (with_errors && ts_node_is_missing(node))) {
            if (++group >= groups) { status = 1; break; }
            if (children) {
                Py_ssize_t a = opens[group], b = ends[group];
                uint64_t key = prefix[b] + KEY_MOD - mod_mul(prefix[a], power[b - a]);
                status = count_key(counts, key >= KEY_MOD ? key - KEY_MOD : key);
                ++*total;
            }
        } else if (children) {
            char *own = ts_node_string(node);
            status = count_text(counts, own);
            free(own);
            ++*total;
        }
    }
    if (status == 0 && group + 1 != groups) status = 1;
    ts_tree_cursor_delete(&cursor);
    free(text);
    free(opens);
    free(prefix);
    return status;
}

/* {key: count} of the subtrees of root, and their number; NULL on a Python error. */
static PyObject *subtree_counts(TSNode root, Py_ssize_t *total) {
    PyObject *counts = PyDict_New();
    if (counts == NULL) return NULL;
    *total = 0;
    int status = count_slices(counts, root, total);
    if (status == 1) { /* start again, one node at a time */
        PyDict_Clear(counts);
        *total = 0;
        status = count_each(counts, root, total);
    }
    if (status < 0) Py_CLEAR(counts);
    return counts;
}

static PyObject *subtree_keys(PyObject *self, PyObject *texts) {
    (void)self;
    PyObject *seq = PySequence_Fast(texts, "subtree_keys() takes a sequence of str");
    if (seq == NULL) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject *out = PyList_New(n);
    for (Py_ssize_t i = 0; out != NULL && i < n; i++) {
        Py_ssize_t length;
        const char *text = PyUnicode_AsUTF8AndSize(PySequence_Fast_GET_ITEM(seq, i), &length);
        PyObject *key = text == NULL ? NULL : PyLong_FromUnsignedLongLong(text_key(text, length));
        if (key == NULL) Py_CLEAR(out);
        else PyList_SET_ITEM(out, i, key);
    }
    Py_DECREF(seq);
    return out;
}

static PyObject *flows_to_python(const EdgeVec *edges) {
    PyObject *out = PyList_New(edges->n);
    if (out == NULL) return NULL;
    for (int i = 0; i < edges->n; i++) {
        const Edge *edge = &edges->e[i];
        PyObject *sources = PyTuple_New(edge->names->n);
        if (sources == NULL) { Py_DECREF(out); return NULL; }
        for (int j = 0; j < edge->names->n; j++) {
            PyObject *name = var_name(edge->names->v[j]);
            if (name == NULL) { Py_DECREF(sources); Py_DECREF(out); return NULL; }
            Py_INCREF(name);
            PyTuple_SET_ITEM(sources, j, name);
        }
        PyObject *target = var_name(edge->name);
        if (target == NULL) { Py_DECREF(sources); Py_DECREF(out); return NULL; }
        PyObject *item = PyTuple_Pack(3, target, relation_names[edge->rel], sources);
        Py_DECREF(sources);
        if (item == NULL) { Py_DECREF(out); return NULL; }
        PyList_SET_ITEM(out, i, item);
    }
    return out;
}

static PyObject *analyser_analyse(Analyser *self, PyObject *args) {
    Py_buffer source;
    int with_flow;
    if (!PyArg_ParseTuple(args, "y*p", &source, &with_flow)) return NULL;
    TSTree *tree = ts_parser_parse_string(self->parser, NULL, source.buf, (uint32_t)source.len);
    if (tree == NULL) { PyBuffer_Release(&source); Py_RETURN_NONE; }
    TSNode root = ts_tree_root_node(tree);
    PyObject *result = NULL, *counts = NULL, *flows = NULL;
    Arena arena = {0};
    Tokens tokens;
    Py_ssize_t total;
    if (with_flow && !tokens_collect(&tokens, &arena, &self->lang, root, source.buf, source.len)) {
        result = Py_NewRef(Py_None); /* see tokens_collect: the Python path */
        goto done;
    }
    if ((counts = subtree_counts(root, &total)) == NULL) goto done;
    if (with_flow) {
        EdgeVec edges;
        if (!data_flow(&edges, &arena, &self->lang, &tokens, root)) {
            PyErr_NoMemory();
            goto done;
        }
        flows = flows_to_python(&edges);
    } else {
        flows = PyList_New(0);
    }
    if (flows != NULL) result = Py_BuildValue("(OnO)", counts, total, flows);
done:
    Py_XDECREF(counts);
    Py_XDECREF(flows);
    arena_free(&arena);
    ts_tree_delete(tree);
    PyBuffer_Release(&source);
    return result;
}

static PyMethodDef analyser_methods[] = {
    {"analyse", (PyCFunction)analyser_analyse, METH_VARARGS,
     "analyse(source: bytes, with_flow: bool) -> (subtree_counts, subtree_total, flows) | None\n\n"
     "{subtree key: count} (keys as subtree_keys() makes them from S-expressions), the number\n"
     "of subtrees, and the normalised data-flow edges of `source` (empty without with_flow);\n"
     "None when the tree needs the Python path (tokens_collect says when)."},
    {NULL, NULL, 0, NULL}};

static PyType_Slot analyser_slots[] = {
    {Py_tp_init, analyser_init},
    {Py_tp_dealloc, analyser_dealloc},
    {Py_tp_methods, analyser_methods},
    {Py_tp_doc, "Analyser(language, rules): one grammar's parser and data-flow rules."},
    {0, NULL}};

static PyType_Spec analyser_spec = {
    "evaluators.codemetrics._native.Analyser", sizeof(Analyser), 0, Py_TPFLAGS_DEFAULT, analyser_slots};

static PyObject *strip_python(PyObject *self, PyObject *source) {
    (void)self;
    if (!PyUnicode_Check(source)) {
        PyErr_SetString(PyExc_TypeError, "strip_python() takes a str");
        return NULL;
    }
    if (!PyUnicode_IS_ASCII(source)) Py_RETURN_NONE;
    Py_ssize_t length;
    const char *text = PyUnicode_AsUTF8AndSize(source, &length);
    if (text == NULL) return NULL;
    size_t out_length;
    char *out = strip_python_ascii(text, (size_t)length, &out_length);
    if (out == NULL) Py_RETURN_NONE;
    PyObject *result = PyUnicode_DecodeASCII(out, (Py_ssize_t)out_length, NULL);
    free(out);
    return result;
}

static PyObject *language_version(PyObject *self, PyObject *args) {
    (void)self;
    (void)args;
    return PyLong_FromLong(TREE_SITTER_LANGUAGE_VERSION);
}

static PyMethodDef module_methods[] = {
    {"version", language_version, METH_NOARGS, "The grammar ABI version this tree-sitter core reads."},
    {"strip_python", strip_python, METH_O,
     "strip_python(source) -> str | None: pyclean.fast_strip_python for ASCII sources (None: not handled)."},
    {"subtree_keys", subtree_keys, METH_O, "subtree_keys(texts) -> list[int]: the key of each S-expression."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "_native", "CodeBLEU's tree work in C.", -1,
                                        module_methods};

PyMODINIT_FUNC PyInit__native(void) {
    PyObject *module = PyModule_Create(&module_def);
    if (module == NULL) return NULL;
    var_names = PyList_New(0);
    relation_names[REL_COMES] = PyUnicode_InternFromString("comesFrom");
    relation_names[REL_COMPUTED] = PyUnicode_InternFromString("computedFrom");
    PyObject *type = PyType_FromSpec(&analyser_spec);
    if (var_names == NULL || type == NULL || PyModule_AddObject(module, "Analyser", type) < 0) {
        Py_XDECREF(type);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
