"""Every response carries a Content-Security-Policy whose scripts are this site's files or carry the
response's own nonce; every inline script in the templates carries it. (tests/browser/test_csp.py
checks that the pages still work under the policy.)"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_a_page_sends_a_policy_without_unsafe_scripts(client):
    response = client.get("/accounts/login/")
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    script = policy["script-src"]
    assert script[0] == "'self'" and len(script) == 2 and re.fullmatch(r"'nonce-[A-Za-z0-9_-]{24}'", script[1])


def test_each_response_gets_its_own_nonce_and_its_inline_scripts_carry_it(client, world):
    from glassbox.evaluations.models import Run

    run = Run.objects.filter(model__slug="pub").order_by("pk").first()  # the public one
    Run.objects.filter(pk=run.pk).update(status=Run.Status.RUNNING)  # its page then polls with an inline script
    nonces = []
    for _ in range(2):
        response = client.get(f"/runs/{run.pk}/")
        assert response.status_code == 200
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)([^>]*)>", response.content.decode())
        assert inline and all(f'nonce="{nonce}"' in attributes for attributes in inline)
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_the_api_sends_the_policy_too(client):
    assert "script-src 'self' 'nonce-" in client.get("/api/models/")["Content-Security-Policy"]


def test_every_inline_script_in_the_templates_carries_the_nonce():
    missing = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for tag in re.findall(r"<script\b[^>]*>", line):
                if "src=" not in tag and 'nonce="{{ request.csp_nonce }}"' not in tag:
                    missing.append(f"{path.relative_to(TEMPLATES)}:{number}: {tag}")
            if re.search(r"<[^>]*\son[a-z]+\s*=", line) or "javascript:" in line:
                missing.append(f"{path.relative_to(TEMPLATES)}:{number}: inline event handler or javascript: URL")
    assert not missing, ("inline scripts the policy blocks (add the nonce or move them to a file):\n"
                         + "\n".join(missing))
