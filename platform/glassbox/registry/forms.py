"""Forms for the registry's pages. They only collect input; services.py checks and writes it."""
from __future__ import annotations

from django import forms

from evaluators.core.datasets import kind_choices

from .bounds import MAX_DESCRIPTION_LENGTH, MAX_TAG_LENGTH, MAX_TAGS, clean_tags
from .services import RegistrationError

TAGS_HELP = f"Comma-separated: at most {MAX_TAGS} tags of at most {MAX_TAG_LENGTH} characters."


def split_tags(text: str) -> list[str]:
    """Return the comma-separated tags of a form field, bounded as everywhere (RegistrationError names "tags")."""
    return clean_tags(text.split(","))


class ModelRegisterForm(forms.Form):
    # trust_remote_code and allow_pickle_weights are deliberately absent: only a superuser may
    # set them, in the admin.
    name = forms.CharField(max_length=200)
    source = forms.CharField(max_length=500, help_text="Hub id (owner/name) or an absolute path to a local "
                                                       "directory under the configured model folders; served "
                                                       "elsewhere: where it is served.")
    revision = forms.CharField(max_length=64, required=False,
                               help_text="Hub models: the 40-character commit hash. Local models: leave "
                                         "empty. Served elsewhere: the provider's version, if any.")
    served_elsewhere = forms.BooleanField(
        required=False, label="Served elsewhere",
        help_text="The model runs behind another service: the source says where, the revision the "
                  "provider's version, and only its uploaded outputs are evaluated (pass@k of a "
                  "code_completions upload).")
    slug = forms.SlugField(max_length=100, required=False, help_text="Made from the name when empty.")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                  max_length=MAX_DESCRIPTION_LENGTH)
    license = forms.CharField(max_length=100, required=False)
    tags = forms.CharField(required=False, help_text=TAGS_HELP)
    is_private = forms.BooleanField(required=False, label="Private",
                                    help_text="Only you and the administrators will see it and its results.")

    def clean_tags(self) -> list[str]:
        return split_tags(self.cleaned_data["tags"])


class DatasetUploadForm(forms.Form):
    file = forms.FileField(help_text="JSONL, JSON, CSV or TXT, depending on the dataset's kind.")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False,
                           help_text="What changed in this version.")


class DatasetCreateForm(DatasetUploadForm):
    name = forms.CharField(max_length=200)
    slug = forms.SlugField(max_length=100, required=False, help_text="Made from the name when empty.")
    kind = forms.ChoiceField(choices=kind_choices)  # a callable: read when the form is built
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                  max_length=MAX_DESCRIPTION_LENGTH)
    is_private = forms.BooleanField(required=False, label="Private",
                                    help_text="Only you and the administrators will see it and its results.")
    field_order = ["name", "slug", "kind", "description", "is_private", "file", "note"]


def show_error(form: forms.Form, error: RegistrationError) -> None:
    """Attach a service's refusal to the field it names, or to the form as a whole."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
