"""Tests: fast hashing, files under a throw-away directory, no network."""
import os
import tempfile
from pathlib import Path

os.environ.setdefault("GLASSBOX_VAR_DIR", tempfile.mkdtemp(prefix="glassbox-test-"))

from .base import *  # noqa: F401,F403,E402
from .base import VAR_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(VAR_DIR) / "media"
GLASSBOX_MODEL_ROOTS = [Path(VAR_DIR).resolve(), Path(tempfile.gettempdir()).resolve()]
