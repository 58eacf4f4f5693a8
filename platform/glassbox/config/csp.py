"""Content-Security-Policy on every response: scripts come from this site or carry the request's nonce.

Django 5.2 has no CSP of its own; the policy is one string, so a few lines here do instead of a package.
Templates mark their inline scripts with `nonce="{{ request.csp_nonce }}"`; chart data travels in
`json_script` elements, which are data, not scripts. Plotly (served from /assets/), the admin and the
API docs load their scripts as files from this site.

Styles allow 'unsafe-inline': Plotly and Swagger UI set style attributes on the elements they draw,
and the templates' own style attributes are presentation only. Injected styles cannot run code.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


def policy(nonce: str) -> str:
    """Return the Content-Security-Policy header value for a response whose scripts carry `nonce`."""
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",  # Plotly's and Swagger UI's icons are data: URLs
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",  # Redoc searches in a worker it builds from a blob
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


class ContentSecurityPolicyMiddleware:
    """Gives each request a fresh nonce (request.csp_nonce) and sends the policy with its response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.csp_nonce = secrets.token_urlsafe(18)
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", policy(request.csp_nonce))
        return response
