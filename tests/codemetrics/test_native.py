"""CodeBLEU's compiled path (the `_native` extension) gives exactly what the pure-Python path gives.

The Python modules are the reference: for every snippet the C analyser handles, its subtree
keys, subtree count and normalised data-flow edges must equal scan_tree's and data_flow's, and
its comment stripper must equal pyclean.fast_strip_python. Each check also counts how much the
C path handled, so a test cannot pass by the extension declining everything.

GLASSBOX_REQUIRE_NATIVE=1 (set where the extension is built, as in CI) makes a missing or
unloadable extension a failure; otherwise these tests skip when it is not there.
"""
from __future__ import annotations

import os
import random
import sysconfig
from collections import Counter
from pathlib import Path

import pytest

from evaluators.codemetrics import codebleu, comments
from evaluators.codemetrics.codebleu import _SPECIAL, CodeBleuScorer, components, sum_stats
from evaluators.codemetrics.comments import strip_comments
from evaluators.codemetrics.dataflow import data_flow, normalize
from evaluators.codemetrics.native import ENV_VAR, native_analyser, native_module, subtree_keys
from evaluators.codemetrics.parsers import get_parser
from evaluators.codemetrics.pyclean import fast_strip_python
from evaluators.codemetrics.trees import scan_tree

from .cases import CASES
from .native_corpus import SNIPPETS, mutations

REQUIRED = os.environ.get("GLASSBOX_REQUIRE_NATIVE") == "1"
NATIVE = native_module()
_WHY_NOT = (f"{ENV_VAR}=0 turns the extension off" if os.environ.get(ENV_VAR) == "0" else
            "the CodeBLEU extension is not built or does not load (`make native` builds it)")
needs_native = pytest.mark.skipif(NATIVE is None, reason=f"{_WHY_NOT}; GLASSBOX_REQUIRE_NATIVE=1 "
                                                         "makes this a failure")
needs_py311_rules = pytest.mark.skipif(fast_strip_python("x = 1") is None,
                                       reason="the fast stripper only follows Python 3.11's tokenizer")

CASE_LANGS = sorted({lang for _, lang, _, _ in CASES})
_EDIT_CHARS = "'\"#()[]{}\n\\ \tbrfu_x:="


def test_extension_is_built_where_required():
    if not REQUIRED:
        pytest.skip("GLASSBOX_REQUIRE_NATIVE is not 1")
    assert native_module() is not None, f"GLASSBOX_REQUIRE_NATIVE=1 but {_WHY_NOT}"


def _corpus(lang: str) -> list[str]:
    """Every corpus snippet of `lang` and its broken variants, cleaned as the scorer cleans them."""
    return [strip_comments(code, lang) for original in SNIPPETS[lang]
            for code in [original, *mutations(original)]]


def _case_snippets(lang: str) -> list[str]:
    return [strip_comments(code, lang) for _, case_lang, prediction, refs in CASES if case_lang == lang
            for code in [prediction, *refs]]


def _python_path(code: str, lang: str) -> tuple[Counter, int, Counter]:
    """The reference: (subtree keys, subtree total, normalised data-flow edges) of `code`."""
    source = code.encode("utf-8")
    root = get_parser(lang).parse(source).root_node
    scan = scan_tree(root, _SPECIAL[lang])
    flows = normalize(data_flow(root, source, lang, scan.token_spans, scan))
    return Counter(subtree_keys(scan.sexps)), len(scan.sexps), Counter(flows)


def _compare(snippets: list[str], lang: str) -> dict:
    """Analyse every snippet both ways, with and without data flow; return what differed and
    how many calls C handled (not None), per with_flow value."""
    analyser = native_analyser(lang)
    assert analyser is not None, f"the extension has no analyser for {lang}"
    handled, mismatches, with_edges = Counter(), [], 0
    for code in snippets:
        keys, total, flows = _python_path(code, lang)
        with_edges += bool(flows)
        for with_flow in (True, False):
            found = analyser.analyse(code.encode("utf-8"), with_flow)
            if found is None:
                continue
            handled[with_flow] += 1
            got = (Counter(found[0]), found[1], Counter(found[2]))
            if got != (keys, total, flows if with_flow else Counter()):
                mismatches.append((with_flow, code))
    return {"handled": handled, "mismatches": mismatches, "with_edges": with_edges}


@needs_native
@pytest.mark.parametrize("lang", sorted(SNIPPETS))
def test_corpus_and_broken_variants_match_the_python_path(lang):
    snippets = _corpus(lang)
    result = _compare(snippets, lang)
    assert result["mismatches"] == []
    for with_flow in (True, False):  # the C path really ran: it may leave only a few to Python
        assert result["handled"][with_flow] >= 0.9 * len(snippets), (with_flow, result["handled"])
    assert result["with_edges"] >= len(snippets) // 2  # data flow was compared, not only empty lists
    assert len(snippets) >= 60


