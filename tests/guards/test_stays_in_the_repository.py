"""A clone has nothing beside it: no test or code path reads outside the repository. Checked in
the sources (no path to the team's shared folder, no path built from __file__ that climbs above
the repository) and while the tests run (tests/conftest.py records every file opened)."""
from __future__ import annotations

import ast
import os
import re
import socket
import subprocess
import sys
import uuid
from pathlib import Path

from tests.reads_outside import OutsideReads
from tests.services import unreachable_services

REPO = Path(__file__).resolve().parents[2]
FOLDERS = ("tests", "evaluators", "platform", "workers", "bench")
# Places that exist only on the team's own machines.
TEAM_PATHS = re.compile(r"\.\./shared|/work/")


def escapes(source: str, path: Path) -> list[str]:
    """Return a line for each place in source (the file at path) that names a path outside REPO."""
    found = [f"line {number}: names {match.group(0)!r}" for number, line in enumerate(source.splitlines(), 1)
             for match in TEAM_PATHS.finditer(line)]
    tree = ast.parse(source)
    names: dict[str, Path] = {}
    for node in sorted((n for n in ast.walk(tree) if isinstance(n, ast.Assign)), key=lambda n: n.lineno):
        target = from_file(node.value, path, names)
        if target is not None and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            names[node.targets[0].id] = target
    for node in ast.walk(tree):
        target = from_file(node, path, names)
        if target is not None and not (target == REPO or REPO in target.parents):
            found.append(f"line {node.lineno}: {ast.unparse(node)} is {target}, outside the repository")
        if isinstance(node, ast.BinOp) and from_file(node.left, path, names) is not None and \
                isinstance(node.right, ast.Constant) and ".." in Path(str(node.right.value)).parts:
            found.append(f"line {node.lineno}: {ast.unparse(node)} climbs with '..'")
    return found


def from_file(node: ast.AST, path: Path, names: dict[str, Path]) -> Path | None:
    """Return the path node computes from __file__ (path), or None when it is not one."""
    if isinstance(node, ast.Name):
        return path if node.id == "__file__" else names.get(node.id)
    if isinstance(node, ast.Call):
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        if name in ("Path", "abspath", "realpath") and len(node.args) == 1:
            return from_file(node.args[0], path, names)
        if name in ("resolve", "absolute") and isinstance(node.func, ast.Attribute):
            return from_file(node.func.value, path, names)
        if name == "dirname" and len(node.args) == 1:
            start = from_file(node.args[0], path, names)
            return None if start is None else start.parent
        if name == "join" and node.args:
            return joined(from_file(node.args[0], path, names), node.args[1:])
    if isinstance(node, ast.Attribute) and node.attr == "parent":
        start = from_file(node.value, path, names)
        return None if start is None else start.parent
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "parents" \
            and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, int):
        start = from_file(node.value.value, path, names)
        return None if start is None or node.slice.value >= len(start.parents) else start.parents[node.slice.value]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        return joined(from_file(node.left, path, names), [node.right])
    return None


def joined(start: Path | None, parts: list[ast.AST]) -> Path | None:
    """Return start joined with string constants, '..' applied; None when a part is not a constant."""
    if start is None or not all(isinstance(p, ast.Constant) and isinstance(p.value, str) for p in parts):
        return None
    return Path(os.path.normpath(start.joinpath(*(p.value for p in parts))))


def sources() -> list[Path]:
    files = [path for folder in FOLDERS for path in sorted((REPO / folder).rglob("*.py"))
             if ".venv" not in path.parts]
    return [path for path in files + [REPO / "manage.py"] if path != Path(__file__).resolve()]


def test_no_source_names_a_path_outside_the_repository():
    problems = {str(path.relative_to(REPO)): escapes(path.read_text(encoding="utf-8"), path) for path in sources()}
    assert {name: lines for name, lines in problems.items() if lines} == {}
    assert len(problems) > 100  # the folders were really read


def test_the_source_check_finds_each_way_out():
    def check(relative: str, source: str) -> list[str]:
        return escapes(source, REPO / relative)

    imports = "from pathlib import Path\nimport os\n"
    assert check("tests/bias/test_x.py", imports + 'A = Path(__file__).resolve().parents[3] / "beside"\n')
    assert check("tests/t/conftest.py", imports + 'A = Path(__file__).resolve().parents[2].parent / "beside"\n')
    assert check("bench/x_bench.py", imports + 'REPO = Path(__file__).resolve().parents[1]\nF = REPO.parent / "f"\n')
    assert check("tests/x/test_x.py", imports + 'A = os.path.join(os.path.dirname(__file__), "..", "..", "..")\n')
    assert check("tests/x/test_x.py", imports + 'A = Path(__file__).parent / "../../data"\n')
    # The team's paths are spelt from parts so that this file itself names none of them.
    team_file = "/" + "/".join(("work", "shared", "data", "crows_pairs", "x.csv"))
    assert check("tests/x/test_x.py", imports + f'A = Path("{team_file}")\n')
    assert check("tests/x/test_x.py", imports + f'A = "see {"/".join(("..", "shared", "fmti"))}"\n')
    # Inside the repository, or not built from __file__ at all (a test's own temporary folder).
    assert check("tests/x/test_x.py", imports + 'A = Path(__file__).resolve().parents[2] / "bench"\n') == []
    assert check("bench/x_bench.py", imports + 'A = Path(__file__).resolve().parents[1]\nB = A / "var"\n') == []
    assert check("tests/x/test_x.py", imports + 'def f(tmp):\n    return tmp / ".." / "tiny"\n') == []


