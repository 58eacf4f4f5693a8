"""Builds evaluators.codemetrics._native, CodeBLEU's compiled fast path.

    .venv/bin/python evaluators/codemetrics/native/build.py [--force] [--strict]

The extension carries its own copy of tree-sitter's core C library, taken from the sdist of the
installed tree-sitter version (downloaded once into var/build/), so it parses exactly as the
tree-sitter package does and reads the same grammar wheels. Nothing depends on the build
succeeding: without a compiler, the Python headers or the network it says so in one line and
CodeBLEU runs its pure-Python path. --strict makes that an error (CI); --force rebuilds an
extension that is up to date.
"""
from __future__ import annotations

import argparse
import importlib.metadata
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
BUILD = REPO / "var" / "build"
SOURCE_DIR = REPO / "evaluators" / "codemetrics" / "native"  # every .c here, the .h they include
TARGET = REPO / "evaluators" / "codemetrics" / f"_native{sysconfig.get_config_var('EXT_SUFFIX')}"
STAMP = BUILD / "native.stamp"

# The flags the tree-sitter package builds its own copy of the core with: NDEBUG (from CPython's
# CFLAGS) drops the core's internal asserts, TREE_SITTER_HIDE_SYMBOLS keeps its ts_* functions
# private to this extension instead of exporting them next to the package's copy.
CFLAGS = ["-O2", "-std=c11", "-fvisibility=hidden", "-Werror=implicit-function-declaration",
          "-D_POSIX_C_SOURCE=200112L", "-D_DEFAULT_SOURCE", "-DPY_SSIZE_T_CLEAN", "-DNDEBUG",
          "-DTREE_SITTER_HIDE_SYMBOLS"]

# Imports a freshly built extension from its not-yet-final file name.
LOAD_CHECK = """
import importlib.machinery, importlib.util, sys
loader = importlib.machinery.ExtensionFileLoader("_native", sys.argv[1])
spec = importlib.util.spec_from_loader("_native", loader)
loader.exec_module(importlib.util.module_from_spec(spec))
"""


class BuildError(Exception):
    """A reason the extension was not built, worded for the one line the user sees; `details`
    (the compiler's whole output) is shown under --strict, where someone has to fix it."""

    def __init__(self, reason: str, details: str = "") -> None:
        super().__init__(reason)
        self.details = details


def tree_sitter_version() -> str:
    """Return the installed tree-sitter package's version: the core the extension must match."""
    try:
        return importlib.metadata.version("tree-sitter")
    except importlib.metadata.PackageNotFoundError:
        raise BuildError("the tree-sitter package is not installed") from None


def is_up_to_date(stamp: str) -> bool:
    """Return whether the extension was built from the current sources for this tree-sitter."""
    if not TARGET.exists() or not STAMP.exists() or STAMP.read_text() != stamp:
        return False
    built = TARGET.stat().st_mtime
    inputs = [*SOURCE_DIR.glob("*.[ch]"), Path(__file__)]
    return all(built >= path.stat().st_mtime for path in inputs)


def compiler_command() -> list[str]:
    """Return the command that compiles and links an extension for this interpreter."""
    # LDSHARED is how this interpreter links its own extensions ("gcc -shared" on Linux, a bundle
    # with dynamic lookup on macOS); CCSHARED adds -fPIC.
    linker = sysconfig.get_config_var("LDSHARED")
    if not linker:
        raise BuildError("this Python does not say how to link a C extension (no LDSHARED)")
    command = shlex.split(linker) + shlex.split(sysconfig.get_config_var("CCSHARED") or "")
    if shutil.which(command[0]) is None:
        raise BuildError(f"no C compiler ({command[0]}) on PATH")
    if not (Path(sysconfig.get_paths()["include"]) / "Python.h").exists():
        raise BuildError(f"the Python headers are missing (no Python.h in "
                         f"{sysconfig.get_paths()['include']})")
    return command


