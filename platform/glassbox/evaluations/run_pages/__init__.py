"""The sections of a run page, as its evaluator declares them (evaluators/core/pages.py).

Sample tables, histograms, scatter plots and summary counts are drawn the same way for every evaluator (`tables.py`); a panel
is a section the platform draws with code of its own, found by the name the evaluator gives it
in PANELS. An evaluator that declares nothing gets its first records as they are.
"""
from __future__ import annotations

from evaluators import registry as evaluator_registry
from evaluators.core.pages import Histogram, Panel, SampleTable, Scatter, SummaryCounts

from ..models import Run
from . import bias, codegen, medusa, speed, truthfulqa
from .tables import histogram, run_records, sample_table, scatter, summary_counts

# Panel name -> (template, context builder). A builder's keys reach the page's context.
PANELS = {
    "codegen-samples": ("evaluations/run_pages/codegen.html", codegen.context),
    "bias-pairs": ("evaluations/run_pages/bias.html", bias.context),
    "speed-variants": ("evaluations/run_pages/speed.html", speed.context),
    "truthfulqa-categories": ("evaluations/run_pages/truthfulqa.html", truthfulqa.context),
    "medusa-heads": ("evaluations/run_pages/medusa.html", medusa.context),
}


def page_sections(run: Run, request=None) -> dict:
    """Return {"sections": [{"template", "data"}...], **panel contexts} for the run's page."""
    if run.evaluator not in evaluator_registry.names():
        return {"sections": []}
    declared = evaluator_registry.get(run.evaluator).page
    context: dict = {"sections": []}
    params = request.GET if request is not None else {}
    tables = 0
    # Tables and histograms read the same records: fetched once, and only when a section needs them.
    records = run_records(run) if any(isinstance(s, (SampleTable, Histogram, Scatter)) for s in declared) else []
    for section in declared:
        if isinstance(section, Panel):
            template, build = PANELS[section.name]
            context.update(build(run, request))
            context["sections"].append({"template": template, "data": None})
        elif isinstance(section, SampleTable):
            # The first table reads ?sort= and ?page=; later ones their own prefixed names.
            prefix = f"t{tables}-" if tables else ""
            tables += 1
            context["sections"].append({"template": "evaluations/sections/sample_table.html",
                                        "data": sample_table(records, section, params, prefix)})
        elif isinstance(section, SummaryCounts):
            context["sections"].append({"template": "evaluations/sections/summary_counts.html",
                                        "data": summary_counts(run, section)})
        elif isinstance(section, Histogram):
            context["sections"].append({"template": "evaluations/sections/histogram.html",
                                        "data": histogram(records, section, len(context["sections"]))})
        elif isinstance(section, Scatter):
            context["sections"].append({"template": "evaluations/sections/scatter.html",
                                        "data": scatter(records, section, len(context["sections"]))})
    return context
