"""Returns CONCODE-style exact match and strict exact match as a Hugging Face `evaluate` metric.

Load it offline from its folder, with the Glassbox repository importable (run from its root):
    evaluate.load("evaluators/hf_metrics/glassbox_exact_match").compute(predictions=[...], references=[[...]])
The numbers are evaluators.codemetrics.score_text_corpus's.
"""
import datasets
import evaluate

_CITATION = """@inproceedings{iyer2018mapping, title={Mapping Language to Code in Programmatic
Context}, author={Iyer, Srinivasan and Konstas, Ioannis and Cheung, Alvin and Zettlemoyer, Luke},
booktitle={EMNLP}, year={2018}}"""

_DESCRIPTION = """exact_match: share of predictions whose whitespace-split tokens equal those of
any reference (as the CONCODE evaluator counts). exact_match_strict: share whose stripped text
equals a stripped reference. Both 0-1, with 95% bootstrap intervals over samples."""

_KWARGS = """
Args:
    predictions: list of generated strings.
    references: list of lists of reference strings (or one string per prediction).
    resamples, seed: bootstrap settings (default 1000, 0).
Returns:
    exact_match, exact_match_strict, exact_match_ci, exact_match_strict_ci, n.
"""

_KEYS = ("exact_match", "exact_match_strict", "exact_match_ci", "exact_match_strict_ci", "n")


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS)
class GlassboxExactMatch(evaluate.Metric):
    """Exact match, computed by evaluators.codemetrics."""

    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION, citation=_CITATION, inputs_description=_KWARGS,
            features=[datasets.Features({"predictions": datasets.Value("string"),
                                         "references": datasets.Sequence(datasets.Value("string"))}),
                      datasets.Features({"predictions": datasets.Value("string"),
                                         "references": datasets.Value("string")})])

    def _compute(self, predictions, references, resamples=1000, seed=0):
        from evaluators.codemetrics import score_text_corpus

        refs = [[r] if isinstance(r, str) else list(r) for r in references]
        scores = score_text_corpus(list(predictions), refs, resamples=resamples, seed=seed)
        return {key: scores[key] for key in _KEYS}
