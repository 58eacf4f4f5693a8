"""Returns the raw data-flow edges of one tree: the walk behind dataflow.data_flow.

The walk mirrors the CodeXGLUE/XLCoST extractors the `codebleu` package runs (see
dataflow_rules.py for the per-language tables). Edges are (name, token index, relation,
source names, source token indices); states map a variable name to the token indices of its
latest definitions.
"""
from __future__ import annotations

import functools
from operator import attrgetter, itemgetter
from typing import Any

from .dataflow_flat import Flat
from .dataflow_rules import FlowRules

_LEAF_TYPES = frozenset(("string_literal", "string", "character_literal"))


def _is_token(node: Any) -> bool:
    return (node.child_count == 0 or node.type in _LEAF_TYPES) and node.type != "comment"


def merge_names(first: list, second: list) -> list:
    """Return the names of both lists without repeats, in first-seen order (the package: a set)."""
    return list(dict.fromkeys(first + second))


def dedupe(edges: list) -> list:
    """Return edges merged by (name, token, relation), sorted by token."""
    # Loops are walked twice; edges of the same (name, token, relation) merge their sources.
    merged: dict = {}
    for name, idx, rel, names, sources in edges:
        key = (name, idx, rel)
        if key not in merged:
            merged[key] = [names, sources]
        else:
            merged[key][0] = merge_names(merged[key][0], names)
            merged[key][1] = sorted(set(merged[key][1] + sources))
    items = sorted(merged.items(), key=lambda item: item[0][1])
    return [(k[0], k[1], k[2], v[0], v[1]) for k, v in items]


_edge_token = itemgetter(1)  # an edge's token index
_node_type = attrgetter("type")


def by_token(edges: list) -> list:
    """Return edges stably sorted by token index."""
    return sorted(edges, key=_edge_token) if len(edges) > 1 else edges


@functools.lru_cache(maxsize=None)
def special_types(rules: FlowRules) -> frozenset[str]:
    """Return the node types that have a rule of their own (every other node is walked generically)."""
    return (rules.definition | rules.assignment | rules.increment | rules.branch | rules.loop
            | rules.foreach | rules.repeat)


