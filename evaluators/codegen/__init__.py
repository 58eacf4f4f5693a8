"""Code generation: prompt a causal LM with each task, generate, and score the code as the
literature does (corpus BLEU, CodeXGLUE BLEU, CodeBLEU and its components, exact match).

Rows are the platform's codegen JSONL ({"id", "prompt", "references", "lang"}, one language per
dataset). For each scored row the prompt comes from the template (see `codegen_prompts`), the
model continues it (see `codegen.generate`), and the continuation is cut at the first stop
sequence and taken out of a Markdown fence when there is one (see `codegen_text`). With
num_return_sequences > 1 every sequence is kept in the record; the first one (the best beam, or
the first sample) is the one scored.

Rows are generated in fixed batches of batch_size consecutive scored rows; batch b samples with
torch.manual_seed(seed + b). A resumed run skips the batches whose rows are all recorded and
regenerates the others whole, so it ends with exactly the numbers of an uninterrupted run. The
final metrics are always computed from every row's record with `codemetrics.score_corpus`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..core import registry
from ..core.base import CompletionsUpload, EvaluationError, Evaluator, Metric, RunContext, with_statistics
from ..core.precision import precision_field
from ..core.specs import checked_spec, spec_to_dict
from ..core.completions import CODE_COMPLETIONS
from .data import CODEGEN
from .page import PAGE, SAMPLE_SCORE
from .stats import STATISTICS
from .prompts import TEMPLATES
from .text import parse_stop
from .uploaded import check_upload
from ..core.oom import BatchBackoff


# Limits keep one request from taking a worker down (a million beams once grew a worker by 10 GB
# in half a minute) while leaving room for every setting the code-generation literature uses:
# HumanEval and MBPP harnesses generate 128 to 1024 new tokens, beam widths above 10 rarely
# help, few-shot prompts hold 1 to 10 examples, and a task's samples are drawn in tens.
MAX_NEW_TOKENS = 4096
MAX_BEAMS = 64
MAX_BATCH_SIZE = 256
# Sequences one generate() call holds at once: batch_size prompts times num_beams (or
# num_return_sequences when sampling). Each has its own KV cache, so memory grows with this;
# 1024 is four times what vLLM keeps in flight by default.
MAX_SEQUENCES_PER_CALL = 1024
MAX_SEED = 2**32 - 1  # the seeds numpy and most tools accept


@dataclass(frozen=True)
class CodegenSpec:
    template: str = field(default="zero-shot", metadata={
        "help": "zero-shot (the row's prompt verbatim) or few-shot (k worked examples first)."})
    k: int = field(default=0, metadata={
        "help": "Few-shot examples per prompt: the k rows whose ids hash lowest, which are then "
                "not scored. Must be 0 for zero-shot, at least 1 for few-shot.",
        # Every example sits in every prompt; 32 already fill a 4k-token context.
        "min": 0, "max": 32})
    max_new_tokens: int = field(default=128, metadata={
        "help": "Most tokens generated per sample; below the model's context length.",
        "min": 1, "max": MAX_NEW_TOKENS, "context": "below"})
    do_sample: bool = field(default=False, metadata={
        "help": "Sample instead of greedy (or beam) decoding."})
    # Above a temperature of 2 samples are already near-uniform noise; 10 leaves room to explore.
    temperature: float = field(default=1.0, metadata={
        "help": "Sampling temperature (> 0).", "above": 0.0, "max": 10.0})
    # More than any vocabulary has: every value above the vocabulary size means "all tokens".
    top_k: int = field(default=0, metadata={
        "help": "Sample from the k likeliest tokens; 0: all.", "min": 0, "max": 1_000_000})
    top_p: float = field(default=1.0, metadata={
        "help": "Nucleus sampling mass in (0, 1]; 1: off.", "above": 0.0, "max": 1.0})
    num_beams: int = field(default=1, metadata={
        "help": "Beams for beam search; 1: none.", "min": 1, "max": MAX_BEAMS})
    num_return_sequences: int = field(default=1, metadata={
        "help": "Sequences kept per prompt; the first is scored. Without sampling, at most num_beams.",
        "min": 1, "max": MAX_BEAMS})
    repetition_penalty: float = field(default=1.0, metadata={
        "help": "1.0 means no penalty.", "above": 0.0, "max": 10.0})
    stop: str = field(default="", metadata={
        "help": "Stop sequences as a JSON list of strings, e.g. [\"\\ndef \", \"\\nclass \"]; "
                "the generation is cut before the first one. Empty: stop at EOS only.",
        # Every stop string is looked for in every row's text after every token.
        "max_length": 4096})
    seed: int = field(default=0, metadata={
        "help": "Sampling seed; batch b uses seed + b, so a run is reproducible for one batch_size.",
        "min": 0, "max": MAX_SEED})
    batch_size: int = field(default=8, metadata={
        "help": "Prompts per generate() call. Greedy output does not depend on it.",
        "min": 1, "max": MAX_BATCH_SIZE})
    completions: str = field(default="", metadata={
        "help": "An uploaded code_completions dataset (its slug, pinned to a version as slug@N) whose "
                "first completion of each row is scored instead of generating: the path for a model "
                "served elsewhere. The generation settings are then ignored.", "max_length": 200})

    precision: str = precision_field()

    def validate(self) -> None:
        """Raise ValueError naming the first parameter out of range (each field's own bounds
        are checked from its metadata before this; these are the rules between fields)."""
        if self.template not in TEMPLATES:
            raise ValueError(f"template must be one of {', '.join(TEMPLATES)}, got {self.template!r}")
        if self.template == "zero-shot" and self.k != 0:
            raise ValueError(f"k must be 0 for the zero-shot template, got {self.k}")
        if self.template == "few-shot" and self.k < 1:
            raise ValueError(f"k must be at least 1 for the few-shot template, got {self.k}")
        if not self.do_sample and self.num_return_sequences > self.num_beams:
            raise ValueError(f"without sampling, num_return_sequences ({self.num_return_sequences}) "
                             f"cannot exceed num_beams ({self.num_beams})")
        sequences = self.batch_size * max(self.num_beams, self.num_return_sequences)
        if sequences > MAX_SEQUENCES_PER_CALL:
            raise ValueError(f"batch_size x num_beams (or num_return_sequences) is {sequences} sequences "
                             f"per generate() call, at most {MAX_SEQUENCES_PER_CALL}: lower batch_size")
        parse_stop(self.stop)


def row_keys_and_language(rows: list[dict]) -> tuple[list[str], str]:
    """Return each row's key and the dataset's one language (canonical name), checking both."""
    from ..codemetrics import UnsupportedLanguage, normalize_language

    keys, seen, languages = [], set(), {}
    for index, row in enumerate(rows):
        key = str(row["id"]) if row.get("id") is not None else str(index)
        where = f"row {index + 1} (id {key})"
        if key in seen:
            raise EvaluationError(f"{where}: id appears twice; ids must be unique so a resumed "
                                  "run can tell which samples are done")
        seen.add(key)
        keys.append(key)
        for name in ("prompt", "lang"):
            if not isinstance(row.get(name), str):
                raise EvaluationError(f"{where}: field '{name}' must be a string")
        references = row.get("references")
        if (not isinstance(references, list) or not references
                or not all(isinstance(r, str) for r in references)):
            raise EvaluationError(f"{where}: field 'references' must be a non-empty list of strings")
        try:
            languages.setdefault(normalize_language(row["lang"]), where)
        except UnsupportedLanguage as error:
            raise EvaluationError(f"{where}: {error}") from None
    if len(languages) > 1:
        shown = ", ".join(f"{lang} (first at {where})" for lang, where in languages.items())
        raise EvaluationError(f"the dataset mixes languages ({shown}); scores are per language, "
                              "so upload one dataset per language")
    return keys, next(iter(languages))


def run(ctx: RunContext) -> dict:
    """Return the corpus scores of ctx.model's generations on ctx.rows, reporting each sample."""
    from .generate import Decoding, generate_batch
    from .prompts import plan_prompts
    from .text import finish
    from ..codemetrics import score_and_count_samples
    from ..core.loading import load_model

    spec = checked_spec(CodegenSpec, ctx.spec)
    if not ctx.rows:
        raise EvaluationError("the dataset has no rows")
    keys, lang = row_keys_and_language(ctx.rows)
    rows = [{**row, "id": key, "lang": lang} for row, key in zip(ctx.rows, keys)]
    try:
        plan = plan_prompts(rows, spec.template, spec.k)
    except ValueError as error:
        raise EvaluationError(str(error)) from None
    stops = parse_stop(spec.stop)
    decoding = Decoding(spec.max_new_tokens, spec.do_sample, spec.temperature, spec.top_k, spec.top_p,
                        spec.num_beams, spec.num_return_sequences, spec.repetition_penalty)

    if spec.completions:
        if ctx.completions is None:
            raise EvaluationError(f"completions names '{spec.completions}', an upload this runner cannot read")
        from .uploaded import score_uploaded

        fresh = score_uploaded(ctx, spec, rows, keys, plan, lang)
        return _summary(fresh, ctx, keys, plan, lang, spec, {})
    total = len(plan.scored)
    batches = [range(start, min(start + spec.batch_size, total))
               for start in range(0, total, spec.batch_size)]
    pending = [(number, batch) for number, batch in enumerate(batches)
               if not all(keys[plan.scored[i]] in ctx.done for i in batch)]
    finished = total - sum(len(batch) for _, batch in pending)
    ctx.on_progress(finished, total)
    fresh: dict[str, dict] = {}
    loaded = None
    # On out-of-memory a batch is generated in smaller pieces: greedy text is the same; sampled
    # text then differs from an uninterrupted run's (each piece restarts the batch's seed).
    backoff = BatchBackoff(spec.batch_size)
    for number, batch in pending:
        if loaded is None:
            loaded = load_model(ctx.model, ctx.device, spec.precision)
            ctx.on_environment(loaded.environment)
        prompts = [plan.prompts[i] for i in batch]
        outputs = backoff.call(lambda size, prompts=prompts, number=number: [
            output for start in range(0, len(prompts), size)
            for output in generate_batch(loaded, prompts[start:start + size], decoding, stops,
                                         seed=spec.seed + number, should_stop=ctx.should_stop)])
        rows_here = [rows[plan.scored[i]] for i in batch]
        generations = [[finish(text, stops) for text in output.texts] for output in outputs]
        scores, counts = score_and_count_samples([g[0] for g in generations],
                                                 [r["references"] for r in rows_here], lang)
        for i, row, output, texts, score, count in zip(batch, rows_here, outputs, generations, scores, counts):
            # `stats` are the sufficient statistics that paired tests between runs resample.
            record = {"prompt": prompts[i - batch.start], "generation": texts[0], "generations": texts,
                      "raw": output.texts, "references": row["references"], "scores": score,
                      "stats": count, "truncated_tokens": output.truncated_tokens}
            fresh[row["id"]] = record
            ctx.on_sample(row["id"], plan.scored[i], record)
        finished += len(batch)
        ctx.on_progress(finished, total)

    return _summary(fresh, ctx, keys, plan, lang, spec, backoff.report())


