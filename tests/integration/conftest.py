"""Fixtures that start real Glassbox installations: embedded (SQLite + filesystem broker) and
PostgreSQL + Redis from this machine."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from evaluators.demo.models import build_tiny_model

from .stack import REPO, Stack, base_env, create_postgres_database, flush_redis

pytestmark = pytest.mark.integration

DOCUMENT_LINES = (Path(__import__("json").__file__).read_text(encoding="utf-8").splitlines())


def write_text_dataset(path: Path, documents: int, lines_per_document: int = 12) -> Path:
    """Documents cut from the json module's source: real code, fixed content, no download."""
    with path.open("w", encoding="utf-8") as out:
        for number in range(documents):
            start = (number * 7) % max(1, len(DOCUMENT_LINES) - lines_per_document)
            text = "\n".join(DOCUMENT_LINES[start:start + lines_per_document]) or "x = 1"
            out.write(json.dumps({"id": f"doc-{number}", "text": text}) + "\n")
    return path


@pytest.fixture(scope="session")
def tiny_model_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("models")
    build_tiny_model(root / "tiny", seed=0, context_length=64)
    return root


def _stack(request, tmp_path: Path, model_root: Path) -> Stack:
    backend = request.param
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    env = base_env(var_dir, model_root)
    if backend == "postgres_redis":
        url, drop = create_postgres_database()
        request.addfinalizer(drop)
        flush_redis()
        env["DATABASE_URL"] = url
        from .stack import REDIS_URL
        env["CELERY_BROKER_URL"] = REDIS_URL
    stack = Stack(var_dir=var_dir, env=env)
    request.addfinalizer(stack.stop)
    stack.manage("migrate", "--noinput")
    stack.manage("register_model", "--name", "Tiny", "--slug", "tiny", "--source", str(model_root / "tiny"))
    return stack


@pytest.fixture(params=["embedded", "postgres_redis"])
def stack(request, tmp_path, tiny_model_root) -> Stack:
    return _stack(request, tmp_path, tiny_model_root)


@pytest.fixture(params=["postgres_redis"])
def redis_stack(request, tmp_path, tiny_model_root) -> Stack:
    return _stack(request, tmp_path, tiny_model_root)


@pytest.fixture(params=["embedded"])
def embedded_stack(request, tmp_path, tiny_model_root) -> Stack:
    return _stack(request, tmp_path, tiny_model_root)


def cli_perplexity(model_dir: Path, data: Path, **options) -> dict:
    args = [sys.executable, "-m", "evaluators", "perplexity", "--model", str(model_dir), "--data", str(data),
            "--device", "cpu"]
    for name, value in options.items():
        args += [f"--{name.replace('_', '-')}", str(value)]
    result = subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=300,
                            env={**base_env(data.parent, model_dir.parent)})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
