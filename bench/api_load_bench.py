"""The platform under load: 8 API clients create runs and read leaderboards while two real
workers write results, on PostgreSQL and Redis.

    python bench/api_load_bench.py [--seconds 120] [--clients 8] [--run-every 8]

Sets up a scratch PostgreSQL database (GLASSBOX_TEST_POSTGRES) and Redis database 14, a tiny
seeded model, a text dataset and a leaderboard; starts gunicorn (3 workers) and two Celery
workers; then each client, for `--seconds`, reads the leaderboard's JSON export, the runs list and
a run's detail, and every `--run-every` seconds creates a perplexity run (forced, so each is new).
Afterwards it waits for every created run to finish and checks that none was lost, failed or left
stuck. Prints requests served, errors, p50/p95 latency per kind of request and runs completed;
exits 1 on any lost, failed or stuck run or any server error.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from leaderboard_load_bench import drop_database, scratch_database  # noqa: E402

PORT = 8766


def manage(env: dict, *args: str) -> str:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=env, check=True,
                          capture_output=True, text=True).stdout


def set_up(env: dict, root: Path) -> str:
    """Migrate, register the tiny model and dataset, create a leaderboard and a contributor; return its token."""
    from evaluators.demo.models import build_tiny_model

    build_tiny_model(root / "models" / "tiny", seed=0, context_length=64)
    docs = root / "docs.jsonl"
    docs.write_text("".join(json.dumps({"id": f"d{i}", "text": f"def f{i}(x):\n    return x + {i}\n" * 3}) + "\n"
                            for i in range(6)), encoding="utf-8")
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "register_model", "--name", "Tiny", "--slug", "tiny", "--source", str(root / "models" / "tiny"))
    manage(env, "add_dataset", "--name", "Docs", "--slug", "docs", "--kind", "text", str(docs))
    script = (
        "from django.contrib.auth import get_user_model; from rest_framework.authtoken.models import Token; "
        "from glassbox.accounts.services import grant_role; "
        "from glassbox.leaderboards.services import create_leaderboard; "
        "from glassbox.registry.models import DatasetVersion; "
        "u = get_user_model().objects.create_user('loader'); grant_role(u, 'contributor'); "
        "create_leaderboard(slug='docs-ppl', name='Docs', dataset_version=DatasetVersion.objects.get(), "
        "evaluator='perplexity', metrics=['perplexity'], primary_metric='perplexity', params={'batch_size': 2}); "
        "print(Token.objects.create(user=u).key)")
    return manage(env, "shell", "-c", script).strip().splitlines()[-1]


class Client(threading.Thread):
    def __init__(self, token: str, seconds: float, run_every: float, seed: int) -> None:
        super().__init__()
        self.token, self.stop_at, self.run_every = token, time.monotonic() + seconds, run_every
        self.rng = random.Random(seed)
        self.latencies: dict[str, list[float]] = {}
        self.errors: list[str] = []
        self.created: list[int] = []

    def request(self, conn, kind: str, method: str, path: str, body: dict | None = None) -> dict | None:
        headers = {"Authorization": f"Token {self.token}", "Content-Type": "application/json"}
        start = time.perf_counter()
        conn.request(method, path, body=json.dumps(body) if body else None, headers=headers)
        response = conn.getresponse()
        data = response.read()
        self.latencies.setdefault(kind, []).append((time.perf_counter() - start) * 1000)
        if response.status >= 400:
            self.errors.append(f"{kind} {response.status}: {data[:200]!r}")
            return None
        return json.loads(data) if data else None

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        next_run = time.monotonic() + self.rng.uniform(0, self.run_every)
        while time.monotonic() < self.stop_at:
            try:
                if time.monotonic() >= next_run:
                    next_run += self.run_every
                    made = self.request(conn, "create run", "POST", "/api/runs/", {
                        "evaluator": "perplexity", "model": "tiny", "dataset": "docs", "force": True,
                        "params": {"batch_size": self.rng.choice([1, 2, 3]), "max_length": 32, "stride": 16}})
                    if made:
                        self.created.append(made["id"])
                self.request(conn, "leaderboard export", "GET", "/api/leaderboards/docs-ppl/export.json")
                self.request(conn, "runs list", "GET", "/api/runs/?evaluator=perplexity")
                if self.created:
                    self.request(conn, "run detail", "GET", f"/api/runs/{self.rng.choice(self.created)}/")
            except (OSError, http.client.HTTPException) as error:
                self.errors.append(f"{type(error).__name__}: {error}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)


def wait_for_runs(env: dict, run_ids: list[int], timeout: float) -> dict[str, int]:
    """Wait until every run has finished; return the count of each final status (and 'missing')."""
    script = ("import json; from glassbox.evaluations.models import Run; "
              f"ids = {run_ids!r}; found = dict(Run.objects.filter(pk__in=ids).values_list('pk', 'status')); "
              "print(json.dumps({str(i): found.get(i, 'missing') for i in ids}))")
    deadline = time.monotonic() + timeout
    while True:
        statuses = json.loads(manage(env, "shell", "-c", script).strip().splitlines()[-1])
        counts: dict[str, int] = {}
        for status in statuses.values():
            counts[status] = counts.get(status, 0) + 1
        if set(counts) <= {"succeeded", "failed", "cancelled", "missing"} or time.monotonic() > deadline:
            return counts
        time.sleep(2)


def main() -> int:
    import numpy as np

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--run-every", type=float, default=8.0, help="seconds between a client's run requests")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="glassbox-load-"))
    name, url = scratch_database()
    env = {**{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")},
           "DJANGO_SETTINGS_MODULE": "glassbox.config.settings.prod", "DATABASE_URL": url,
           "DJANGO_SECRET_KEY": "load-" + uuid.uuid4().hex * 2, "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
           "DJANGO_SECURE_SSL_REDIRECT": "0", "CELERY_BROKER_URL": "redis://127.0.0.1:6379/14",
           "GLASSBOX_CACHE_URL": "redis://127.0.0.1:6379/15", "GLASSBOX_VAR_DIR": str(root / "var"),
           "GLASSBOX_MODEL_ROOTS": str(root / "models"), "GLASSBOX_DEVICE": "cpu", "HF_HUB_OFFLINE": "1",
           # Eight clients share one token at hundreds of requests a second: measure the platform, not its limits.
           "GLASSBOX_THROTTLE": "0"}
    processes: list[subprocess.Popen] = []
    try:
        import redis

        for db in (14, 15):
            redis.Redis(host="127.0.0.1", port=6379, db=db).flushdb()
        token = set_up(env, root)
        logs = open(root / "processes.log", "w")
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--pythonpath", "platform", "--workers", "3",
             "--bind", f"127.0.0.1:{PORT}", "--log-level", "warning", "glassbox.config.wsgi"],
            cwd=REPO, env=env, stdout=logs, stderr=subprocess.STDOUT))
        for n in range(2):
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "workers", "worker", "-Q", "gpu,default", "--pool", "solo",
                 "-n", f"load{n}@%h", "--loglevel", "WARNING"], cwd=REPO, env=env, stdout=logs, stderr=subprocess.STDOUT))
        time.sleep(5)
        clients = [Client(token, args.seconds, args.run_every, seed) for seed in range(args.clients)]
        started = time.monotonic()
        for client in clients:
            client.start()
        for client in clients:
            client.join()
        elapsed = time.monotonic() - started
        created = [run for client in clients for run in client.created]
        counts = wait_for_runs(env, created, timeout=300)
        errors = [error for client in clients for error in client.errors]
        kinds = sorted({kind for client in clients for kind in client.latencies})
        total = sum(len(v) for client in clients for v in client.latencies.values())
        print(f"{args.clients} clients for {elapsed:.0f} s: {total} requests ({total / elapsed:.0f}/s), "
              f"{len(errors)} errors")
        for kind in kinds:
            values = np.asarray([v for client in clients for v in client.latencies.get(kind, [])])
            print(f"  {kind}: {len(values)} requests, p50 {np.percentile(values, 50):.1f} ms, "
                  f"p95 {np.percentile(values, 95):.1f} ms")
        print(f"runs created {len(created)}: {counts}")
        for error in errors[:10]:
            print("  error:", error)
        bad = len(errors) + sum(n for status, n in counts.items() if status != "succeeded")
        return 1 if bad else 0
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        drop_database(name)


if __name__ == "__main__":
    sys.exit(main())
