"""Files a test run opens outside the repository: a clone has nothing beside it, so a test that
needs such a file passes here and fails for everyone else. tests/conftest.py records every open
of the run through an audit hook and fails the session when one lands outside."""
from __future__ import annotations

import os
import site
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Where a run may read: the repository, the Python that runs it and its packages, the temporary
# folder, and the operating system's own files.
SYSTEM = ("/proc", "/sys", "/dev", "/etc", "/usr")


def default_roots() -> list[str]:
    """Return the folders a test run may open files under."""
    return [str(REPO), sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
            tempfile.gettempdir(), *site.getsitepackages(), site.getusersitepackages(), *SYSTEM]


class OutsideReads:
    """An audit hook that remembers every file opened outside the given folders."""

    def __init__(self, roots: list[str], home: str | None = None) -> None:
        prefixes = {os.path.join(os.path.realpath(root), "") for root in roots}
        if home:
            # Hidden entries of the home folder hold libraries' own settings and caches (~/.cache,
            # ~/.config, ~/.netrc), looked up on every machine, present or not: not the project's data.
            prefixes.add(os.path.join(os.path.realpath(home), "."))
        self.prefixes = tuple(sorted(prefixes))
        self.paths: set[str] = set()

    def hook(self, event: str, args: tuple) -> None:
        # Called for every audit event of the process: return at once unless a file is opened.
        if event != "open" or isinstance(args[0], int):  # an int is an already open descriptor
            return
        try:
            # Where the file really is: a link in the repository to a file beside it is outside.
            path = os.path.realpath(os.fsdecode(args[0]))
            if not os.path.join(path, "").startswith(self.prefixes):
                self.paths.add(path)
        except Exception:  # an exception here would break the caller's open()
            return
