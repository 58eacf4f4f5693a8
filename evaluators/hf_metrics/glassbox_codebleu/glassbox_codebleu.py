"""Returns CodeBLEU (Ren et al., 2020) and its four components as a Hugging Face `evaluate` metric.

Load it offline from its folder, with the Glassbox repository importable (run from its root):
    evaluate.load("evaluators/hf_metrics/glassbox_codebleu").compute(
        predictions=[...], references=[[...], ...], lang="python")
The numbers are evaluators.codemetrics.score_corpus's (see that package for the definition).
"""
import datasets
import evaluate

_CITATION = """@misc{ren2020codebleu, title={CodeBLEU: a Method for Automatic Evaluation of Code
Synthesis}, author={Shuo Ren and Daya Guo and Shuai Lu and others}, year={2020},
eprint={2009.10297}, archivePrefix={arXiv}}"""

_DESCRIPTION = """CodeBLEU = 0.25 n-gram match + 0.25 keyword-weighted n-gram match + 0.25 AST
subtree match + 0.25 data-flow match, as the `codebleu` package computes it, on current
tree-sitter grammars, deterministic, with 95% bootstrap intervals."""

_KWARGS = """
Args:
    predictions: list of generated code strings.
    references: list of lists of reference code strings (or one string per prediction).
    lang: one of python, java, javascript, go, c, cpp, c_sharp, php, ruby, rust.
    resamples, seed: bootstrap settings (default 1000, 0).
Returns:
    codebleu, ngram_match, weighted_ngram_match, syntax_match, dataflow_match (0-1), each with
    a `<name>_ci` [low, high] 95% interval, and n.
"""

_KEYS = ("codebleu", "ngram_match", "weighted_ngram_match", "syntax_match", "dataflow_match")


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS)
class GlassboxCodebleu(evaluate.Metric):
    """CodeBLEU, computed by evaluators.codemetrics."""

    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION, citation=_CITATION, inputs_description=_KWARGS,
            features=[datasets.Features({"predictions": datasets.Value("string"),
                                         "references": datasets.Sequence(datasets.Value("string"))}),
                      datasets.Features({"predictions": datasets.Value("string"),
                                         "references": datasets.Value("string")})])

    def _compute(self, predictions, references, lang="python", resamples=1000, seed=0):
        from evaluators.codemetrics import score_corpus

        refs = [[r] if isinstance(r, str) else list(r) for r in references]
        scores = score_corpus(list(predictions), refs, lang, resamples=resamples, seed=seed)
        out = {key: scores[key] for key in _KEYS}
        out.update({f"{key}_ci": scores[f"{key}_ci"] for key in _KEYS})
        out["n"] = scores["n"]
        return out
