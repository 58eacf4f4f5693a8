"""Helpers of bench/gpu_check.py: printing, timing, dtype forcing, generation and comparisons.

Nothing here imports Django or tree-sitter; torch and transformers are imported inside functions.
"""
from __future__ import annotations

import contextlib
import gc
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "var" / "models"
BASE = MODELS / "glassbox-demo-base"
DRAFT = MODELS / "glassbox-demo-draft"


def say(*parts: Any) -> None:
    """Print one progress line at once: the operator watches a remote log."""
    print(*parts, flush=True)


def rel_diff(value: float, reference: float) -> float:
    """Return |value - reference| / |reference| (inf when one is missing)."""
    if value is None or reference is None:
        return float("inf")
    return abs(value - reference) / max(abs(reference), 1e-30)


def rounded(value: Any, digits: int = 6) -> Any:
    """Return `value` with every float rounded to `digits` significant digits, for the JSON line."""
    if isinstance(value, float):
        return float(f"{value:.{digits}g}")
    if isinstance(value, dict):
        return {k: rounded(v, digits) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [rounded(v, digits) for v in value]
    return value


def variant_line(v: dict) -> str:
    """Return one speed variant's figures as a printed line."""
    def fmt(value: float | None, spec: str = "{:.2f}") -> str:
        return "-" if value is None else spec.format(value)

    return (f"  {v['name']}@{v['batch_size']:<2} TTFT p50 {fmt(v['ttft_ms']['p50'])} ms  "
            f"TPOT p50 {fmt((v['tpot_ms'] or {}).get('p50'))} ms  ITL p50 {fmt((v['itl_ms'] or {}).get('p50'))} ms  "
            f"{fmt(v['output_tokens_per_s'], '{:.1f}')} tok/s  peak {v['peak_memory_bytes'] / 2**20:.0f} MiB  "
            f"MBU {fmt(v['mbu'], '{:.4f}')}  accept {fmt(v.get('acceptance_rate'))}  "
            f"speedup {fmt(v['speedup_vs_greedy'])}x  same as greedy {v['identical_to_greedy']}")


def device_dtypes(device: str) -> list[tuple[str, str | None]]:
    """Return (dtype, forced) pairs to check on `device`: float32 (forced unless it is the
    device's default), then the loader's default dtype with nothing forced, so the evaluators'
    own choice is what runs."""
    from evaluators.core.loading import resolve_dtype

    auto = resolve_dtype("auto", device)
    return [("float32", None)] if auto == "float32" else [("float32", "float32"), (auto, None)]


def free_memory(device: str) -> None:
    """Drop unreferenced models, so the next section's peak memory is its own."""
    gc.collect()
    if device.startswith("cuda"):
        import torch

        torch.cuda.empty_cache()


@contextlib.contextmanager
def loading_dtype(dtype: str | None) -> Iterator[None]:
    """Make evaluators load weights in `dtype` (None: leave the loader alone).

    The perplexity and bias specs take no dtype (they load in the device's default, bf16 on a
    GPU); the check also wants float32 on the GPU, to tell kernel differences from precision.
    The evaluators import load_model inside run(), so replacing the module attribute is enough.
    """
    import evaluators.core.loading as loading

    original = loading.load_model
    if dtype is not None:
        def forced(ref: Any, device: str = "auto", _dtype: str = "auto",
                   attn_implementation: str | None = None) -> Any:
            return original(ref, device, dtype, attn_implementation)

        loading.load_model = forced
    try:
        yield
    finally:
        loading.load_model = original


def run_evaluator(evaluator: Any, rows: list[dict], spec: dict, device: str,
                  dtype: str | None = None, models: dict | None = None) -> dict:
    """Run `evaluator` on the demo base model; return its output, per-sample records, env, seconds."""
    from evaluators.core.base import ModelRef, RunContext

    records: dict[str, dict] = {}
    env: dict = {}
    context = RunContext(model=ModelRef(str(BASE)), rows=rows, spec=spec, device=device,
                         models=models or {}, on_sample=lambda key, i, rec: records.__setitem__(key, rec),
                         on_environment=env.update)
    started = time.perf_counter()
    with loading_dtype(dtype):
        output = evaluator.run(context)
    seconds = time.perf_counter() - started
    free_memory(device)
    return {"output": output, "records": records, "env": env, "seconds": seconds}


def device_timer(device: str) -> Callable[[Callable[[], Any]], tuple[Any, float]]:
    """Return timed(fn) -> (result, seconds): CUDA events on a GPU, perf_counter on the CPU."""
    import torch

    def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
        if device.startswith("cuda"):
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            torch.cuda.synchronize(device)
            start.record()
            result = fn()
            end.record()
            end.synchronize()
            return result, start.elapsed_time(end) / 1000.0
        started = time.perf_counter()
        result = fn()
        return result, time.perf_counter() - started

    return timed


def gpu_copy_bandwidth_gbps(device: str, megabytes: int = 1024, repeats: int = 5) -> float:
    """Return the best device-to-device copy bandwidth (reads + writes) in GB/s."""
    import torch

    buffers = [torch.ones(megabytes * 2**20 // 4, dtype=torch.float32, device=device)]
    buffers.append(torch.empty_like(buffers[0]))
    buffers[1].copy_(buffers[0])  # first touch; not timed
    timed = device_timer(device)
    best = min(timed(lambda: buffers[1].copy_(buffers[0]))[1] for _ in range(repeats))
    buffers.clear()
    free_memory(device)
    return 2 * megabytes * 2**20 / best / 1e9


def generate_texts(loaded: Any, prompts: list[str], batch_size: int, max_new_tokens: int,
                   stops: list[str]) -> tuple[list[str], float, int]:
    """Return (scored code per prompt, seconds, new tokens): greedy, batch_size prompts per call,
    exactly as the codegen evaluator generates and cuts."""
    from evaluators.codegen.generate import Decoding, generate_batch
    from evaluators.codegen.text import finish
    from evaluators.core.loading import synchronize

    decoding = Decoding(max_new_tokens, False, 1.0, 0, 1.0, 1, 1, 1.0)
    texts, tokens = [], 0
    synchronize(loaded.device)
    started = time.perf_counter()
    for start in range(0, len(prompts), batch_size):
        for output in generate_batch(loaded, prompts[start:start + batch_size], decoding, stops, seed=0):
            texts.append(finish(output.texts[0], stops))
            tokens += output.new_tokens[0]
    synchronize(loaded.device)
    return texts, time.perf_counter() - started, tokens


def differing(ids: list[str], texts: list[str], other: list[str]) -> list[str]:
    """Return the ids whose texts differ between the two lists."""
    return [key for key, a, b in zip(ids, texts, other) if a != b]


def per_token_latency(loaded: Any, prompts: list[str], new_tokens: int, tries: int = 5) -> dict:
    """Return milliseconds per decoded token after the first, timed independently of the
    evaluator: (time of a fixed new_tokens-token generate - time of a 1-token generate) /
    (new_tokens - 1), the median of `tries` calls per prompt, averaged over the prompts, each at
    batch size 1 and encoded as the speed evaluator encodes. "plain" runs generate() alone;
    "streamed" passes the evaluator's TokenClock, which synchronises and reads the clock at
    every token, so the two differ by what streaming itself costs."""
    import statistics
    import time

    import torch
    from transformers import GenerationConfig

    from evaluators.codegen.generate import encode_prompts, eos_token_ids
    from evaluators.core.loading import synchronize
    from evaluators.speed.timing import TokenClock

    tokenizer, model = loaded.tokenizer, loaded.model
    eos = eos_token_ids(model, tokenizer)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else eos[0]
    encoded, _ = encode_prompts(loaded, prompts, new_tokens)
    timed = device_timer(loaded.device)

    def generate(ids: list[int], count: int, streamed: bool) -> None:
        config = GenerationConfig(max_new_tokens=count, min_new_tokens=count, do_sample=False,
                                  num_beams=1, pad_token_id=pad, eos_token_id=eos,
                                  temperature=None, top_k=None, top_p=None)
        streamer = None
        if streamed:
            streamer = TokenClock(1, time.perf_counter, lambda: synchronize(loaded.device))
            streamer.begin()
        with torch.inference_mode():
            model.generate(input_ids=torch.tensor([ids], device=loaded.device),
                           attention_mask=torch.ones(1, len(ids), dtype=torch.long, device=loaded.device),
                           generation_config=config, streamer=streamer)

    out = {}
    for mode in ("plain", "streamed"):
        streamed = mode == "streamed"
        generate(encoded[0], new_tokens, streamed)  # warm-up: kernels, allocator
        per_prompt = []
        for ids in encoded:
            full = statistics.median(timed(lambda: generate(ids, new_tokens, streamed))[1] for _ in range(tries))
            first = statistics.median(timed(lambda: generate(ids, 1, streamed))[1] for _ in range(tries))
            per_prompt.append((full - first) / (new_tokens - 1))
        out[mode] = 1000 * sum(per_prompt) / len(per_prompt)
    return out


def _or_error(read: Callable[[], Any]) -> Any:
    # One unreadable figure must not cost the section its others.
    try:
        return read()
    except Exception as error:
        return f"{type(error).__name__}: {error}"


def gpu_facts(device: str) -> dict:
    """Return the GPU's name, compute capability, memory, TF32 setting and copy bandwidths."""
    import torch

    from evaluators.speed.roofline import peak_bandwidth

    props = torch.cuda.get_device_properties(device)
    return {"gpu": props.name, "capability": f"{props.major}.{props.minor}",
            "gpu_memory_gib": props.total_memory / 2**30,
            "tf32_matmul": _or_error(lambda: torch.backends.cuda.matmul.allow_tf32),
            "gpu_copy_gbps": _or_error(lambda: gpu_copy_bandwidth_gbps(device)),
            "datasheet_gbps": peak_bandwidth(device, props.name, 0.0)["gbps"]}


def environment(device: str, small: bool) -> dict:
    """Print and return versions, dtypes and memory bandwidths (the speed code's and measured)."""
    import huggingface_hub
    import tokenizers
    import torch
    import transformers

    from evaluators.core.loading import resolve_dtype
    from evaluators.speed.roofline import measure_cpu_bandwidth_gbps

    info = {"python": sys.version.split()[0], "torch": torch.__version__, "cuda": torch.version.cuda,
            "transformers": transformers.__version__, "transformers_from": str(Path(transformers.__file__).parent),
            "tokenizers": tokenizers.__version__, "huggingface_hub": huggingface_hub.__version__,
            "dtype_cpu": resolve_dtype("auto", "cpu"), "dtype_device": _or_error(lambda: resolve_dtype("auto", device)),
            "float32_matmul_precision": torch.get_float32_matmul_precision(),
            "cpu_copy_gbps": measure_cpu_bandwidth_gbps()}
    if device.startswith("cuda"):
        facts = _or_error(lambda: gpu_facts(device))
        info.update(facts if isinstance(facts, dict) else {"gpu": facts})
    for key, value in info.items():
        say(f"  {key}: {value}")
    return info
