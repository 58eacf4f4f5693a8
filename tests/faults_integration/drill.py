"""What the fault drills do to real processes: queue runs, read stored records straight from
PostgreSQL, kill a worker's pool process, restart Redis, drop database connections."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import psycopg

from tests.integration.stack import REPO, Stack, base_env

# Started exactly as .ci/run starts it: no persistence, so a restart loses what was queued.
REDIS_START = ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379", "--save", "",
               "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log"]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def add_dataset(stack: Stack, slug: str, kind: str, data: Path) -> None:
    stack.manage("add_dataset", "--name", slug.title(), "--slug", slug, "--kind", kind, str(data))


def queue(stack: Stack, evaluator: str, dataset: str, params: dict, *, force: bool = False) -> int:
    """Queue a run through the command line, as a person would; return its id."""
    args = ["start_run", evaluator, "--model", "tiny", "--dataset", dataset, "--params", json.dumps(params), "--json"]
    return json.loads(stack.manage(*args, *(["--force"] if force else [])).stdout)["id"]


def cli(evaluator: str, model_dir: Path, data: Path, **options) -> dict:
    """The same evaluation from `python -m evaluators`, in its own process: the uninterrupted numbers."""
    args = [sys.executable, "-m", "evaluators", evaluator, "--model", str(model_dir), "--data", str(data),
            "--device", "cpu"]
    for name, value in options.items():
        args += [f"--{name.replace('_', '-')}", str(value)]
    result = subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=300,
                            env=base_env(data.parent, model_dir.parent))
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


FINISHED = ("succeeded", "failed", "cancelled")


def sql(stack: Stack, query: str, params: tuple = ()) -> list[tuple]:
    """Read the stack's database directly (PostgreSQL, or the embedded SQLite file): cheap enough to
    poll every 0.1 s, where a `manage.py` process per poll would take a core from the worker."""
    if "DATABASE_URL" not in stack.env:
        with closing(sqlite3.connect(stack.var_dir / "glassbox.sqlite3", timeout=30)) as connection:
            return connection.execute(query.replace("%s", "?"), params).fetchall()
    with psycopg.connect(stack.env["DATABASE_URL"], autocommit=True) as connection:
        return connection.execute(query, params).fetchall()


def status_of(stack: Stack, run_id: int) -> str:
    return sql(stack, "SELECT status FROM evaluations_run WHERE id = %s", (run_id,))[0][0]


def wait_until_finished(stack: Stack, run_id: int, timeout: float = 240.0) -> dict:
    """Wait for the run to end, polling the database; return what `manage.py run_status` says of it."""
    deadline = time.monotonic() + timeout
    while status_of(stack, run_id) not in FINISHED:
        assert time.monotonic() < deadline, f"run {run_id} did not finish\n{stack.logs()}"
        time.sleep(0.2)
    return stack.run_status(run_id)


def record_count(stack: Stack, run_id: int) -> int:
    return sql(stack, "SELECT count(*) FROM evaluations_samplerecord WHERE run_id = %s", (run_id,))[0][0]


def stored_keys(stack: Stack, run_id: int) -> list[str]:
    return [key for (key,) in sql(stack, "SELECT key FROM evaluations_samplerecord WHERE run_id = %s", (run_id,))]


def pool_child(worker: subprocess.Popen) -> int:
    """The prefork worker's pool process: the one that executes the task."""
    children = subprocess.run(["pgrep", "-P", str(worker.pid)], capture_output=True, text=True).stdout.split()
    assert children, "the prefork worker has no pool process"
    return int(children[0])


def restart_redis(timeout: float = 30.0) -> None:
    """Stop Redis without saving (everything queued is gone) and start it as CI does."""
    subprocess.run(["redis-cli", "-h", "127.0.0.1", "shutdown", "nosave"], capture_output=True, timeout=30)
    subprocess.run(REDIS_START, check=True, capture_output=True, timeout=30)
    deadline = time.monotonic() + timeout
    while subprocess.run(["redis-cli", "-h", "127.0.0.1", "ping"], capture_output=True,
                         text=True).stdout.strip() != "PONG":
        assert time.monotonic() < deadline, "Redis did not come back"
        time.sleep(0.2)


def terminate_connections(stack: Stack) -> int:
    """Drop every other connection to the stack's database, as a failover or an administrator would."""
    name = stack.env["DATABASE_URL"].rsplit("/", 1)[1]
    rows = sql(stack, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
    return sum(1 for (done,) in rows if done)


def wait_until(predicate, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(interval)
