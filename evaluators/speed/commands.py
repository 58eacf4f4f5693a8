"""`python -m evaluators speed`: the decoding-speed evaluator with the options serving people expect.

Its options differ from the generic evaluator command (--prompts rather than --data, --draft
as a model path, lists for variants and batch sizes), so it has its own subcommand.
"""
from __future__ import annotations

import argparse
from typing import Any


def add_speed_command(subparsers: Any) -> None:
    """Add the speed subcommand."""
    parser = subparsers.add_parser(
        "speed", help="measure decoding speed: TTFT, TPOT, ITL, throughput, memory, MBU, "
                      "assisted, prompt-lookup and Medusa decoding")
    parser.add_argument("--model", required=True, help="local model directory or hub id")
    parser.add_argument("--revision", help="hub revision of the model")
    parser.add_argument("--prompts", required=True, help="prompts JSONL ({\"id\", \"prompt\"})")
    parser.add_argument("--draft", help="draft model (directory or hub id) for the assisted variant")
    parser.add_argument("--variants", help="comma-separated: greedy,sample,static-cache,assisted,prompt-lookup,"
                                           "medusa,medusa-typical")
    parser.add_argument("--medusa", help="Medusa heads folder (from medusa-train) for the medusa variants")
    parser.add_argument("--medusa-tree", help="mc_sim_7b_63 (default), chain, root, or a JSON list of paths")
    parser.add_argument("--medusa-epsilon", type=float, help="medusa-typical: hard threshold (default 0.09)")
    parser.add_argument("--medusa-delta", type=float, help="medusa-typical: entropy threshold scale (default 0.3)")
    parser.add_argument("--batch-sizes", help="comma-separated batch sizes (default 1)")
    parser.add_argument("--max-new-tokens", type=int)
    parser.add_argument("--fixed-length", action="store_true", default=None,
                        help="generate exactly max-new-tokens tokens (EOS suppressed)")
    parser.add_argument("--warmup", type=int, help="uncounted calls before measuring (default 3)")
    parser.add_argument("--min-repeats", type=int, help="least passes over the prompts (default 3)")
    parser.add_argument("--min-seconds", type=float, help="least measured seconds per variant (default 5)")
    parser.add_argument("--temperature", type=float)
    parser.add_argument("--top-k", type=int)
    parser.add_argument("--top-p", type=float)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--prompt-lookup-num-tokens", type=int)
    parser.add_argument("--num-assistant-tokens", type=int)
    parser.add_argument("--precision", help="auto, float32, bfloat16, float16, int8, int8-dynamic or int4")
    parser.add_argument("--attn-implementation")
    parser.add_argument("--peak-bandwidth-gbps", type=float, help="override the device's peak bandwidth")
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--trust-remote-code", action="store_true")
    parser.add_argument("--allow-pickle-weights", action="store_true")
    parser.set_defaults(handler=run_speed)


_SPEC_OPTIONS = ("variants", "batch_sizes", "max_new_tokens", "fixed_length", "warmup", "min_repeats",
                 "min_seconds", "temperature", "top_k", "top_p", "seed", "prompt_lookup_num_tokens",
                 "num_assistant_tokens", "precision", "attn_implementation", "peak_bandwidth_gbps",
                 "medusa", "medusa_tree", "medusa_epsilon", "medusa_delta")


def run_speed(args: argparse.Namespace) -> int:
    """Run the speed evaluator and print its report as one JSON object."""
    from ..core.base import ModelRef, RunContext
    from ..core.specs import make_spec
    from ..core.cli import run_and_print
    from ..core.datasets import read_dataset
    from . import EVALUATOR, SpeedSpec

    params = {name: getattr(args, name) for name in _SPEC_OPTIONS if getattr(args, name) is not None}
    if args.draft:
        params["draft"] = args.draft
    spec = make_spec(SpeedSpec, params)
    rows = read_dataset(args.prompts, "prompts")
    flags = {"trust_remote_code": args.trust_remote_code, "allow_pickle_weights": args.allow_pickle_weights}
    models = {"draft": ModelRef(source=args.draft, **flags)} if args.draft else {}
    context = RunContext(model=ModelRef(source=args.model, revision=args.revision, **flags),
                         rows=rows, spec=spec, device=args.device, models=models)
    return run_and_print(EVALUATOR, context, unit="pass")
