"""Pages for models and datasets. Anyone reads public ones; contributors register and upload (see accounts.roles)."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from evaluators.core.datasets import SCHEMAS, DatasetError

from glassbox.accounts import roles
from glassbox.accounts.decorators import role_required

from . import queries, services
from .forms import DatasetCreateForm, DatasetUploadForm, ModelRegisterForm, show_error

PREVIEW_ROWS = 20


def model_list(request: HttpRequest) -> HttpResponse:
    return render(request, "registry/model_list.html",
                  {"models": queries.visible_models(request.user, queries.models())})


@role_required(roles.can_contribute)
def model_register(request: HttpRequest) -> HttpResponse:
    form = ModelRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            model = services.register_model(**form.cleaned_data, owner=request.user)
        except services.RegistrationError as error:
            show_error(form, error)
        else:
            messages.success(request, f"Registered {model.name}.")
            return redirect("registry:model-detail", slug=model.slug)
    return render(request, "registry/model_register.html", {"form": form})


def dataset_list(request: HttpRequest) -> HttpResponse:
    return render(request, "registry/dataset_list.html",
                  {"datasets": queries.visible_datasets(request.user, queries.datasets())})


def dataset_detail(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = get_object_or_404(queries.visible_datasets(request.user, queries.datasets()), slug=slug)
    versions = list(queries.versions_of(dataset))
    wanted = request.GET.get("version", "")
    # The preview shows the asked version, else the newest one.
    selected = next((v for v in versions if str(v.number) == wanted), versions[0] if versions else None)
    return render(request, "registry/dataset_detail.html", {
        "dataset": dataset, "versions": versions, "schema": SCHEMAS[dataset.kind], "selected": selected,
        "can_upload": roles.can_add_version(request.user, dataset),
        **(_preview(selected) if selected else {})})


@role_required(roles.can_contribute)
def dataset_create(request: HttpRequest) -> HttpResponse:
    form = DatasetCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = services.create_dataset_with_version(
                name=data["name"], kind=data["kind"], description=data["description"], slug=data["slug"] or None,
                uploaded_file_or_path=data["file"], original_name=data["file"].name, note=data["note"],
                is_private=data["is_private"], owner=request.user)
        except services.RegistrationError as error:
            show_error(form, error)
        else:
            messages.success(request, f"Created {version.dataset.name} with {version.row_count} rows.")
            return redirect("registry:dataset-version-detail", slug=version.dataset.slug, number=version.number)
    return render(request, "registry/dataset_form.html", {"form": form, "schemas": SCHEMAS.values()})


@role_required(roles.can_contribute)
def dataset_upload(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = get_object_or_404(queries.visible_datasets(request.user, queries.datasets()), slug=slug)
    if not roles.can_add_version(request.user, dataset):
        raise PermissionDenied("only the dataset's owner or an administrator may add versions")
    form = DatasetUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            version, created = services.add_dataset_version(
                dataset=dataset, uploaded_file_or_path=upload, original_name=upload.name,
                note=form.cleaned_data["note"])
        except services.RegistrationError as error:
            show_error(form, error)
        else:
            if created:
                messages.success(request, f"Added version {version.number} ({version.row_count} rows).")
            else:
                messages.info(request, f"This file is identical to version {version.number}; nothing was added.")
            return redirect("registry:dataset-version-detail", slug=dataset.slug, number=version.number)
    return render(request, "registry/dataset_form.html",
                  {"form": form, "dataset": dataset, "schemas": [SCHEMAS[dataset.kind]]})


def dataset_version_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = get_object_or_404(queries.visible_dataset_versions(request.user, queries.dataset_versions()),
                                dataset__slug=slug, number=number)
    return render(request, "registry/dataset_version_detail.html", {
        "version": version, "dataset": version.dataset, "schema": SCHEMAS[version.dataset.kind],
        **_preview(version)})


def _preview(version) -> dict:
    """Return the first PREVIEW_ROWS rows of a version as table cells, or the reason they cannot be read."""
    schema = SCHEMAS[version.dataset.kind]
    try:
        rows, problem = queries.dataset_rows(version, limit=PREVIEW_ROWS), ""
    except (DatasetError, OSError) as error:
        # Stored files were checked on upload; this only shows if storage lost or changed one.
        rows, problem = [], str(error)
    columns = [field.name for field in schema.fields]
    return {"columns": columns, "rows": [[_cell(row.get(column)) for column in columns] for row in rows],
            "problem": problem, "preview_rows": PREVIEW_ROWS}


def _cell(value: object) -> str:
    # Several reference solutions are shown one after another, separated by a rule line.
    if isinstance(value, list):
        return "\n――――\n".join(str(item) for item in value)
    return "" if value is None else str(value)
