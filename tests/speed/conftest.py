"""Fixtures for the speed tests: two seeded tiny models (a target and an identical draft) and a
prompt file. No network."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

PROMPTS = [
    {"id": "add", "prompt": "def add(a, b):\n    return a + b\n\ndef add(a, b):\n"},
    {"id": "loop", "prompt": "for i in range(10):\n    print(i)\nfor i in range(10):\n"},
    {"id": "cls", "prompt": "class Point:\n    def __init__(self, x, y):\n        self.x = x\n"},
]


@pytest.fixture(scope="session")
def speed_models(tmp_path_factory) -> tuple[Path, Path]:
    from evaluators.demo.models import build_tiny_model

    root = tmp_path_factory.mktemp("speed-models")
    # Same seed: the draft is the target itself, so every drafted token must be accepted.
    return build_tiny_model(root / "target", seed=0), build_tiny_model(root / "draft", seed=0)


@pytest.fixture
def prompts_file(tmp_path) -> Path:
    path = tmp_path / "prompts.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in PROMPTS), encoding="utf-8")
    return path


@pytest.fixture(autouse=True, scope="session")
def one_torch_thread():
    """Two shared cores: one thread per forward pass of a tiny model is faster there."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
