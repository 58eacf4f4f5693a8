"""The "Train Medusa heads" page of a model: the form queues a medusa-train run and names the heads."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from evaluators import registry as evaluator_registry
from glassbox.accounts import roles
from glassbox.accounts.decorators import role_required
from glassbox.registry import queries as registry_queries

from ..requests import RequestError
from . import services
from .forms import TrainHeadsForm


@role_required(roles.can_contribute)
def heads_create(request: HttpRequest, slug: str) -> HttpResponse:
    model = get_object_or_404(registry_queries.visible_models(request.user, registry_queries.models()), slug=slug)
    kind = evaluator_registry.get(services.TRAIN_EVALUATOR).dataset_kind
    form = TrainHeadsForm(request.POST or None, user=request.user, kind=kind,
                          initial={"slug": f"{model.slug}-medusa"[:100]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            heads = services.train_heads(model=model, dataset_version=data["dataset_version"], slug=data["slug"],
                                         name=data["name"], params=form.params(), user=request.user)
        except RequestError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, str(error))
        else:
            # The training run's page shows its progress; the model's page lists the heads.
            return redirect("evaluations:run-detail", run_id=heads.training_run_id)
    return render(request, "evaluations/heads_form.html", {"form": form, "model": model})
