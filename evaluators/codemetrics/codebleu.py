"""Returns CodeBLEU sufficient statistics per sample (Ren et al., 2020, as the `codebleu`
package computes it) and turns summed statistics into the four components and the score.

CodeBLEU = 0.25 n-gram match + 0.25 weighted n-gram match + 0.25 syntax match + 0.25 data-flow
match. Every component is a corpus statistic (matches and totals summed over samples before
dividing), so a corpus score is not the mean of per-sample scores. Kept from the package for
comparability with published numbers:

- A data-flow match of exactly 0 (no reference data flow in the corpus, or none matched)
  counts as 1 in the combined score; the reported `dataflow_match` stays 0.
- Syntax match counts every reference subtree (with repeats) that also occurs anywhere in the
  prediction's tree, over the number of reference subtrees; subtrees are tree-sitter
  S-expressions of every node that has children, and the root.
- Comments (and Python docstrings) are stripped before parsing (comments.py), and the
  prediction is cleaned again for every further reference, as the package does.

Where we differ (see also dataflow.py): the grammars are current tree-sitter wheels, so a
tree can differ from the package's old grammars on the same code; the data-flow graph is
deterministic; tokens are cut at byte offsets correctly for non-ASCII text.

Speed: each distinct cleaned snippet is parsed once and its subtrees and data flow computed
once (references shared by several predictions are not re-parsed), subtree matching uses
hash lookups instead of list scans, and data-flow matching counts instead of removing from lists.
Where the compiled extension is built (native.py), the parse, the subtree keys, the data-flow
walk and Python's comment stripping run in C, with the same results as the Python modules
(tests/codemetrics/test_native.py). Otherwise one pass over a tree's nodes collects the printed
subtrees, the code tokens and where the nodes with a data-flow rule start (trees.py); subtrees
without such a node are walked as the token sequences they are (dataflow_walk.py). What depends
only on a reference (its weighted unigram lists and denominators) is computed once; with one
reference the weighted 2- to 4-gram numerators are the n-gram match's; a prediction's data flow
is skipped when none of its references has any; the cycle collector is paused while scoring
(gcpause.py).
"""
from __future__ import annotations

from collections import Counter
from typing import Sequence

from .comments import strip_comments
from .dataflow import data_flow, normalize
from .dataflow_rules import RULES
from .dataflow_walk import special_types
from .gcpause import paused_collector
from .keywords import KEYWORDS
from .languages import normalize_language
from .native import native_analyser, subtree_keys
from .ngrams import (clipped, codexglue_stats, hyp_counts, ngram_counts, ngram_match_stats, nltk_bleu,
                     token_weights, weighted_match_stats, weighted_reference)
from .parsers import get_parser
from .trees import scan_tree

WEIGHTS = (0.25, 0.25, 0.25, 0.25)
# Per language, the node types the data-flow walk handles by a rule of their own.
_SPECIAL = {lang: special_types(rules) for lang, rules in RULES.items()}


class _Tree:
    """Subtree S-expressions and normalised data-flow edges of one cleaned snippet."""

    __slots__ = ("subtrees", "subtree_total", "flows", "flow_total")

    def __init__(self, code: str, lang: str, flows: bool = True) -> None:
        """Parse `code`; `flows` False skips the data flow (a prediction whose references
        have none, where it is never compared) and leaves it empty."""
        source = code.encode("utf-8")
        analyser = native_analyser(lang)
        found = analyser.analyse(source, flows) if analyser is not None else None
        if found is not None:  # subtrees come keyed (native.py), not as text
            self.subtrees, self.subtree_total, edges = found
        else:
            root = get_parser(lang).parse(source).root_node
            scan = scan_tree(root, _SPECIAL[lang])
            self.subtrees = Counter(scan.sexps if analyser is None else subtree_keys(scan.sexps))
            self.subtree_total = len(scan.sexps)
            edges = normalize(data_flow(root, source, lang, scan.token_spans, scan)) if flows else []
        self.flows = Counter(edges)
        self.flow_total = len(edges)


class _Reference:
    """Tokens, n-gram counts and keyword weights of one stripped reference."""

    __slots__ = ("text", "tokens", "counts", "weighted")

    def __init__(self, text: str, keywords: frozenset[str]) -> None:
        self.text = text
        self.tokens = text.split()
        self.counts = [ngram_counts(self.tokens, n) for n in range(1, 5)]
        self.weighted = weighted_reference(self.counts, token_weights(self.tokens, keywords))


