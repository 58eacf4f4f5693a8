"""Generate a batch of problems' completions, then execute them in the sandbox, one record per problem."""
from __future__ import annotations

from typing import Any

from ..core.base import EvaluationError, RunContext
from ..core.oom import BatchBackoff


def generate_and_execute(ctx: RunContext, spec: Any) -> tuple[list[dict], dict]:
    """Return every problem's record (fresh or from ctx.done) in dataset order, and what happened."""
    from ..codegen.generate import Decoding, generate_batch
    from ..codegen.text import cut_at_stop
    from ..core.loading import load_model
    from .sandbox import Limits, SandboxUnavailable, check_sandbox

    try:
        check_sandbox()  # before loading a model: a worker without a sandbox refuses at once
    except SandboxUnavailable as error:
        raise EvaluationError(str(error)) from None
    rows = ctx.rows
    limits = Limits(timeout_s=spec.timeout_s, memory_bytes=spec.memory_mb << 20)
    sampling = spec.n > 1
    decoding = Decoding(spec.max_new_tokens, sampling, spec.temperature, 0, spec.top_p, 1, spec.n, 1.0)
    stops = list(spec.stop)
    pending = [i for i, row in enumerate(rows) if row["id"] not in ctx.done]
    total, finished = len(rows), len(rows) - len(pending)
    ctx.on_progress(finished, total)
    fresh: dict[str, dict] = {}
    loaded = None
    backoff = BatchBackoff(spec.batch_size)
    batches = [pending[start:start + spec.batch_size] for start in range(0, len(pending), spec.batch_size)]
    for batch in batches:
        if loaded is None:
            loaded = load_model(ctx.model, ctx.device, spec.precision)
            ctx.on_environment(loaded.environment)
        prompts = [rows[i]["prompt"] for i in batch]
        # The batch's seed follows its first problem, so a resumed run samples what it would have.
        seed = spec.seed + batch[0]
        outputs = backoff.call(lambda size, prompts=prompts, seed=seed: [
            output for start in range(0, len(prompts), size)
            for output in generate_batch(loaded, prompts[start:start + size], decoding, stops, seed=seed,
                                         should_stop=ctx.should_stop)])
        samples = [{"task_id": rows[i]["id"], "completion": cut_at_stop(text, stops)}
                   for i, output in zip(batch, outputs) for text in output.texts]
        fresh.update(execute_batch(ctx, batch, samples, limits))
        finished += len(batch)
        ctx.on_progress(finished, total)
    records = [fresh.get(row["id"]) or ctx.done[row["id"]] for row in rows]
    return records, {"sampling": "greedy" if not sampling else "nucleus", **backoff.report()}


def execute_batch(ctx: RunContext, batch: list[int], samples: list[dict], limits: Any) -> dict[str, dict]:
    """Execute the samples of the problems at `batch` (indices into ctx.rows), store each problem's
    record (completions, outcomes, stderr tails, CodeBLEU) and return them by task id."""
    from .agreement import completion_codebleu
    from .scoring import execute, problem_records

    rows = ctx.rows
    problems = {rows[i]["id"]: rows[i] for i in batch}
    outcomes = execute(problems, samples, limits, should_stop=ctx.should_stop)
    records = problem_records(problems, samples, outcomes)
    for i, (task_id, record) in zip(batch, records.items()):
        row = rows[i]
        record.update(prompt=row["prompt"], entry_point=row["entry_point"],
                      codebleu=completion_codebleu(record["completions"], row.get("canonical_solution")))
        ctx.on_sample(task_id, i, record)
    return records
