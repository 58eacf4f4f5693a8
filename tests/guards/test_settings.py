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
