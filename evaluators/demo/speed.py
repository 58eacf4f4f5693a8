"""The demo prompt set for decoding speed, made from the demo code-generation tasks.

Each prompt shows two finished functions and then starts the first one again, as a code editor's
context often repeats code the model is about to write. A model that learned Python continues by
copying, which is what prompt-lookup decoding exploits; the greedy baseline and assisted
decoding see the same prompts, so the comparison is fair.
"""
from __future__ import annotations

import json
from pathlib import Path

from .codegen import demo_tasks

DEMO_PROMPTS = 12


def demo_prompts(count: int = DEMO_PROMPTS) -> list[dict]:
    """Return `count` prompts {"id", "prompt"} built from consecutive demo tasks."""
    tasks = demo_tasks()
    prompts = []
    for index in range(count):
        first, second = tasks[index], tasks[(index + 1) % len(tasks)]
        text = "".join([first["prompt"], first["references"][0], "\n\n",
                        second["prompt"], second["references"][0], "\n\n", first["prompt"]])
        prompts.append({"id": f"repeat-{first['id']}", "prompt": text})
    return prompts


def write_demo_prompts(path: str | Path, count: int = DEMO_PROMPTS) -> int:
    """Write the demo prompts as prompts JSONL; return how many were written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = demo_prompts(count)
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return len(rows)
