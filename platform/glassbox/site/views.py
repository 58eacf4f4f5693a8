"""Pages that read several apps at once: the home page (with the demo job's progress) and a model's page."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from glassbox.accounts import roles
from glassbox.evaluations.catalogue import catalogue
from glassbox.evaluations.heads.queries import heads_of
from glassbox.evaluations.queries import visible_runs
from glassbox.evaluations.sweeps.queries import visible_sweeps
from glassbox.site.demo import progress as demo_progress
from glassbox.registry import queries as registry_queries
from glassbox.transparency.model_card import model_card
from glassbox.transparency.queries import visible_audits

from . import dashboard, model_page


def home(request: HttpRequest) -> HttpResponse:
    demo = demo_progress.read()
    return render(request, "evaluations/home.html", {
        "running": dashboard.running_runs(request.user), "runs": dashboard.recent_runs(request.user),
        "leaderboards": dashboard.recent_leaderboards(request.user), "audits": dashboard.recent_audits(request.user),
        "demo": demo if demo is not None and demo.state != "done" else None,
        "evaluators": catalogue()})


def demo_job_progress(request: HttpRequest) -> JsonResponse:
    """The demo job's state for the home page to poll; {"state": null} when there is none."""
    demo = demo_progress.read()
    return JsonResponse(demo.as_dict() if demo is not None else {"state": None})


def model_detail(request: HttpRequest, slug: str) -> HttpResponse:
    model = get_object_or_404(registry_queries.visible_models(request.user, registry_queries.models()), slug=slug)
    # Runs on datasets the visitor may not see stay out of the results, the chart and the card.
    runs = visible_runs(request.user)
    groups = model_page.result_groups(model, runs)
    return render(request, "registry/model_detail.html", {
        "model": model, "groups": groups, "history": model_page.history_series(groups),
        "card": model_card(model, runs, full_paths=roles.is_admin(request.user)),
        "audits": model_page.audits_of(model, visible_audits(request.user)),
        "sweeps": visible_sweeps(request.user).filter(model=model).select_related("dataset_version__dataset")[:20],
        "medusa_heads": heads_of(model)})
