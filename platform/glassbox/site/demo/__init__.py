"""Demo set-up per evaluator, run by the demo job that `manage.py seed_demo` queues.

Each evaluator's module here defines `seed(models: dict[str, Model], stdout) -> None`, which
registers the evaluator's demo dataset and queues its demo runs (`models` maps "base" and "draft"
to the registered demo models). The demo job (training.py) calls every module that has one, in
name order, once the demo models are trained and registered.
"""
from __future__ import annotations

import importlib
import pkgutil


def seeders() -> list:
    modules = [importlib.import_module(f"{__name__}.{info.name}")
               for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)]
    return [module.seed for module in modules if hasattr(module, "seed")]
