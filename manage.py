#!/usr/bin/env python
"""Django's command-line utility for Glassbox."""
import os
import sys
from pathlib import Path

# platform/ is a source root, not a package: adding it to the path makes `glassbox` importable
# without ever shadowing the standard library's `platform` module.
sys.path.insert(0, str(Path(__file__).resolve().parent / "platform"))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "glassbox.config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
