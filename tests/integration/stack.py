"""Real processes for integration tests: management commands and Celery workers on a chosen backend."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
POSTGRES_ADMIN_URL = os.environ.get("GLASSBOX_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("GLASSBOX_TEST_REDIS", "redis://127.0.0.1:6379/11")


@dataclass
class Stack:
    """One Glassbox installation in a temporary folder, with its own database and broker."""

    var_dir: Path
    env: dict[str, str]
    workers: list[subprocess.Popen] = field(default_factory=list)

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=self.env,
                                capture_output=True, text=True, timeout=300)
        if check and result.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def start_worker(self, *, pool: str = "solo", queues: str = "gpu,default", extra_env: dict | None = None,
                     name: str | None = None) -> subprocess.Popen:
        log = open(self.var_dir / f"worker-{len(self.workers)}.log", "w")
        command = [sys.executable, "-m", "celery", "-A", "workers", "worker", "-Q", queues, "--pool", pool,
                   "--concurrency", "1", "--loglevel", "INFO", "-n", name or f"w{len(self.workers)}-{uuid.uuid4().hex[:6]}@%h"]
        worker = subprocess.Popen(command, cwd=REPO, env={**self.env, **(extra_env or {})},
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.workers.append(worker)
        return worker

    def run_status(self, run_id: int) -> dict:
        return json.loads(self.manage("run_status", str(run_id)).stdout)

    def wait_for(self, run_id: int, predicate, timeout: float = 240.0, interval: float = 1.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            status = self.run_status(run_id)
            if predicate(status):
                return status
            if time.monotonic() > deadline:
                raise AssertionError(f"run {run_id} did not reach the expected state: {status}\n{self.logs()}")
            time.sleep(interval)

    def wait_until_finished(self, run_id: int, timeout: float = 240.0) -> dict:
        return self.wait_for(run_id, lambda s: s["status"] in ("succeeded", "failed", "cancelled"), timeout)

    def logs(self) -> str:
        return "\n".join(p.read_text()[-4000:] for p in sorted(self.var_dir.glob("worker-*.log")))

    def stop(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
        for worker in self.workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()


def base_env(var_dir: Path, model_root: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "glassbox.config.settings.test",
        "GLASSBOX_VAR_DIR": str(var_dir),
        "GLASSBOX_MODEL_ROOTS": str(model_root),
        "GLASSBOX_DEVICE": "cpu",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def create_postgres_database() -> tuple[str, callable]:
    """A fresh PostgreSQL database for one test, and a function that drops it."""
    import psycopg

    name = f"glassbox_it_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", drop


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
