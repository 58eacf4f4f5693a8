"""Per-evaluator additions to the run page.

A module here named after an evaluator (dashes become underscores) may define
`context(run, request) -> dict` (the request carries query parameters such as ?sort= and
?page=); its keys reach the template `evaluations/run_pages/<name>.html`,
which the run page includes when it exists. Evaluators without one get the generic page.
"""
from __future__ import annotations

import importlib

from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from ..models import Run


def extra_context(run: Run, request=None) -> dict:
    """Return the evaluator's own template name and context for this run's page, if it has any."""
    module_name = run.evaluator.replace("-", "_")
    template = f"evaluations/run_pages/{module_name}.html"
    try:
        get_template(template)
    except TemplateDoesNotExist:
        return {}
    try:
        module = importlib.import_module(f"{__name__}.{module_name}")
    except ModuleNotFoundError:
        return {"evaluator_template": template}
    return {"evaluator_template": template, **module.context(run, request)}