def _summary(fresh: dict, ctx: RunContext, keys: list[str], plan, lang: str, spec, report: dict) -> dict:
    """The corpus scores over every scored row's record, fresh or from an earlier attempt."""
    from ..codemetrics import score_corpus

    records = [fresh.get(keys[i]) or ctx.done[keys[i]] for i in plan.scored]
    summary = score_corpus([r["generation"] for r in records], [r["references"] for r in records], lang)
    return {**summary, "n": len(records), "lang": lang, "few_shot_ids": plan.shot_ids,
            **spec_to_dict(spec), **report}


METRICS = (
    Metric("bleu", "higher", "sacrebleu corpus BLEU, 13a tokenisation (0-100)"),
    Metric("bleu_codexglue", "higher", "smoothed BLEU-4 on whitespace tokens, as the CodeXGLUE "
                                       "CONCODE evaluator computes it (0-100)"),
    Metric("codebleu", "higher", "CodeBLEU (Ren et al. 2020): 0.25 each of the four components below"),
    Metric("exact_match", "higher", "share of generations whose whitespace tokens equal a reference's", unit="share"),
    Metric("exact_match_strict", "higher", "share of generations equal to a reference once stripped", unit="share"),
    Metric("ngram_match", "higher", "CodeBLEU's n-gram match (BLEU-4)"),
    Metric("weighted_ngram_match", "higher", "CodeBLEU's keyword-weighted n-gram match"),
    Metric("syntax_match", "higher", "CodeBLEU's syntax-tree subtree match"),
    Metric("dataflow_match", "higher", "CodeBLEU's data-flow match"),
)

# Every corpus metric is rebuilt from summed per-sample statistics (stats.py).
METRICS = with_statistics(METRICS, STATISTICS)

EVALUATOR = registry.register(Evaluator(
    name="codegen", version="1", dataset_kind=CODEGEN.kind, spec_class=CodegenSpec,
    metrics=METRICS, run=run, page=PAGE, sample_score=SAMPLE_SCORE, queue="gpu",
    # Which rows are scored depends on the template and k (few-shot examples are not scored).
    completions_upload=CompletionsUpload(field="completions", kind=CODE_COMPLETIONS.kind,
                                         scoring_fields=("template", "k"), check=check_upload),
    description="Generate code for each task (zero- or few-shot, batched, greedy/beam/sampled) and "
                "score it with BLEU, CodeXGLUE BLEU, CodeBLEU and exact match, with 95% "
                "bootstrap intervals."))