def core_library(version: str) -> Path:
    """Return tree-sitter's core/lib folder for `version`, downloading its sdist the first time."""
    root = BUILD / f"tree_sitter-{version}"
    core = root / "tree_sitter" / "core" / "lib"
    if (core / "src" / "lib.c").exists():
        return core
    archive = next(BUILD.glob(f"tree[-_]sitter-{version}.tar.gz"), None)
    if archive is None:
        result = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
             "--retries", "2", "--no-deps", "--no-binary", ":all:", f"tree-sitter=={version}",
             "-d", str(BUILD)], capture_output=True, text=True)
        archive = next(BUILD.glob(f"tree[-_]sitter-{version}.tar.gz"), None)
        if result.returncode != 0 or archive is None:
            reason = (result.stderr.strip().splitlines() or ["no sdist"])[-1]
            raise BuildError(f"could not download the tree-sitter {version} sdist from PyPI "
                             f"({reason})")
    # Unpack the core only, next to its final place, and move it in whole: an interrupted run
    # leaves no half-extracted tree that a later run would take for a complete one.
    with tempfile.TemporaryDirectory(dir=BUILD) as scratch, tarfile.open(archive) as sdist:
        members = [m for m in sdist.getmembers() if "/tree_sitter/core/lib/" in m.name]
        sdist.extractall(scratch, members=members, filter="data")
        unpacked = Path(scratch) / root.name
        if not (unpacked / "tree_sitter" / "core" / "lib" / "src" / "lib.c").exists():
            raise BuildError(f"{archive.name} has no tree_sitter/core/lib/src/lib.c")
        shutil.rmtree(root, ignore_errors=True)
        unpacked.rename(root)
    return core


def compile_extension(command: list[str], core: Path) -> None:
    """Compile the core and the CodeBLEU sources into TARGET."""
    partial = TARGET.with_name(TARGET.name + ".partial")
    result = subprocess.run(
        [*command, *CFLAGS, f"-I{core / 'include'}", f"-I{core / 'src'}",
         f"-I{sysconfig.get_paths()['include']}", str(core / "src" / "lib.c"),
         *map(str, sorted(SOURCE_DIR.glob("*.c"))), "-o", str(partial)],
        capture_output=True, text=True)
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        errors = [line for line in result.stderr.splitlines() if "error" in line]
        raise BuildError(f"the compiler failed: {(errors or ['no error message'])[0].strip()}",
                         details=result.stderr)
    # Linking a shared object leaves undefined symbols for load time, so load it once: a missing
    # function fails here, not in the middle of scoring.
    loaded = subprocess.run([sys.executable, "-c", LOAD_CHECK, str(partial)],
                            capture_output=True, text=True)
    if loaded.returncode != 0:
        partial.unlink(missing_ok=True)
        reason = (loaded.stderr.strip().splitlines() or ["no error message"])[-1]
        raise BuildError(f"the built module does not load: {reason}", details=loaded.stderr)
    # Replace, never overwrite in place: a running process may have the old file mapped.
    os.replace(partial, TARGET)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build CodeBLEU's compiled fast path.")
    parser.add_argument("--force", action="store_true", help="rebuild even when up to date")
    parser.add_argument("--strict", action="store_true",
                        help="exit non-zero when the extension cannot be built")
    args = parser.parse_args(argv)
    name = TARGET.relative_to(REPO)
    try:
        version = tree_sitter_version()
        stamp = f"tree-sitter {version}\n{sysconfig.get_config_var('EXT_SUFFIX')}\n"
        if not args.force and is_up_to_date(stamp):
            print(f"{name} is up to date (tree-sitter {version})")
            return 0
        command = compiler_command()
        BUILD.mkdir(parents=True, exist_ok=True)
        compile_extension(command, core_library(version))
        STAMP.write_text(stamp)
    except (BuildError, OSError, tarfile.TarError) as error:
        if args.strict and getattr(error, "details", ""):
            print(error.details.rstrip(), file=sys.stderr)
        # An older build left in place would no longer match the sources: drop it, so that what
        # the line says is what happens.
        TARGET.unlink(missing_ok=True)
        STAMP.unlink(missing_ok=True)
        print(f"{name} not built: {error}; CodeBLEU will use the pure-Python path",
              file=sys.stderr)
        return 1 if args.strict else 0
    print(f"built {name} (tree-sitter {version} core)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
