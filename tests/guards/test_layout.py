"""The layout rules that keep `platform/` from shadowing the standard library."""
import ast
import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PLATFORM = REPO / "platform"


def _python(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{PLATFORM}", **env}
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_platform_is_a_source_root_not_a_package():
    assert PLATFORM.is_dir()
    assert not (PLATFORM / "__init__.py").exists()


def test_nothing_in_platform_clashes_with_the_standard_library_or_an_installed_distribution():
    installed = {name.lower() for name in importlib.metadata.packages_distributions()}
    installed |= {d.metadata["Name"].lower().replace("-", "_") for d in importlib.metadata.distributions()}
    for entry in PLATFORM.iterdir():
        name = entry.stem if entry.is_file() else entry.name
        if name.startswith(".") or name == "__pycache__":
            continue
        assert name not in sys.stdlib_module_names, f"platform/{entry.name} shadows the standard library"
        assert name.lower() not in installed, f"platform/{entry.name} shadows an installed distribution"


def test_the_standard_platform_module_works_in_the_tests():
    import platform

    assert platform.system()
    assert Path(platform.__file__).parent != PLATFORM


def test_the_standard_platform_module_works_in_the_web_process():
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c",
                             "import platform, django; print(platform.system(), platform.__file__)"],
                            cwd=REPO, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "DJANGO_SETTINGS_MODULE": "glassbox.config.settings.test"})
    assert result.returncode == 0, result.stderr
    system, path = result.stdout.split()[-2:]
    assert system and not path.startswith(str(PLATFORM))


def test_the_standard_platform_module_works_in_a_worker():
    result = _python("import workers, django; django.setup(); "
                     "import workers.tasks, glassbox.evaluations.execution, platform; "
                     "print(platform.system(), platform.__file__)",
                     DJANGO_SETTINGS_MODULE="glassbox.config.settings.test")
    assert result.returncode == 0, result.stderr
    system, path = result.stdout.split()[-2:]
    assert system and not path.startswith(str(PLATFORM))


def test_evaluators_never_import_django_celery_or_the_web_layer():
    forbidden = {"django", "celery", "kombu", "glassbox", "workers"}
    for path in (REPO / "evaluators").rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in forbidden, f"{path.relative_to(REPO)} imports {name}"


def test_importing_evaluators_loads_neither_django_nor_torch():
    result = _python("import sys, evaluators; print(sorted(m for m in ('django', 'celery', 'torch', 'transformers')"
                     " if m in sys.modules))")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_web_process_does_not_import_torch():
    code = ("import sys, django; django.setup(); "
            "from django.core.management import call_command; call_command('migrate', verbosity=0); "
            "import glassbox.config.urls; "
            "from django.test import Client; Client().get('/'); "
            "print('torch' in sys.modules, 'transformers' in sys.modules)")
    result = _python(code, DJANGO_SETTINGS_MODULE="glassbox.config.settings.test")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["False", "False"]
