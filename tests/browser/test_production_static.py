"""Under gunicorn with the production settings, the admin and the API docs load their CSS and JS.

The site is started as the README's deploy steps say: migrate, collectstatic, then gunicorn; WhiteNoise
in the web process serves /static/ (Django serves static files only with DEBUG on). Plain HTTP on
127.0.0.1, so the HTTPS redirect is switched off; every other production setting stands.
"""
from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from tests.hardening.test_deploy_settings import REPO, production_env

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def production_site(tmp_path_factory) -> Iterator[str]:
    """The URL of a gunicorn serving the production settings, after migrate and collectstatic."""
    env = production_env(tmp_path_factory.mktemp("production-site"))
    env.update({"DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DJANGO_SECURE_SSL_REDIRECT": "0"})
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        done = subprocess.run([sys.executable, "manage.py", *command], cwd=REPO, env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    port = _free_port()
    web = subprocess.Popen([sys.executable, "-m", "gunicorn", "--pythonpath", "platform", "--workers", "1",
                            "--bind", f"127.0.0.1:{port}", "glassbox.config.wsgi"],
                           cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert web.poll() is None, web.stdout.read()
                assert time.monotonic() < deadline, "gunicorn did not start listening within 60 s"
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        web.terminate()
        web.wait(timeout=30)


@pytest.fixture
def site_page(browser, production_site):
    """A fresh browser tab on the production site, recording every /static/ answer and CSP refusal."""
    context = browser.new_context(base_url=production_site)
    tab = context.new_page()
    tab.static = {}
    tab.on("response", lambda response: tab.static.__setitem__(response.url, response.status)
           if "/static/" in response.url else None)
    tab.refusals = []
    tab.on("console", lambda message: tab.refusals.append(message.text)
           if "Content Security Policy" in message.text else None)
    yield tab
    context.close()


def assert_assets_loaded(page) -> None:
    assert all(status == 200 for status in page.static.values()), page.static
    assert {"css", "js"} <= {url.rsplit(".", 1)[-1] for url in page.static}, page.static
    assert page.refusals == []


def test_the_admin_loads_its_styles_and_scripts(site_page):
    response = site_page.goto("/admin/login/")
    assert response.status == 200
    site_page.wait_for_load_state("networkidle")
    assert_assets_loaded(site_page)
    # The manifest's content-hashed names, each cacheable for good.
    css = next(url for url in site_page.static if "/static/admin/css/base." in url)
    assert css.split("/")[-1].count(".") == 2  # base.<hash>.css
    cached = site_page.request.get(css)
    assert cached.status == 200 and "immutable" in cached.headers["cache-control"]
    # The stylesheet is applied: the admin's header is a coloured band, not the browser's white default.
    background = site_page.locator("#header").evaluate("element => getComputedStyle(element).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")


def test_the_api_docs_load_swagger_ui_and_the_schema(site_page):
    response = site_page.goto("/api/docs/")
    assert response.status == 200
    # Swagger UI's script drew the page from the schema it fetched.
    expect(site_page.locator(".swagger-ui .info .title")).to_contain_text("Glassbox API", timeout=30_000)
    expect(site_page.locator(".opblock").first).to_be_visible()
    site_page.wait_for_load_state("networkidle")
    assert_assets_loaded(site_page)
    assert any("swagger-ui-bundle" in url for url in site_page.static)
