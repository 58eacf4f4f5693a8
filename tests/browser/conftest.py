"""Browser fixtures: Debian's Chromium driven by Playwright's sync API against pytest-django's live server.

Playwright's own browser download is not used (it needs the network): the tests launch the
apt package's /usr/bin/chromium and skip, saying so, where it is not installed. pytest-playwright
is not used either: its fixtures manage browsers by channel and download, and the few lines here
(one browser for the folder, a fresh context per test) are all these tests need.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.evaluations.conftest import enqueued, private_storage  # noqa: F401 (autouse fixtures, used by name)
from tests.passk.conftest import sandbox_ready  # noqa: F401 (fixture used by name)

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "correct horse battery staple"
TIMEOUT_MS = 30_000


@pytest.fixture(scope="package")
def browser() -> Iterator:
    """One headless Chromium for every browser test; skipped where the apt package is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium package (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    # The sync API keeps an asyncio loop running on this thread; Django then refuses ORM calls from
    # it (SynchronousOnlyOperation) though nothing here is async. The flag lives only as long as the loop.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_api.sync_playwright().start()
    try:
        # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) whose relative URLs go to the live server."""
    context = browser.new_context(base_url=live_server.url, accept_downloads=True,
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(scope="session")
def built_tiny_model(tmp_path_factory) -> Path:
    from evaluators.demo.models import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("browser-models") / "tiny", seed=0, context_length=128)


@pytest.fixture
def model_root(settings, tmp_path) -> Path:
    """The only folder local models may be registered from in this test."""
    root = (tmp_path / "models").resolve()
    root.mkdir()
    settings.GLASSBOX_MODEL_ROOTS = [root]
    return root


@pytest.fixture
def model_dir(built_tiny_model, model_root) -> Path:
    return Path(shutil.copytree(built_tiny_model, model_root / "tiny"))


def make_user(username: str, *roles: str):
    from django.contrib.auth.models import User

    from glassbox.accounts.services import grant_role

    user = User.objects.create_user(username, password=PASSWORD)
    for role in roles:
        grant_role(user, role)
    return user


@pytest.fixture
def contributor(transactional_db):
    return make_user("ada", "contributor")


@pytest.fixture
def auditor(transactional_db):
    return make_user("grace", "auditor")


def log_in(page, user, next_path: str = "/") -> None:
    """Sign in through the site's login form and land on `next_path`."""
    page.goto(f"/accounts/login/?next={next_path}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(f"**{next_path}")


def screenshot(page, name: str) -> Path:
    """Save the whole page as var/screenshots/<name>.png and return the path."""
    from django.conf import settings

    # The repository's var/, not the test run's throw-away VAR_DIR, so the pictures outlive the run.
    folder = Path(settings.REPO_DIR) / "var" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