@needs_native
@pytest.mark.parametrize("lang", CASE_LANGS)
def test_comparison_cases_match_the_python_path(lang):
    snippets = _case_snippets(lang)
    result = _compare(snippets, lang)
    assert result["mismatches"] == []
    for with_flow in (True, False):
        assert result["handled"][with_flow] >= 0.9 * len(snippets), (with_flow, result["handled"])


@needs_native
def test_a_tree_too_deep_for_the_c_walk_is_left_to_python(monkeypatch):
    code = "x = " + "(" * 300 + "1" + ")" * 300
    analyser = native_analyser("python")
    assert analyser.analyse(code.encode(), True) is None
    # Without data flow there is no token walk: C counts the subtrees, as Python does.
    assert _compare([code], "python")["mismatches"] == []
    on = CodeBleuScorer("python").sample_stats(code, [code])
    monkeypatch.setattr(codebleu, "native_analyser", lambda lang: None)
    monkeypatch.setattr(comments, "strip_python", lambda source: None)
    assert CodeBleuScorer("python").sample_stats(code, [code]) == on
    scores = components(**sum_stats([on]))
    assert scores["syntax_match"] == 1.0 and scores["dataflow_match"] == 1.0


def _strip_texts() -> list[str]:
    """Python sources for the stripper: corpus (whole and broken), cases, 100 stdlib files, and
    5,000 seeded random slices of them, half with one character added that matters to it."""
    texts = [code for original in SNIPPETS["python"] for code in [original, *mutations(original)]]
    texts += [code for _, lang, prediction, refs in CASES if lang == "python" for code in [prediction, *refs]]
    for path in sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py"))[:100]:
        texts.append(path.read_text(encoding="utf-8", errors="replace"))
    rng = random.Random(0)
    base = list(texts)
    for _ in range(5000):
        text = rng.choice(base)
        start = rng.randrange(len(text) + 1)
        piece = text[start:start + rng.randrange(400)]
        if piece and rng.random() < 0.5:
            at = rng.randrange(len(piece))
            piece = piece[:at] + rng.choice(_EDIT_CHARS) + piece[at:]
        texts.append(piece)
    return texts


@needs_native
@needs_py311_rules
def test_c_stripper_equals_fast_strip_python_where_it_answers():
    texts = _strip_texts()
    handled, mismatches, declined_ascii = 0, [], 0
    for text in texts:
        found = NATIVE.strip_python(text)
        if found is None:
            declined_ascii += text.isascii() and "\0" not in text and fast_strip_python(text) is not None
            continue
        handled += 1
        if found != fast_strip_python(text):
            mismatches.append(text)
    assert mismatches == []
    assert handled >= len(texts) // 4, (handled, len(texts))
    # It leaves to Python only what Python leaves to tokenize, and non-ASCII text.
    assert declined_ascii == 0


@needs_native
@needs_py311_rules
def test_c_stripper_leaves_non_ascii_text_to_python():
    non_ascii = [code for code in SNIPPETS["python"] if not code.isascii()]
    non_ascii += ["s = 'é'", "größe = 1", "x = 1  # 中文", "'''👍'''\ny = 2"]
    assert len(non_ascii) >= 6
    for text in non_ascii:
        assert NATIVE.strip_python(text) is None
        fast = fast_strip_python(text)
        if fast is not None:  # the scorer cleans it with the Python version instead
            assert strip_comments(text, "python") == fast


def _scorer_corpus(lang: str) -> tuple[list[str], list[list[str]]]:
    """Broken variants scored against their originals; the originals against themselves and a
    second reference; a few against an empty reference (no data flow: predictions skip it)."""
    originals = SNIPPETS[lang]
    predictions, references = [], []
    for k, original in enumerate(originals):
        for variant in mutations(original):
            predictions.append(variant)
            references.append([original])
        predictions.append(original)
        references.append([original, originals[(k + 1) % len(originals)]])
        if k < 3:
            predictions.append(mutations(original)[0])
            references.append([""])
    return predictions, references


@needs_native
@pytest.mark.parametrize("lang", sorted(SNIPPETS))
def test_scorer_gives_the_same_statistics_with_the_extension_off(lang, monkeypatch):
    predictions, references = _scorer_corpus(lang)
    assert native_analyser(lang) is not None
    on = CodeBleuScorer(lang).corpus_stats(predictions, references)
    monkeypatch.setattr(codebleu, "native_analyser", lambda lang: None)
    monkeypatch.setattr(comments, "strip_python", lambda source: None)
    off = CodeBleuScorer(lang).corpus_stats(predictions, references)
    assert on == off
    assert components(**sum_stats(on)) == components(**sum_stats(off))
    totals = sum_stats(on)
    assert totals["syntax"][1] > 0 and totals["dataflow"][1] > 0  # both tree components were compared
