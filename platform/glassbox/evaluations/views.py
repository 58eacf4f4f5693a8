from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from evaluators import registry as evaluator_registry
from glassbox.accounts import roles
from glassbox.accounts.decorators import role_required

from . import comparison, queries, services
from .catalogue import catalogue, parameter_rows
from .forms import RunForm
from .models import Run
from .requests import RequestError
from .run_pages import page_sections
from .specs import spec_rows


def evaluator_list(request: HttpRequest) -> HttpResponse:
    evaluators = [{**entry, "parameter_rows": parameter_rows(entry["parameters"])} for entry in catalogue()]
    return render(request, "evaluations/evaluator_list.html", {"evaluators": evaluators})


def run_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    runs = queries.visible_runs(request.user, queries.run_list(status=status))[:200]
    return render(request, "evaluations/run_list.html",
                  {"runs": runs, "status": status, "statuses": Run.Status.values})


def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    try:
        run = queries.run_detail(run_id, queries.visible_runs(request.user))
    except Run.DoesNotExist:
        raise Http404("no such run") from None
    entry = None
    if run.evaluator in evaluator_registry.names():
        entry = evaluator_registry.get(run.evaluator)
    return render(request, "evaluations/run_detail.html", {
        "run": run, "evaluator": entry, "samples": queries.sample_page(run.pk),
        "metrics": run.metrics.all(), "spec_rows": spec_rows(run), **page_sections(run, request),
        "compare_with": (comparison.candidates(run, queries.visible_runs(request.user))
                         if run.status == Run.Status.SUCCEEDED else []),
        "can_cancel": roles.can_cancel_run(request.user, run),
        # A reused run links its source only for a reader who may see it.
        "reused_from": (queries.visible_runs(request.user).filter(pk=run.reused_from_id).first()
                        if run.reused_from_id else None),
    })


def run_compare_pick(request: HttpRequest, run_id: int) -> HttpResponse:
    """The run page's "compare with" form lands here; the comparison has its own lasting URL."""
    other = request.GET.get("with", "")
    if not (other.isascii() and other.isdigit()):  # '²'.isdigit() is True, but int('²') raises
        messages.error(request, "Choose a run to compare with.")
        return redirect("evaluations:run-detail", run_id=run_id)
    return redirect("evaluations:run-compare", run_id=run_id, other_id=int(other))


def run_compare(request: HttpRequest, run_id: int, other_id: int) -> HttpResponse:
    visible = queries.visible_runs(request.user, queries.run_list())
    runs = {run.pk: run for run in visible.prefetch_related("metrics").filter(pk__in=[run_id, other_id])}
    if run_id not in runs or other_id not in runs:
        raise Http404("no such run")
    a, b = runs[run_id], runs[other_id]
    try:
        result = comparison.compare_runs(a, b)
    except comparison.ComparisonError as error:
        return render(request, "evaluations/compare.html", {"a": a, "b": b, "problem": str(error)}, status=400)
    return render(request, "evaluations/compare.html", {"a": a, "b": b, **result})


def run_progress(request: HttpRequest, run_id: int) -> JsonResponse:
    run = get_object_or_404(queries.visible_runs(request.user, queries.run_list()), pk=run_id)
    return JsonResponse(queries.run_as_dict(run))


@role_required(roles.can_contribute)
def run_create(request: HttpRequest) -> HttpResponse:
    form = RunForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = services.start_run(evaluator=data["evaluator"], model=data["model"],
                                     dataset_version=data["dataset_version"], params=data["params"],
                                     force=data["force"], user=request.user)
        except RequestError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            return redirect("evaluations:run-detail", run_id=run.pk)
    return render(request, "evaluations/run_form.html", {"form": form})


@role_required(roles.can_contribute)
@require_POST
def run_cancel(request: HttpRequest, run_id: int) -> HttpResponse:
    run = get_object_or_404(queries.visible_runs(request.user), pk=run_id)
    if not roles.can_cancel_run(request.user, run):
        raise PermissionDenied("only the run's requester or an administrator may cancel it")
    run = services.cancel_run(run)
    messages.info(request, "Cancelled." if run.status == Run.Status.CANCELLED else "Asked the worker to stop.")
    return redirect("evaluations:run-detail", run_id=run.pk)


@cache_control(max_age=86400, public=True)
def plotly_js(request: HttpRequest) -> FileResponse:
    """Plotly's bundle from the installed package: the site never loads scripts from a CDN."""
    import plotly

    return FileResponse(open(Path(plotly.__file__).parent / "package_data" / "plotly.min.js", "rb"),
                        content_type="text/javascript")
