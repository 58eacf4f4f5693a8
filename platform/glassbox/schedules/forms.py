from __future__ import annotations

import json

from django import forms

from evaluators import registry as evaluator_registry
from glassbox.registry.models import DatasetVersion
from glassbox.registry.services import SLUG_NOT_AVAILABLE

from .models import Schedule, Suite


class SuiteForm(forms.ModelForm):
    class Meta:
        model = Suite
        fields = ["name", "slug", "description", "run_on_register"]
        error_messages = {"slug": {"unique": SLUG_NOT_AVAILABLE}}  # the words of every slug clash


class EntryForm(forms.Form):
    evaluator = forms.ChoiceField(choices=())
    dataset_version = forms.ModelChoiceField(queryset=DatasetVersion.objects.select_related("dataset"))
    params = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, initial="{}",
                             help_text='Parameters as a JSON object, e.g. {"batch_size": 8}.')

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].choices = [(name, name) for name in evaluator_registry.names()]

    def clean_params(self) -> dict:
        return parse_params(self.cleaned_data.get("params"))


def parse_params(text) -> dict:
    if isinstance(text, dict):
        return text
    if text is not None and not isinstance(text, str):
        raise forms.ValidationError("must be a JSON object")
    text = (text or "").strip() or "{}"
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise forms.ValidationError(f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}")
    if not isinstance(value, dict):
        raise forms.ValidationError("must be a JSON object")
    return value


class ScheduleForm(forms.ModelForm):
    class Meta:
        model = Schedule
        fields = ["name", "suite", "tag", "listed_models", "cron", "enabled", "rerun"]

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("tag") and not data.get("listed_models"):
            raise forms.ValidationError("Choose the models: a tag, a list of models, or both.")
        return data
