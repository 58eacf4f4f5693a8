from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from glassbox.accounts import roles
from glassbox.accounts.decorators import role_required
from glassbox.evaluations.models import Run
from glassbox.evaluations.queries import visible_runs
from glassbox.evaluations.requests import RequestError

from . import queries, services
from .forms import EntryForm, ScheduleForm, SuiteForm
from .models import Schedule, Suite


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "schedules/index.html",
                  {"schedules": queries.schedules(request.user), "suites": queries.suites(request.user)})


@role_required(roles.is_admin)
def schedule_edit(request: HttpRequest, schedule_id: int | None = None) -> HttpResponse:
    schedule = get_object_or_404(Schedule, pk=schedule_id) if schedule_id else None
    form = ScheduleForm(request.POST or None, instance=schedule)
    if request.method == "POST" and form.is_valid():
        saved = services.save_schedule(form.save(commit=False), listed_models=form.cleaned_data["listed_models"])
        messages.success(request, f"Saved schedule {saved.name}.")
        return redirect("schedules:index")
    return render(request, "schedules/form.html", {"form": form, "title": "Edit schedule" if schedule else "New schedule"})


@role_required(roles.is_admin)
@require_POST
def schedule_delete(request: HttpRequest, schedule_id: int) -> HttpResponse:
    services.delete_schedule(get_object_or_404(Schedule, pk=schedule_id))
    messages.info(request, "Deleted the schedule.")
    return redirect("schedules:index")


@role_required(roles.is_admin)
def suite_create(request: HttpRequest) -> HttpResponse:
    form = SuiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            suite = services.create_suite(**form.cleaned_data)
        except services.SuiteError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            return redirect("schedules:entry-create", slug=suite.slug)
    return render(request, "schedules/form.html", {"form": form, "title": "New suite"})


@role_required(roles.is_admin)
def entry_create(request: HttpRequest, slug: str) -> HttpResponse:
    suite = get_object_or_404(Suite, slug=slug)
    form = EntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_entry(suite, **form.cleaned_data)
        except services.SuiteError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, f"Added {form.cleaned_data['evaluator']} to {suite.name}.")
            return redirect("schedules:index")
    return render(request, "schedules/form.html", {"form": form, "title": f"Add an evaluation to {suite.name}"})


@role_required(roles.can_contribute)  # whoever may start a run may start this one again
@require_POST
def run_reproduce(request: HttpRequest, run_id: int) -> HttpResponse:
    """The run page's "Reproduce" button: the same spec queued again, never reused."""
    visible = visible_runs(request.user, Run.objects.select_related("model", "dataset_version__dataset"))
    run = get_object_or_404(visible, pk=run_id)
    try:
        copy = services.reproduce_run(run, user=request.user)
    except RequestError as error:
        messages.error(request, f"Cannot reproduce this run: {error}")
        return redirect("evaluations:run-detail", run_id=run.pk)
    return redirect("evaluations:run-detail", run_id=copy.pk)
