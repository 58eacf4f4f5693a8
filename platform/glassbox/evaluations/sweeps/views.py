"""The sweep pages: the request form (from a model's page) and a sweep's comparison."""
from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from glassbox.accounts import roles
from glassbox.accounts.decorators import role_required

from ..models import PrecisionSweep
from ..requests import RequestError
from . import queries, services
from .forms import SweepForm

# The page reloads itself this often while any of its runs is unfinished.
REFRESH_SECONDS = 10


@role_required(roles.can_contribute)
def sweep_create(request: HttpRequest) -> HttpResponse:
    # A model's page links here with ?model=<slug>, so the form opens on that model.
    initial = {"model": request.GET.get("model")} if request.GET.get("model") else None
    form = SweepForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sweep = services.start_sweep(evaluator=data["evaluator"], model=data["model"],
                                         dataset_version=data["dataset_version"], precisions=data["precisions"],
                                         params=data["params"], speed_dataset_version=data["speed_dataset_version"],
                                         user=request.user)
        except RequestError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            return redirect("evaluations:sweep-detail", sweep_id=sweep.pk)
    return render(request, "evaluations/sweep_form.html", {"form": form})


def sweep_detail(request: HttpRequest, sweep_id: int) -> HttpResponse:
    try:
        sweep = queries.sweep_detail(sweep_id, queries.visible_sweeps(request.user))
    except PrecisionSweep.DoesNotExist:
        raise Http404("no such sweep") from None
    report = queries.sweep_report(sweep)
    return render(request, "evaluations/sweep_detail.html", {
        "sweep": sweep, "report": report, "quality": queries.quality_table(report),
        "chart": queries.sweep_chart(report),
        "refresh": REFRESH_SECONDS if report["progress"]["running"] else None})
