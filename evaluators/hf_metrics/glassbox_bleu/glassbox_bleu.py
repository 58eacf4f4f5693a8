"""Returns sacrebleu corpus BLEU and CodeXGLUE's smoothed BLEU-4 as a Hugging Face `evaluate` metric.

Load it offline from its folder, with the Glassbox repository importable (run from its root):
    evaluate.load("evaluators/hf_metrics/glassbox_bleu").compute(predictions=[...], references=[[...]])
The numbers are evaluators.codemetrics.score_text_corpus's.
"""
import datasets
import evaluate

_CITATION = """@inproceedings{post-2018-call, title={A Call for Clarity in Reporting BLEU Scores},
author={Post, Matt}, booktitle={WMT}, year={2018}}
@article{lu2021codexglue, title={CodeXGLUE: A Machine Learning Benchmark Dataset for Code
Understanding and Generation}, author={Lu, Shuai and others}, journal={arXiv:2102.04664}, year={2021}}"""

_DESCRIPTION = """bleu: sacrebleu corpus BLEU (13a tokenisation, 0-100) with its signature.
bleu_codexglue: the smoothed BLEU-4 on whitespace tokens of the CodeXGLUE text-to-code (CONCODE)
evaluator (add-one smoothing on every order, shortest reference length; 0-100, unrounded).
Both with 95% bootstrap intervals over samples."""

_KWARGS = """
Args:
    predictions: list of generated strings.
    references: list of lists of reference strings (or one string per prediction).
    resamples, seed: bootstrap settings (default 1000, 0).
Returns:
    bleu, bleu_signature, bleu_codexglue, bleu_ci, bleu_codexglue_ci, n.
"""

_KEYS = ("bleu", "bleu_signature", "bleu_codexglue", "bleu_ci", "bleu_codexglue_ci", "n")


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS)
class GlassboxBleu(evaluate.Metric):
    """Corpus BLEU (sacrebleu) and CodeXGLUE BLEU, computed by evaluators.codemetrics."""

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
