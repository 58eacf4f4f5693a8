"""Production settings pass Django's deployment checks and send the security headers and cookie flags.

Both run in a subprocess: the production settings module is loaded with the variables it demands,
as a real deployment would, without disturbing this test process's settings.
"""
from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Signs in through the real login form over HTTPS and reports what the browser would receive.
PROBE = r"""
import json, django
django.setup()
from django.core.management import call_command
from django.contrib.auth.models import User
from django.test import Client

call_command("migrate", verbosity=0)
User.objects.create_user("pat", password="a long enough password")
client = Client(HTTP_HOST="glassbox.example.org")
page = client.get("/accounts/login/", secure=True)
signed_in = client.post("/accounts/login/", {"username": "pat", "password": "a long enough password"},
                        secure=True)
plain_http = Client(HTTP_HOST="glassbox.example.org").get("/accounts/login/")
cookie = lambda response, name: {key: str(value) for key, value in response.cookies[name].items()}
print(json.dumps({
    "status": page.status_code, "signed_in": signed_in.status_code,
    "headers": dict(page.headers), "csrf": cookie(page, "csrftoken"), "session": cookie(signed_in, "sessionid"),
    "http_status": plain_http.status_code, "http_location": plain_http.headers.get("Location"),
}))
"""


def production_env(tmp_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "GLASSBOX_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "glassbox.config.settings.prod",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "glassbox.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "CELERY_BROKER_URL": "redis://localhost:6379/0",
        "GLASSBOX_VAR_DIR": str(tmp_path / "var"),
        "PYTHONPATH": os.pathsep.join([str(REPO / "platform"), str(REPO)]),
    })
    return env


def test_check_deploy_finds_no_issues_with_the_production_settings(tmp_path):
    env = production_env(tmp_path)
    # A PostgreSQL URL as in production: the deployment checks do not connect to it.
    env["DATABASE_URL"] = "postgres://glassbox:secret@db.internal:5432/glassbox"
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output


def test_production_sends_security_headers_and_secure_cookies(tmp_path):
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, env=production_env(tmp_path),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    headers = {key.lower(): value for key, value in probe["headers"].items()}

    assert probe["status"] == 200 and probe["signed_in"] == 302
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    # Plain HTTP is sent to HTTPS.
    assert probe["http_status"] == 301
    assert probe["http_location"] == "https://glassbox.example.org/accounts/login/"
    assert probe["session"]["secure"] == "True" and probe["session"]["httponly"] == "True"
    assert probe["session"]["samesite"] == "Lax"
    assert probe["csrf"]["secure"] == "True" and probe["csrf"]["samesite"] == "Lax"
