from __future__ import annotations

import json

from django import forms

from evaluators import registry as evaluator_registry
from glassbox.registry.models import DatasetVersion, Model
from glassbox.registry.queries import visible_dataset_versions, visible_models


class RunForm(forms.Form):
    evaluator = forms.ChoiceField(choices=())
    model = forms.ModelChoiceField(queryset=Model.objects.all())
    dataset_version = forms.ModelChoiceField(queryset=DatasetVersion.objects.select_related("dataset"))
    params = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, initial="{}",
                             help_text='Parameters as a JSON object, e.g. {"batch_size": 8}.')
    force = forms.BooleanField(required=False, help_text="Run again even if the same evaluation finished.")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only what the user may see can be chosen: a private model is no one else's to evaluate.
        self.fields["model"].queryset = visible_models(user, self.fields["model"].queryset)
        self.fields["dataset_version"].queryset = visible_dataset_versions(
            user, self.fields["dataset_version"].queryset)
        self.fields["evaluator"].choices = [(name, name) for name in evaluator_registry.names()]

    def clean_params(self) -> dict:
        text = (self.cleaned_data.get("params") or "").strip() or "{}"
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}")
        if not isinstance(value, dict):
            raise forms.ValidationError("must be a JSON object")
        return value
