"""Tests: fast hashing, files under a throw-away directory, no network."""
import atexit
import os
import shutil
import tempfile
from pathlib import Path

if not os.environ.get("GLASSBOX_VAR_DIR"):
    # Each test process gets its own var/ folder, removed when the process ends.
    _var = tempfile.mkdtemp(prefix="glassbox-test-")
    os.environ["GLASSBOX_VAR_DIR"] = _var
    atexit.register(shutil.rmtree, _var, ignore_errors=True)

from .base import *  # noqa: F401,F403,E402
from .base import VAR_DIR  # noqa: E402

# Each test sees the database as it left it: no cached leaderboard table from an earlier test.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(VAR_DIR) / "media"
GLASSBOX_MODEL_ROOTS = env_paths("GLASSBOX_MODEL_ROOTS",  # noqa: F405
                                 [Path(VAR_DIR), Path(tempfile.gettempdir())])
# The suite's API fuzzing, load tests and live servers send more requests than any limit allows;
# the throttling tests (tests/hardening/test_throttling.py) turn it on with a real cache.
GLASSBOX_THROTTLE = False
# Fault drills: a test worker started with GLASSBOX_SAMPLE_DELAY_S slows down after each stored
# sample (tests/integration/slow_samples.py), so a test can kill or cancel it mid-run. The slowing
# lives with the tests; the workers' own code has no such branch.
if os.environ.get("GLASSBOX_SAMPLE_DELAY_S"):
    CELERY_INCLUDE = ["tests.integration.slow_samples"]