class Walker:
    """One walk over one tree; `tokens` maps (start_byte, end_byte) to (index, text)."""

    def __init__(self, rules: FlowRules, tokens: dict, flat: Flat | None = None) -> None:
        self.rules = rules
        self.tokens = tokens
        # Most nodes match no rule: one set lookup sends them straight to the generic walk.
        self.special = special_types(rules)
        # The token-sequence shortcut reproduces the generic walk only where leaves never
        # share their caller's states (not Ruby's) and no child is moved to the front.
        usable = rules.copies_states and rules.first <= self.special
        self.flat = flat if usable else None

    def variables(self, node: Any) -> list:
        """Return the keys of the tokens under node whose text differs from their node type."""
        if _is_token(node):
            key = node.byte_range
            return [key] if node.type != self.tokens[key][1] else []
        if self.flat is not None:
            bounds = self.flat.plain(node)
            if bounds is not None:
                lo, hi = bounds
                flat = self.flat
                return [span for span, (kind, _, code) in zip(flat.spans[lo:hi], flat.info[lo:hi])
                        if kind != code]
        found: list = []
        for child in node.children:
            found += self.variables(child)
        return found

    def walk(self, node: Any, states: dict) -> tuple[list, dict]:
        """Return (edges under node, variable states after it).

        States are copied only where a caller reuses its own afterwards (the branches of an
        if); everywhere else the caller takes the returned states, so in-place updates are
        safe. Ruby's extractor shares states with its callees on purpose, so it is kept so.
        """
        rules = self.rules
        kind = node.type
        if (not node.child_count or kind in _LEAF_TYPES) and kind != "comment":
            if not rules.copies_states:
                states = states.copy()
            idx, code = self.tokens[node.byte_range]
            if kind == code:
                return [], states
            if code in states:
                return [(code, idx, "comesFrom", [code], states[code].copy())], states
            if kind == "identifier":
                if rules.copies_states:
                    states = states.copy()
                states[code] = [idx]
            return [(code, idx, "comesFrom", [], [])], states
        if kind in self.special:
            if kind in rules.definition:
                return self.definition(node, states)
            if kind in rules.assignment:
                if rules.assignment_kind == "pairs":
                    return self.pair_assignment(node, states)
                edges, states = self.cross(node.child_by_field_name("left"),
                                           node.child_by_field_name("right"), "computedFrom", states)
                return by_token(edges), states
            if kind in rules.increment:
                keys = self.variables(node)
                edges = []
                for key1 in keys:
                    idx1, code1 = self.tokens[key1]
                    for key2 in keys:
                        idx2, code2 = self.tokens[key2]
                        edges.append((code1, idx1, "computedFrom", [code2], [idx2]))
                    states[code1] = [idx1]
                return by_token(edges), states
            if kind in rules.branch:
                return self.branch(node, states)
            if kind in rules.loop:
                return self.loop(node, states)
            if kind in rules.foreach:
                return self.foreach(node, states)
            if kind in rules.repeat:
                edges = []
                for _ in range(2):
                    for child in node.children:
                        found, states = self.walk(child, states)
                        edges += found
                return by_token(dedupe(edges)), states
        if self.flat is not None:
            bounds = self.flat.plain(node)
            if bounds is not None:
                return self.plain_walk(bounds, states)
        children = node.children
        edges = []
        reordered = False
        if rules.first and not rules.first.isdisjoint(map(_node_type, children)):
            firsts = [child for child in children if child.type in rules.first]
            if firsts:
                children = firsts + [child for child in children if child.type not in rules.first]
                reordered = True
        tokens = self.tokens
        for child in children:
            if child.child_count == 0 and rules.copies_states:
                # A leaf, inlined (most children are): same steps as the top of walk().
                child_kind = child.type
                if child_kind == "comment":
                    continue
                idx, code = tokens[child.byte_range]
                if child_kind == code:
                    continue
                if code in states:
                    edges.append((code, idx, "comesFrom", [code], states[code].copy()))
                    continue
                if child_kind == "identifier":
                    states = states.copy()
                    states[code] = [idx]
                edges.append((code, idx, "comesFrom", [], []))
                continue
            found, states = self.walk(child, states)
            if found:
                edges += found
        # Children cover disjoint, increasing token spans and each returns its edges sorted,
        # so the concatenation is already in token order unless children were reordered.
        return (by_token(edges) if reordered else edges), states

    def plain_walk(self, bounds: tuple[int, int], states: dict) -> tuple[list, dict]:
        """The generic walk of a subtree without special nodes: its tokens [lo, hi) in order,
        each as walk() treats a leaf (the states are copied before the first change)."""
        lo, hi = bounds
        edges: list = []
        shared = True
        for kind, idx, code in self.flat.info[lo:hi]:
            if kind == code:
                continue
            if code in states:
                edges.append((code, idx, "comesFrom", [code], states[code].copy()))
                continue
            if kind == "identifier":
                if shared:
                    states = states.copy()
                    shared = False
                states[code] = [idx]
            edges.append((code, idx, "comesFrom", [], []))
        return edges, states

    def cross(self, target: Any, value: Any, relation: str, states: dict) -> tuple[list, dict]:
        """Walk value, then link every variable of target to every variable of value (unsorted)."""
        edges, states = self.walk(value, states)
        edges = list(edges)
        value_keys = self.variables(value)
        for key1 in self.variables(target):
            idx1, code1 = self.tokens[key1]
            for key2 in value_keys:
                idx2, code2 = self.tokens[key2]
                edges.append((code1, idx1, relation, [code2], [idx2]))
            states[code1] = [idx1]
        return edges, states

    def definition(self, node: Any, states: dict) -> tuple[list, dict]:
        kind = self.rules.definition_kind
        if kind == "fields":
            name = node.child_by_field_name("name")
            value = node.child_by_field_name(self.rules.value_field)
        elif kind == "csharp":
            children = node.children
            name, value = children[0], (children[1] if len(children) == 2 else None)
        else:
            children = node.children
            name, value = children[1], (children[2] if len(children) >= 3 else None)
        if value is not None:
            edges, states = self.cross(name, value, "comesFrom", states)
            return by_token(edges), states
        edges = []
        for key in self.variables(name):
            idx, code = self.tokens[key]
            edges.append((code, idx, "comesFrom", [], []))
            states[code] = [idx]
        return by_token(edges), states

    def link_pairs(self, lefts: list, rights: list, states: dict) -> tuple[list, dict]:
        """Walk the right sides, then make each left variable computedFrom all of its right side."""
        edges: list = []
        for right in rights:
            found, states = self.walk(right, states)
            edges += found
        for left, right in zip(lefts, rights):
            sources = self.variables(right)
            for key in self.variables(left):
                idx, code = self.tokens[key]
                edges.append((code, idx, "computedFrom", [self.tokens[k][1] for k in sources],
                              [self.tokens[k][0] for k in sources]))
                states[code] = [idx]
        return edges, states

    def split_sides(self, node: Any) -> tuple[list, list]:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        lefts = [child for child in left.children if child.type != ","]
        rights = [child for child in right.children if child.type != ","]
        if len(rights) != len(lefts):
            lefts, rights = [left], [right]
        if not lefts:
            lefts = [left]
        if not rights:
            rights = [right]
        return lefts, rights

    def pair_assignment(self, node: Any, states: dict) -> tuple[list, dict]:
        if node.type == "for_in_clause":
            lefts, rights = [node.child_by_field_name("left")], [node.children[-1]]
        elif self.rules.loop_kind == "python" and node.child_by_field_name("right") is None:
            return [], states
        else:
            lefts, rights = self.split_sides(node)
            if node.type == "operator_assignment":
                lefts, rights = [node.children[0]], [node.children[-1]]
        edges, states = self.link_pairs(lefts, rights, states)
        return by_token(edges), states

    def branch(self, node: Any, states: dict) -> tuple[list, dict]:
        rules = self.rules
        alternatives = rules.branch_children if rules.branch_children is not None else rules.branch
        edges: list = []
        current = states.copy()
        others: list = []
        started = False
        tag = "else" in node.type
        for child in node.children:
            if "else" in child.type:
                tag = True
            if child.type not in alternatives and not started:
                found, current = self.walk(child, current)
            else:
                started = rules.branch_sticky
                found, alternative = self.walk(child, states.copy() if rules.copies_states else states)
                others.append(alternative)
            edges += found
        others.append(current)
        if rules.branch_tag and not tag:
            others.append(states)
        # Each variable gets the sorted union of its token lists in all branches. Those lists
        # are sorted and free of repeats already and never changed in place (states only ever
        # get new lists), so where every branch has the same list it is kept as it is.
        merged: dict = {}
        mixed = []
        for dic in others:
            for key, value in dic.items():
                old = merged.get(key)
                if old is None:
                    merged[key] = value
                elif old is not value and old != value:
                    merged[key] = old + value
                    mixed.append(key)
        if rules.branch_keeps_outer:
            for key in states:
                merged[key] = merged[key] + states[key] if key in merged else states[key]
            mixed = merged
        for key in mixed:
            merged[key] = sorted(set(merged[key]))
        return by_token(edges), merged

    def loop(self, node: Any, states: dict) -> tuple[list, dict]:
        rules = self.rules
        edges: list = []
        if rules.loop_kind in ("python", "ruby"):
            for _ in range(2):
                if rules.loop_kind == "python":
                    lefts, rights = self.split_sides(node)
                else:
                    lefts = [node.child_by_field_name("pattern")]
                    rights = [node.child_by_field_name("value")]
                found, states = self.link_pairs(lefts, rights, states)
                edges += found
                body = node.children[-1] if rules.loop_kind == "python" else None
                if rules.loop_kind == "ruby":
                    found, states = self.walk(node.child_by_field_name("body"), states)
                    edges += found
                elif body.type == "block":
                    found, states = self.walk(body, states)
                    edges += found
            return by_token(dedupe(edges)), states
        for child in node.children:
            found, states = self.walk(child, states)
            edges += found
        started = False
        for child in node.children:
            if started:
                found, states = self.walk(child, states)
                edges += found
            elif child.type == rules.loop_init:
                if rules.loop_update_field is not None:
                    update = child.child_by_field_name(rules.loop_update_field)
                    if update is not None:
                        found, states = self.walk(update, states)
                        edges += found
                started = True
        return by_token(dedupe(edges)), states

    def foreach(self, node: Any, states: dict) -> tuple[list, dict]:
        if self.rules.foreach_kind == "php":
            name = value = None
            for child in node.children:
                if child.type == "variable_name" and value is None:
                    value = child
                elif child.type == "variable_name" and name is None:
                    name = child
                    break
            body = node.child_by_field_name("body")
        else:
            name_field, value_field, body_field = self.rules.foreach_fields
            name = node.child_by_field_name(name_field)
            value = node.child_by_field_name(value_field)
            body = node.child_by_field_name(body_field)
        edges: list = []
        for _ in range(2):
            found, states = self.cross(name, value, "computedFrom", states)
            edges += found
            found, states = self.walk(body, states)
            edges += found
        return by_token(dedupe(edges)), states


