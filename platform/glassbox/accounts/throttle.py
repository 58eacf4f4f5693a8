"""Failed sign-ins and API tokens, counted in the cache; too many close the door for a while.

Each counter keeps the times of its last failures. It is locked while `limit` of them lie within
the last `window_s` seconds, and opens again when the oldest of those ages out. The counts live
in the default cache: with GLASSBOX_CACHE_URL on Redis every web process shares them; with the
in-process default each process counts on its own (a limit then holds per process). A count is
read, then written: tries sent at the same instant may all pass the check, so a burst can exceed a
limit by about as many requests as the web processes serve at once; the lock then holds for all.
"""
from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def now() -> float:
    """The clock every limit here reads (tests move it instead of sleeping)."""
    return time.time()


def client_address(request: HttpRequest) -> str:
    """Return the client's IP address, trusting X-Forwarded-For only as far as GLASSBOX_NUM_PROXIES says.

    Without a proxy the header is the client's own words: trusting it would let a client pick a
    fresh address for every guess.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.GLASSBOX_NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies == 0 or not forwarded:
        return remote
    # Each proxy appends the address it received from: the client's is `proxies` entries from the end.
    addresses = [part.strip() for part in forwarded.split(",")]
    return addresses[-min(proxies, len(addresses))] or remote


@dataclass(frozen=True)
class FailureLimit:
    scope: str
    limit: int
    window_s: int

    def _key(self, identity: str) -> str:
        # Hashed: usernames may hold characters a cache key must not (spaces, for memcached).
        return f"glassbox:failures:{self.scope}:{hashlib.sha256(identity.encode()).hexdigest()}"

    def _recent(self, identity: str) -> list[float]:
        cutoff = now() - self.window_s
        return [moment for moment in cache.get(self._key(identity), []) if moment > cutoff]

    def locked_for(self, identity: str) -> int:
        """Return the seconds until `identity` may try again; 0 when it may now."""
        if not settings.GLASSBOX_THROTTLE:
            return 0
        recent = self._recent(identity)
        if len(recent) < self.limit:
            return 0
        return max(1, math.ceil(recent[-self.limit] + self.window_s - now()))

    def record_failure(self, identity: str) -> None:
        if not settings.GLASSBOX_THROTTLE:
            return
        recent = (self._recent(identity) + [now()])[-self.limit:]
        cache.set(self._key(identity), recent, timeout=self.window_s)

    def clear(self, identity: str) -> None:
        cache.delete(self._key(identity))


def login_limits() -> tuple[FailureLimit, FailureLimit]:
    """Return the limits on failed sign-ins: for one account from one address, and for one address."""
    window = settings.GLASSBOX_LOCKOUT_SECONDS
    return (FailureLimit("login-account", settings.GLASSBOX_LOGIN_FAILURES, window),
            FailureLimit("login-address", settings.GLASSBOX_LOGIN_FAILURES_PER_ADDRESS, window))


def token_limit() -> FailureLimit:
    """Return the limit on unknown or malformed API tokens sent from one address."""
    return FailureLimit("token", settings.GLASSBOX_TOKEN_FAILURES, settings.GLASSBOX_LOCKOUT_SECONDS)


def wait_message(seconds: int) -> str:
    """Return a wait of `seconds` in words: '1 second', '45 seconds', '15 minutes' (rounded up)."""
    count, unit = (seconds, "second") if seconds < 60 else (math.ceil(seconds / 60), "minute")
    return f"{count} {unit}{'' if count == 1 else 's'}"
