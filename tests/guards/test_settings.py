"""Settings fail loudly: a wrong environment value stops start-up and names the variable."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _check(settings_module: str, *command: str, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("DJANGO_", "DATABASE_URL", "CELERY_", "GLASSBOX_"))}
    environment.update({"DJANGO_SETTINGS_MODULE": settings_module, **env})
    return subprocess.run([sys.executable, "manage.py", *(command or ["check"])], cwd=REPO, env=environment,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("variable, value, accepted", [
    ("DJANGO_DEBUG", "maybe", "true, false"),
    ("CELERY_BROKER_URL", "ftp://broker", "redis://"),
    ("DATABASE_URL", "mysql://db/glassbox", "postgresql://"),
    ("GLASSBOX_MAX_UPLOAD_BYTES", "lots", "not an integer"),
    ("GLASSBOX_DEVICE", "tpu", "auto, cpu, cuda"),
    ("GLASSBOX_THROTTLE", "sometimes", "true, false"),
    ("GLASSBOX_API_ANON_RATE", "5/month", "<requests>/<second|minute|hour|day>"),
    ("GLASSBOX_API_USER_RATE", "lots", "such as 120/minute, or off"),
    ("GLASSBOX_LOGIN_FAILURES", "0", "must be at least 1"),
    ("GLASSBOX_LOCKOUT_SECONDS", "soon", "not an integer"),
    ("GLASSBOX_NUM_PROXIES", "-1", "must be at least 0"),
])
def test_a_wrong_value_names_the_variable_and_what_it_accepts(variable, value, accepted):
    result = _check("glassbox.config.settings.dev", **{variable: value})
    assert result.returncode != 0
    assert variable in result.stderr and accepted in result.stderr
    assert variable in result.stderr.strip().splitlines()[-1]  # the last line says what to fix


def test_production_demands_a_secret_key():
    result = _check("glassbox.config.settings.prod", DJANGO_ALLOWED_HOSTS="glassbox.example.org",
                    DATABASE_URL="postgresql://127.0.0.1/test", CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
    assert result.returncode != 0 and "DJANGO_SECRET_KEY must be set" in result.stderr


def test_the_embedded_default_needs_no_settings_and_no_var_folder(tmp_path):
    var = tmp_path / "fresh-clone" / "var"
    result = _check("glassbox.config.settings.dev", "migrate", "--noinput", GLASSBOX_VAR_DIR=str(var))
    assert result.returncode == 0, result.stderr
    assert (var / "glassbox.sqlite3").is_file()


@pytest.mark.parametrize("value, expected", [("", "120/minute"), ("30/second", "30/second"), (" 5/day ", "5/day"),
                                             ("off", None), ("OFF", None)])
def test_a_rate_is_a_count_per_period_or_off(monkeypatch, value, expected):
    from glassbox.config.env import env_rate

    monkeypatch.setenv("GLASSBOX_TEST_RATE", value)
    assert env_rate("GLASSBOX_TEST_RATE", "120/minute") == expected


@pytest.mark.parametrize("value", ["0/minute", "5/minutes", "5 per minute", "5/m", "-1/hour", "²/second"])
def test_a_rate_drf_would_misread_is_refused(monkeypatch, value):
    from django.core.exceptions import ImproperlyConfigured

    from glassbox.config.env import env_rate

    monkeypatch.setenv("GLASSBOX_TEST_RATE", value)
    with pytest.raises(ImproperlyConfigured, match="GLASSBOX_TEST_RATE=.* is not a rate"):
        env_rate("GLASSBOX_TEST_RATE", "120/minute")
