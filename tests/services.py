"""PostgreSQL and Redis for the integration tests: checked once before any test runs, so a machine
without them gets one message saying what to start, not a failure per test."""
from __future__ import annotations

import socket
from urllib.parse import urlsplit

from tests.integration.stack import POSTGRES_ADMIN_URL, REDIS_URL

HOW_TO_START = {
    "PostgreSQL": "start it (e.g. `pg_ctlcluster <version> main start`) or point GLASSBOX_TEST_POSTGRES at one",
    "Redis": "start it (e.g. `redis-server --daemonize yes --port 6379`) or point GLASSBOX_TEST_REDIS at one",
}


def reachable(host: str, port: int, timeout: float = 2.0) -> bool:
    """Return whether a TCP connection to host:port opens within timeout seconds."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def unreachable_services(postgres_url: str = POSTGRES_ADMIN_URL, redis_url: str = REDIS_URL) -> str | None:
    """Return one message naming each service that does not answer, or None when both do."""
    lines = []
    for name, url, default_port in (("PostgreSQL", postgres_url, 5432), ("Redis", redis_url, 6379)):
        parts = urlsplit(url)
        host, port = parts.hostname or "127.0.0.1", parts.port or default_port
        if not reachable(host, port):
            lines.append(f"- {name} is not reachable at {host}:{port} ({url}): {HOW_TO_START[name]}")
    if not lines:
        return None
    return ("The integration tests selected need PostgreSQL and Redis:\n" + "\n".join(lines) +
            "\n`.ci/run` starts both and runs the suite; `make test-fast` runs the suite without the "
            "integration tests and needs neither.\n")
