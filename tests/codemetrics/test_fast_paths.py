"""The shortcuts behind CodeBLEU's speed give what the plain computations give."""
from __future__ import annotations

import ast
import gc
import random
import sysconfig
from collections import Counter
from pathlib import Path

from evaluators.codemetrics.codebleu import CodeBleuScorer
from evaluators.codemetrics.comments import strip_comments
from evaluators.codemetrics.dataflow import data_flow
from evaluators.codemetrics.dataflow_rules import RULES
from evaluators.codemetrics.dataflow_walk import special_types
from evaluators.codemetrics.parsers import get_parser
from evaluators.codemetrics.trees import scan_tree

from .cases import CASES


def _stdlib_functions(limit: int) -> list[str]:
    found = []
    for path in sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py"))[:40]:
        source = path.read_text(encoding="utf-8")
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef):
                found.append(ast.get_source_segment(source, node))
    return found[:limit]


def _snippets() -> list[tuple[str, str]]:
    """(lang, code): every case's prediction and references, and Python functions, whole and damaged."""
    out = [(lang, code) for _, lang, prediction, refs in CASES for code in [prediction, *refs]]
    rng = random.Random(1)
    for code in _stdlib_functions(120):
        i = rng.randrange(len(code))
        out += [("python", code), ("python", code[:i] + code[i + rng.randint(1, 4):])]
    return out


def _trees():
    for lang, code in _snippets():
        source = strip_comments(code, lang).encode("utf-8")
        yield lang, source, get_parser(lang).parse(source).root_node


def test_subtrees_sliced_from_one_serialisation_equal_each_nodes_own():
    checked = 0
    for _lang, _source, root in _trees():
        expected, stack = [], [root]
        while stack:  # every node with children, and the root, printed by tree-sitter itself
            node = stack.pop()
            if node is root or node.children:
                expected.append(str(node))
            stack.extend(reversed(node.children))
        assert Counter(scan_tree(root).sexps) == Counter(expected)
        checked += 1
    assert checked > 300


def test_walking_plain_subtrees_as_token_sequences_changes_no_data_flow():
    shortcut_used = 0
    for lang, source, root in _trees():
        scan = scan_tree(root, special_types(RULES[lang]))
        node_by_node = data_flow(root, source, lang, scan.token_spans)  # no scan: every node walked
        assert data_flow(root, source, lang, scan.token_spans, scan) == node_by_node
        shortcut_used += scan.flat and bool(node_by_node)
    assert shortcut_used > 200  # error-free trees with data flow took the shortcut


def test_corpus_stats_equal_sample_stats_and_leave_the_collector_as_found():
    cases = [case for case in CASES if case[1] == "python"]
    predictions, references = [c[2] for c in cases], [c[3] for c in cases]
    one_by_one = [CodeBleuScorer("python").sample_stats(p, r) for p, r in zip(predictions, references)]
    was_enabled = gc.isenabled()
    try:
        for enabled in (True, False):
            gc.enable() if enabled else gc.disable()
            assert CodeBleuScorer("python").corpus_stats(predictions, references) == one_by_one
            assert gc.isenabled() is enabled
    finally:
        gc.enable() if was_enabled else gc.disable()