def test_an_open_outside_the_given_folders_is_recorded(tmp_path, monkeypatch):
    inside, outside = tmp_path / "repo", tmp_path / "elsewhere"
    recorder = OutsideReads([str(inside)])
    recorder.hook("open", (str(inside / "tests" / "data" / "a.csv"), "r", 0))
    recorder.hook("open", (os.fsencode(inside / "b.bin"), None, os.O_RDONLY))
    recorder.hook("open", (7, "r", 0))  # an already open descriptor
    recorder.hook("os.listdir", (str(outside),))
    assert recorder.paths == set()
    recorder.hook("open", (str(outside / "data.csv"), "r", 0))
    (inside / "sub").mkdir(parents=True)
    monkeypatch.chdir(inside / "sub")
    recorder.hook("open", ("../../elsewhere/rel.txt", "w", 0))  # relative to the working folder
    recorder.hook("open", ("../c.txt", "r", 0))
    assert recorder.paths == {str(outside / "data.csv"), str(outside / "rel.txt")}


def test_libraries_settings_in_the_home_folder_are_not_the_projects_data(tmp_path):
    home = tmp_path / "home"
    recorder = OutsideReads([str(tmp_path / "repo")], home=str(home))
    recorder.hook("open", (str(home / ".cache" / "huggingface" / "token"), "r", 0))
    recorder.hook("open", (str(home / ".netrc"), "r", 0))
    assert recorder.paths == set()
    recorder.hook("open", (str(home / "team-folder" / "fmti" / "scores.csv"), "r", 0))
    recorder.hook("open", (str(tmp_path / ".hidden-beside-home"), "r", 0))
    assert recorder.paths == {str(home / "team-folder" / "fmti" / "scores.csv"), str(tmp_path / ".hidden-beside-home")}


def test_a_file_counts_where_links_lead(tmp_path):
    inside, outside = tmp_path / "repo", tmp_path / "elsewhere"
    inside.mkdir()
    outside.mkdir()
    (inside / "team-folder").symlink_to(outside)
    (outside / "back").symlink_to(inside)
    recorder = OutsideReads([str(inside)])
    recorder.hook("open", (str(outside / "back" / "x.csv"), "r", 0))  # really inside
    assert recorder.paths == set()
    recorder.hook("open", (str(inside / "team-folder" / "x.csv"), "r", 0))  # really beside the repository
    assert recorder.paths == {str(outside / "x.csv")}


def test_a_run_that_opens_a_file_outside_the_repository_fails_and_names_it(tmp_path):
    missing = f"/glassbox-{uuid.uuid4().hex}/data.csv"  # the open is recorded before it fails
    test_file = tmp_path / "test_reads_outside.py"
    test_file.write_text("import pytest\n\n\ndef test_reads():\n"
                         f"    with pytest.raises(FileNotFoundError):\n        open({missing!r})\n")
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider", "-q",
                           "--rootdir", str(REPO), "-c", str(REPO / "pytest.ini"), str(test_file)],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 passed" in done.stdout
    assert "files opened outside the repository" in done.stdout and missing in done.stdout.splitlines()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_service_check_names_what_is_down_and_how_to_go_on():
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        up = listening.getsockname()[1]
        down = closed_port()
        message = unreachable_services(f"postgresql://postgres@127.0.0.1:{down}/postgres", f"redis://127.0.0.1:{up}/11")
        assert message.splitlines()[1] == (
            f"- PostgreSQL is not reachable at 127.0.0.1:{down} (postgresql://postgres@127.0.0.1:{down}/postgres): "
            "start it (e.g. `pg_ctlcluster <version> main start`) or point GLASSBOX_TEST_POSTGRES at one")
        assert "Redis is not reachable" not in message
        assert "`make test-fast`" in message
        both = unreachable_services(f"postgresql://127.0.0.1:{down}/postgres", f"redis://127.0.0.1:{down}/11")
        assert f"- Redis is not reachable at 127.0.0.1:{down}" in both and "PostgreSQL is not reachable" in both
        assert unreachable_services(f"postgresql://127.0.0.1:{up}/postgres", f"redis://127.0.0.1:{up}/11") is None


def run_pytest(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
                          cwd=REPO, env={**os.environ, **env}, capture_output=True, text=True, timeout=300)


def test_integration_tests_on_postgres_stop_the_run_at_once_when_it_is_down():
    down = closed_port()
    env = {"GLASSBOX_TEST_POSTGRES": f"postgresql://postgres@127.0.0.1:{down}/postgres"}
    target = "tests/integration/test_speed_on_a_worker.py"
    stopped = run_pytest(target, env=env)
    assert stopped.returncode == 4, stopped.stdout + stopped.stderr
    output = stopped.stdout + stopped.stderr
    assert f"PostgreSQL is not reachable at 127.0.0.1:{down}" in output and "make test-fast" in output
    assert "passed" not in output and "failed" not in output
    # Without the integration tests (`make test-fast`) nothing is checked.
    fast = run_pytest("-m", "not integration", target, env=env)
    assert fast.returncode == 5 and "not reachable" not in fast.stdout + fast.stderr  # 5: every test deselected
