"""Demo set-up per evaluator, used by `manage.py seed_demo`.

Each module here defines `seed(models: dict[str, Model], stdout) -> None`, which registers the
evaluator's demo dataset and queues its demo runs (`models` maps "base" and "draft" to the
registered demo models). seed_demo calls every module, in name order.
"""
from __future__ import annotations

import importlib
import pkgutil


def seeders() -> list:
    modules = [importlib.import_module(f"{__name__}.{info.name}")
               for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)]
    return [module.seed for module in modules if hasattr(module, "seed")]
