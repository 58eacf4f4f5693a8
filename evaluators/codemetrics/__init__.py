"""Code-generation metrics without a model: corpus BLEU (sacrebleu), CodeXGLUE BLEU, CodeBLEU,
exact match, bootstrap intervals and paired bootstrap differences.

Public interface (frozen; the codegen evaluator imports it):

- SUPPORTED_LANGUAGES: the CodeBLEU languages (tree-sitter grammars from PyPI).
- normalize_language(lang) -> canonical name ("py" -> "python", "c#" -> "c_sharp", ...).
- score_corpus(predictions, references, lang) -> dict of corpus metrics and `<metric>_ci`.
- score_samples(predictions, references, lang) -> list of per-sample score dicts.
- score_corpus_and_samples(...) -> (corpus dict, per-sample list) with one parse of everything.
- score_text_corpus(predictions, references) -> the language-free part of score_corpus.
- score_and_count_samples(...) -> (score_samples's list, per-sample sufficient statistics).
- paired_bootstrap(per_sample_a, per_sample_b, metric) -> dict comparing two runs.
- UnsupportedLanguage(ValueError).

Nothing here imports tree-sitter or sacrebleu at import time; they load on first use.
"""
from __future__ import annotations

from .languages import SUPPORTED_LANGUAGES, UnsupportedLanguage, normalize_language
from .api import (CORPUS_METRICS, SAMPLE_METRICS, paired_bootstrap, score_and_count_samples, score_corpus,
                  score_corpus_and_samples, score_samples, score_text_corpus)

__all__ = ["CORPUS_METRICS", "SAMPLE_METRICS", "SUPPORTED_LANGUAGES", "UnsupportedLanguage",
           "normalize_language", "paired_bootstrap", "score_and_count_samples", "score_corpus", "score_corpus_and_samples",
           "score_samples", "score_text_corpus"]
