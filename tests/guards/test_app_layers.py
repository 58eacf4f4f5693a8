"""Apps import downwards only: accounts ← registry ← evaluations ← {leaderboards, transparency,
schedules} ← site. Read from the source with ast, function-level imports included, so an import
hidden in a function body to dodge a cycle counts like any other."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "platform" / "glassbox"
LAYERS = {"accounts": 0, "registry": 1, "evaluations": 2,
          "leaderboards": 3, "transparency": 3, "schedules": 3, "site": 4}
# config wires every app together (settings, URLs, the API router) and may import anything. Its
# shared helpers (converters, API fields, CSV, API authentication) are imported by apps, so what
# a helper imports must sit below every app importing it: no cycle through config.
CONFIG = "config"


def imported_modules(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """Return every glassbox module `source` (the module named `module`) imports, at any depth."""
    found = set()
    package = module if is_package else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                # Relative: resolved against the module's package, so `from ..x import y` counts too.
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.add(name)
            # `from glassbox import site` imports the app itself.
            if name == "glassbox":
                found.update(f"glassbox.{alias.name}" for alias in node.names)
    return {name for name in found if name == "glassbox" or name.startswith("glassbox.")}


def app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def violations(source: str, module: str, *, is_package: bool = False) -> set[tuple[str, str]]:
    """Return (importing module, imported app) for each import `module` may not make."""
    here = app_of(module)
    bad = set()
    for name in imported_modules(source, module, is_package=is_package):
        there = app_of(name)
        if there is None or there == here:
            continue
        if here == CONFIG:
            continue
        if there == CONFIG:
            continue  # the helpers themselves are checked in test_config_helpers_sit_below_their_importers
        if there not in LAYERS or here not in LAYERS:
            bad.add((module, there))  # an app the guard does not know must be placed in LAYERS first
        elif LAYERS[there] >= LAYERS[here]:
            bad.add((module, there))  # upward, or sideways between siblings (the start of a cycle)
    return bad


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        if "migrations" in relative.parts:
            continue  # generated; a migration names the tables it depends on, not code
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def current_violations() -> set[tuple[str, str]]:
    bad = set()
    for module, path in modules().items():
        bad |= violations(path.read_text(encoding="utf-8"), module, is_package=path.name == "__init__.py")
    return bad


def test_apps_import_only_the_layers_below_them():
    unexpected = sorted(current_violations())
    assert not unexpected, "upward or sideways imports: " + ", ".join(f"{m} -> {a}" for m, a in unexpected)


def test_evaluations_imports_nothing_from_leaderboards():
    # Stated on its own, so its failure names the cycle that matters most (leaderboards read evaluations).
    assert not {(module, app) for module, app in current_violations()
                if app_of(module) == "evaluations" and app == "leaderboards"}


def test_no_app_imports_the_workers():
    # The workers are Celery's shims over the apps (workers.tasks calls evaluations.execution), so
    # an app importing them would run upwards; config may, to send a message (config.jobs).
    importing = []
    for module, path in modules().items():
        if app_of(module) == CONFIG:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            importing += [module for name in names if name == "workers" or name.startswith("workers.")]
    assert not importing, importing


def test_every_app_has_a_layer():
    apps = {path.name for path in PACKAGE.iterdir() if (path / "apps.py").exists()}
    assert apps - {CONFIG} <= set(LAYERS), apps - set(LAYERS)


def test_config_helpers_sit_below_their_importers():
    everything = modules()
    checked = 0
    for module, path in everything.items():
        here = app_of(module)
        if here == CONFIG:
            continue
        for helper in imported_modules(path.read_text(encoding="utf-8"), module,
                                       is_package=path.name == "__init__.py"):
            if app_of(helper) != CONFIG or helper not in everything:
                continue  # `from glassbox.config import converters` names the package; the module comes too
            checked += 1
            below = {app_of(name) for name in imported_modules(everything[helper].read_text(encoding="utf-8"), helper)}
            below -= {CONFIG, here}
            above = sorted(app for app in below if LAYERS.get(app, 99) >= LAYERS[here])
            assert not above, f"{module} imports {helper}, which imports {above}: a cycle through config"
    assert checked, "no app imports a config helper: this test would check nothing"


@pytest.mark.parametrize("module, source, expected", [
    ("glassbox.registry.views", "from glassbox.evaluations.models import Run\n",
     {("glassbox.registry.views", "evaluations")}),
    ("glassbox.accounts.roles", "def visible():\n    from glassbox.transparency.models import Audit\n",
     {("glassbox.accounts.roles", "transparency")}),
    ("glassbox.leaderboards.views", "import glassbox.schedules.models\n",
     {("glassbox.leaderboards.views", "schedules")}),
    ("glassbox.evaluations.demo.boards", "from ...leaderboards import services\n",
     {("glassbox.evaluations.demo.boards", "leaderboards")}),
    ("glassbox.evaluations.demo", "from ..transparency import services\n",
     {("glassbox.evaluations.demo", "transparency")}),
    ("glassbox.evaluations.run_pages.perplexity", "from . import sections\nfrom ..models import Run\n", set()),
    ("glassbox.evaluations.views", "from glassbox import site\n", {("glassbox.evaluations.views", "site")}),
    ("glassbox.evaluations.views", "from glassbox.newapp import x\n", {("glassbox.evaluations.views", "newapp")}),
    ("glassbox.site.home", "from glassbox.leaderboards.models import Leaderboard\nfrom . import x\n", set()),
    ("glassbox.leaderboards.api", "from glassbox.config.api_fields import JSONObjectField\n", set()),
    ("glassbox.config.urls", "from glassbox.site import views\n", set()),
])
def test_the_checker_catches_upward_imports_and_lets_downward_ones_pass(module, source, expected):
    assert violations(source, module) == expected