class CodeBleuScorer:
    """Computes CodeBLEU statistics for one language, caching what belongs to references.

    A reference is often shared (several predictions per task), so its tokens, cleaned code and
    tree are computed once per scorer; predictions are parsed once per sample and not kept,
    which bounds memory by the number of distinct references.
    """

    def __init__(self, lang: str) -> None:
        self.lang = normalize_language(lang)
        self.keywords = KEYWORDS[self.lang]
        self._references: dict[str, tuple[_Reference, str, _Tree]] = {}

    def _reference(self, text: str) -> tuple[_Reference, str, _Tree]:
        found = self._references.get(text)
        if found is None:
            cleaned = strip_comments(text, self.lang)
            found = self._references[text] = (_Reference(text, self.keywords), cleaned,
                                              _Tree(cleaned, self.lang))
        return found

    def sample_stats(self, prediction: str, references: Sequence[str]) -> dict[str, list]:
        """Return the sufficient statistics of one sample: ngram, weighted, codexglue
        (numerators, denominators, hyp_len, ref_len) and syntax, dataflow ([matches, total])."""
        with paused_collector():
            return self._sample_stats(prediction, references)

    def corpus_stats(self, predictions: Sequence[str], references: Sequence[Sequence[str]]) -> list[dict]:
        """Return sample_stats for every (prediction, references) pair, in order, with the cycle
        collector paused once for the whole corpus (gcpause.py)."""
        with paused_collector():
            return [self._sample_stats(prediction, refs) for prediction, refs in zip(predictions, references)]

    def _sample_stats(self, prediction: str, references: Sequence[str]) -> dict[str, list]:
        refs = [self._reference(ref.strip()) for ref in references]
        tokens = prediction.strip().split()
        hyp = hyp_counts(tokens)
        lengths = [len(ref.tokens) for ref, _, _ in refs]
        counts = [ref.counts for ref, _, _ in refs]
        ngram = ngram_match_stats(len(tokens), hyp, counts, lengths)
        weighted = weighted_match_stats(len(tokens), hyp, counts, [ref.weighted for ref, _, _ in refs],
                                        lengths, ngram[0])
        syntax, flow = [0, 0], [0, 0]
        candidate = prediction.strip()
        trees: dict[str, _Tree] = {}
        flows_needed = any(ref_tree.flow_total for _, _, ref_tree in refs)
        for _, ref_clean, ref_tree in refs:
            # The package cleans the prediction again before every further reference.
            candidate = strip_comments(candidate, self.lang)
            cand_tree = ref_tree if candidate == ref_clean else trees.get(candidate)
            if cand_tree is None:
                cand_tree = trees[candidate] = _Tree(candidate, self.lang, flows_needed)
            # Every reference subtree (with its count) that occurs in the prediction; ints, so
            # the order of the sum does not matter.
            ref_subtrees = ref_tree.subtrees
            syntax[0] += sum(map(ref_subtrees.__getitem__, ref_subtrees.keys() & cand_tree.subtrees.keys()))
            syntax[1] += ref_tree.subtree_total
            if ref_tree.flow_total:
                flow[0] += clipped(ref_tree.flows, cand_tree.flows)
                flow[1] += ref_tree.flow_total
        return {"ngram": list(ngram), "weighted": list(weighted), "syntax": syntax, "dataflow": flow,
                "codexglue": codexglue_stats(ngram[0], len(tokens), lengths)}


def components(ngram: Sequence, weighted: Sequence, syntax: Sequence, dataflow: Sequence) -> dict[str, float]:
    """Return codebleu and its four components (0-1) from summed statistics."""
    ngram_match = nltk_bleu(*ngram)
    weighted_match = nltk_bleu(*weighted)
    syntax_match = syntax[0] / syntax[1] if syntax[1] else 0.0
    dataflow_match = dataflow[0] / dataflow[1] if dataflow[1] else 0.0
    alpha, beta, gamma, theta = WEIGHTS
    score = (alpha * ngram_match + beta * weighted_match + gamma * syntax_match
             + theta * (dataflow_match or 1))
    return {"codebleu": score, "ngram_match": ngram_match, "weighted_ngram_match": weighted_match,
            "syntax_match": syntax_match, "dataflow_match": dataflow_match}


def sum_stats(samples: Sequence[dict[str, list]]) -> dict[str, list]:
    """Return the element-wise sums of sample statistics, added in sample order."""
    total: dict[str, list] = {}
    for key in ("ngram", "weighted"):
        nums = [0] * 4
        dens = [0] * 4
        hyp_len = ref_len = 0
        for sample in samples:
            s_nums, s_dens, s_hyp, s_ref = sample[key]
            for i in range(4):
                nums[i] += s_nums[i]
                dens[i] += s_dens[i]
            hyp_len += s_hyp
            ref_len += s_ref
        total[key] = [nums, dens, hyp_len, ref_len]
    for key in ("syntax", "dataflow"):
        total[key] = [sum(sample[key][0] for sample in samples), sum(sample[key][1] for sample in samples)]
    return total
