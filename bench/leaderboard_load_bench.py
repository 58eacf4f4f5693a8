"""Leaderboard latency under load: 10,000 runs and 50,000 metric results in PostgreSQL, 8 clients.

    python bench/leaderboard_load_bench.py [--runs 10000] [--clients 8] [--seconds 20] [--workers 3]

Creates a scratch PostgreSQL database (GLASSBOX_TEST_POSTGRES, default
postgresql://postgres@127.0.0.1:5432/postgres), migrates and seeds it (bench/leaderboard_load_seed.py),
starts gunicorn with the production settings on loopback, and has `--clients` threads request
the leaderboard's JSON export, then its page, each for `--seconds`, over keep-alive connections.
Prints requests served, errors, p50/p95/p99 latency per URL; drops the database at the end.
The goal for the export is p95 under 50 ms.
"""
from __future__ import annotations

import argparse
import http.client
import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "platform"))
ADMIN_URL = os.environ.get("GLASSBOX_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
PORT = 8765


def scratch_database() -> tuple[str, str]:
    import psycopg

    name = f"glassbox_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(url: str, var_dir: Path) -> dict:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "glassbox.config.settings.prod", "DATABASE_URL": url,
            "DJANGO_SECRET_KEY": "bench-" + uuid.uuid4().hex, "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/12", "GLASSBOX_VAR_DIR": str(var_dir),
            "GLASSBOX_CACHE_URL": os.environ.get("GLASSBOX_CACHE_URL", "redis://127.0.0.1:6379/13")}


def load_with_wrk(path: str, clients: int, seconds: float) -> dict:
    """Load one URL with wrk (C, so the client costs little CPU); return counts and percentiles (ms)."""
    import json

    result = subprocess.run(["wrk", "-t", "2", "-c", str(clients), "-d", f"{int(seconds)}s",
                             "-s", str(REPO / "bench" / "wrk_report.lua"), f"http://127.0.0.1:{PORT}{path}"],
                            capture_output=True, text=True, check=True)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    return {**figures, "per_s": figures["requests"] / figures["seconds"], "client": "wrk"}


def load(path: str, clients: int, seconds: float) -> dict:
    """Hammer one URL from `clients` threads for `seconds`; return counts and latency percentiles (ms).

    Uses wrk when it is installed; otherwise Python threads, whose own CPU use (on a small machine)
    shows up in the latencies.
    """
    if shutil.which("wrk"):
        return load_with_wrk(path, clients, seconds)
    import numpy as np

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        mine, bad = [], []
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                # As the TLS-terminating proxy in front of production would send it.
                conn.request("GET", path, headers={"X-Forwarded-Proto": "https", "Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad.append(str(response.status))
            except (OSError, http.client.HTTPException) as error:
                bad.append(type(error).__name__)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
                continue
            mine.append((time.perf_counter() - start) * 1000)
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    values = np.asarray(latencies)
    return {"requests": len(latencies), "errors": len(errors), "per_s": len(latencies) / seconds,
            "p50": float(np.percentile(values, 50)), "p95": float(np.percentile(values, 95)),
            "p99": float(np.percentile(values, 99)), "client": "python threads"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--metrics", type=int, default=50_000, help="metric results in all")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    args = parser.parse_args()
    name, url = scratch_database()
    var_dir = REPO / "var" / "bench-load"
    var_dir.mkdir(parents=True, exist_ok=True)
    env = environment(url, var_dir)
    server = None
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=REPO, env=env, check=True)
        os.environ.update(env)
        import django

        django.setup()
        from leaderboard_load_seed import seed

        started = time.perf_counter()
        facts = seed(args.runs, args.metrics)
        print(f"seeded {facts} in {time.perf_counter() - started:.1f} s")
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--pythonpath", "platform", "--workers", str(args.workers),
             "--bind", f"127.0.0.1:{PORT}", "--log-level", "warning", "glassbox.config.wsgi"],
            cwd=REPO, env=env)
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/")
                break
            except OSError:
                time.sleep(0.2)
        for path in ("/api/leaderboards/bench-ppl/export.json", "/leaderboards/bench-ppl/"):
            load(path, 2, 2.0)  # warm every worker's connections and caches, not counted
            figures = load(path, args.clients, args.seconds)
            print(f"{path}: {figures['requests']} requests ({figures['per_s']:.0f}/s), {figures['errors']} errors, "
                  f"p50 {figures['p50']:.1f} ms, p95 {figures['p95']:.1f} ms, p99 {figures['p99']:.1f} ms "
                  f"({args.clients} clients via {figures['client']}, {args.workers} gunicorn workers)")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        drop_database(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
