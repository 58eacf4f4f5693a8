"""Admin pages. Adding a model or a dataset version runs the same checks as the site, through
services.py, and shows a refusal in the form. Only superusers decide about running a model's
own code or loading pickle weights."""
from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from . import services
from .bounds import MAX_DESCRIPTION_LENGTH
from .forms import TAGS_HELP, show_error, split_tags
from .models import Dataset, DatasetVersion, Model

TRUST_FIELDS = ("trust_remote_code", "allow_pickle_weights")
INSPECTED_FIELDS = ("source_kind", "source", "revision", "architecture", "parameter_count", "context_length",
                    "vocab_size", "dtype", "weights_sha256", "created_at")


class _ServiceAddForm(forms.ModelForm):
    """An add form whose clean() hands the input to a service, which validates and saves.

    Meta.fields is empty so Django neither copies the input onto the instance nor validates a
    blank instance after a refusal: the service did both.
    """

    class Meta:
        fields: tuple[str, ...] = ()

    def _post_clean(self) -> None:
        pass


class ModelAddForm(_ServiceAddForm):
    name = forms.CharField(max_length=200)
    slug = forms.SlugField(max_length=100, required=False, help_text="Made from the name when empty.")
    source = forms.CharField(max_length=500, help_text=Model._meta.get_field("source").help_text)
    revision = forms.CharField(max_length=64, required=False, help_text="Hub models: the 40-character commit hash.")
    description = forms.CharField(widget=forms.Textarea, required=False, max_length=MAX_DESCRIPTION_LENGTH)
    license = forms.CharField(max_length=100, required=False)
    tags = forms.CharField(required=False, help_text=TAGS_HELP)
    is_private = forms.BooleanField(required=False, help_text=Model._meta.get_field("is_private").help_text)

    class Meta(_ServiceAddForm.Meta):
        model = Model

    def clean_tags(self) -> list[str]:
        return split_tags(self.cleaned_data["tags"])

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        try:
            self.instance = services.register_model(
                name=data["name"], source=data["source"], revision=data["revision"], slug=data["slug"] or None,
                description=data["description"], license=data["license"],
                tags=data["tags"],
                trust_remote_code=data.get("trust_remote_code", False),
                allow_pickle_weights=data.get("allow_pickle_weights", False), is_private=data["is_private"])
        except services.RegistrationError as error:
            show_error(self, error)
        return data


class SuperuserModelAddForm(ModelAddForm):
    trust_remote_code = forms.BooleanField(required=False, help_text=Model._meta.get_field(
        "trust_remote_code").help_text)
    allow_pickle_weights = forms.BooleanField(required=False, help_text=Model._meta.get_field(
        "allow_pickle_weights").help_text)


@admin.register(Model)
class ModelAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "source_kind", "source", "architecture", "parameter_count", "trust_remote_code",
                    "is_private", "owner")
    list_filter = ("source_kind", "trust_remote_code", "allow_pickle_weights", "is_private")
    search_fields = ("name", "slug", "source")

    def get_form(self, request: HttpRequest, obj: Model | None = None, change: bool = False, **kwargs):
        if obj is None:
            return SuperuserModelAddForm if request.user.is_superuser else ModelAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> tuple[str, ...]:
        if obj is None:
            return ()
        return ("slug", *INSPECTED_FIELDS) + (() if request.user.is_superuser else TRUST_FIELDS)

    def save_model(self, request: HttpRequest, obj: Model, form: forms.ModelForm, change: bool) -> None:
        if change:
            services.update_model(obj, form.changed_data)
        else:  # the form's clean() already registered the model; the administrator who added it owns it
            obj.owner = request.user
            services.update_model(obj, ["owner"])


class DatasetVersionInline(admin.TabularInline):
    model = DatasetVersion
    fields = ("number", "original_name", "row_count", "size_bytes", "sha256", "note", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Dataset | None = None) -> bool:
        return False


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "is_private", "owner", "created_at")
    list_filter = ("kind", "is_private")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (DatasetVersionInline,)

    def get_readonly_fields(self, request: HttpRequest, obj: Dataset | None = None) -> tuple[str, ...]:
        # Versions were checked against the kind, so it (and the slug, used in links) stays.
        return ("slug", "kind", "created_at") if obj is not None else ()

    def get_prepopulated_fields(self, request: HttpRequest, obj: Dataset | None = None) -> dict:
        return {} if obj is not None else self.prepopulated_fields

    def save_model(self, request: HttpRequest, obj: Dataset, form: forms.ModelForm, change: bool) -> None:
        if change:
            services.update_dataset(obj, form.changed_data)
            return
        created = services.create_dataset(name=obj.name, kind=obj.kind, description=obj.description,
                                          slug=obj.slug, owner=obj.owner or request.user, is_private=obj.is_private)
        obj.pk, obj.created_at = created.pk, created.created_at


class DatasetVersionAddForm(_ServiceAddForm):
    dataset = forms.ModelChoiceField(queryset=Dataset.objects.order_by("name"))
    upload = forms.FileField(help_text="JSONL, JSON, CSV or TXT, depending on the dataset's kind.")
    note = forms.CharField(widget=forms.Textarea, required=False)

    class Meta(_ServiceAddForm.Meta):
        model = DatasetVersion

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        try:
            version, created = services.add_dataset_version(
                dataset=data["dataset"], uploaded_file_or_path=data["upload"],
                original_name=data["upload"].name, note=data["note"])
        except services.RegistrationError as error:
            self.add_error("upload", error.message)
            return data
        if not created:
            self.add_error("upload", f"this file is identical to version {version.number}; nothing was added")
        self.instance = version
        return data


@admin.register(DatasetVersion)
class DatasetVersionAdmin(admin.ModelAdmin):
    """Versions are immutable: they can be added (through the checks) and viewed, never edited."""

    list_display = ("dataset", "number", "original_name", "file_format", "row_count", "size_bytes", "created_at")
    list_filter = ("dataset__kind",)
    list_select_related = ("dataset",)
    search_fields = ("dataset__name", "original_name", "sha256")

    def get_form(self, request: HttpRequest, obj: DatasetVersion | None = None, change: bool = False, **kwargs):
        if obj is None:
            return DatasetVersionAddForm
        return super().get_form(request, obj, change, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: DatasetVersion | None = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: DatasetVersion | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: DatasetVersion, form: forms.ModelForm, change: bool) -> None:
        pass  # the form's clean() stored the version through the service
