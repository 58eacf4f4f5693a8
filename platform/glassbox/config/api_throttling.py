"""The REST API's rate limits: requests per client, and wrong tokens per address.

Rates are read from settings at each request (GLASSBOX_API_RATES, GLASSBOX_THROTTLE), not when the
class is defined as DRF's own classes do, so a deployment's variables and a test's override both hold.
"""
from __future__ import annotations

from django.conf import settings
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from glassbox.accounts import throttle


class _SettingsRate:
    def get_rate(self) -> str | None:
        # None switches the limit off (DRF then allows every request).
        return settings.GLASSBOX_API_RATES.get(self.scope) if settings.GLASSBOX_THROTTLE else None

    def get_ident(self, request) -> str:
        return throttle.client_address(request)

    def timer(self) -> float:
        return throttle.now()


class AnonymousRateThrottle(_SettingsRate, AnonRateThrottle):
    """Requests without a user, per client address (GLASSBOX_API_ANON_RATE)."""


class AuthenticatedRateThrottle(_SettingsRate, UserRateThrottle):
    """Requests of a signed-in user or token, per user (GLASSBOX_API_USER_RATE)."""


class ThrottledTokenAuthentication(TokenAuthentication):
    """Token authentication that stops looking tokens up for an address that sent too many wrong ones.

    While the address is locked even a right token answers 429: otherwise a guesser could go on
    guessing and tell the right token by its answer.
    """

    def authenticate(self, request) -> tuple | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None  # no token given: nothing to count
        limit, address = throttle.token_limit(), throttle.client_address(request)
        wait = limit.locked_for(address)
        if wait:
            # DRF adds "Expected available in N seconds." and a Retry-After header.
            raise Throttled(wait=wait, detail="Too many unknown or malformed tokens from this address.")
        try:
            return super().authenticate(request)
        except AuthenticationFailed:
            limit.record_failure(address)
            raise
