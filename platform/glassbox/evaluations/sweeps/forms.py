"""The site's sweep request: the run form's fields, a list of formats, and the prompts of the speed runs."""
from __future__ import annotations

from django import forms

from evaluators import registry as evaluator_registry
from glassbox.registry.models import DatasetVersion, Model
from glassbox.registry.queries import visible_dataset_versions, visible_models

from ..forms import RunForm
from .services import SPEED_EVALUATOR

DEFAULT_PRECISIONS = "float32,bfloat16,int8"


def sweepable_evaluators() -> list[str]:
    """Registered evaluators whose spec has a precision: those that run a model."""
    return [name for name in evaluator_registry.names()
            if "precision" in evaluator_registry.get(name).parameter_schema()["properties"]]


class SweepForm(forms.Form):
    # By slug, so a model page can open the form on its model (?model=<slug>).
    model = forms.ModelChoiceField(queryset=Model.objects.all(), to_field_name="slug")
    evaluator = forms.ChoiceField(choices=())
    dataset_version = forms.ModelChoiceField(queryset=DatasetVersion.objects.select_related("dataset"))
    precisions = forms.CharField(initial=DEFAULT_PRECISIONS, max_length=200,
                                 help_text="Comma-separated formats, the reference first: auto, float32, bfloat16, "
                                           "float16, int8, int8-dynamic, int4.")
    params = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, initial="{}",
                             help_text='The evaluator\'s other parameters as a JSON object, without precision, '
                                       'e.g. {"batch_size": 8}.')
    speed_dataset_version = forms.ModelChoiceField(
        queryset=DatasetVersion.objects.select_related("dataset"), required=False, label="Speed prompts",
        help_text="A prompts dataset: one speed run per format (greedy, batch 1). Leave empty for none.")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only what the user may see can be chosen, as on the run form.
        self.fields["model"].queryset = visible_models(user, self.fields["model"].queryset)
        versions = visible_dataset_versions(user, self.fields["dataset_version"].queryset)
        self.fields["dataset_version"].queryset = versions
        self.fields["speed_dataset_version"].queryset = versions.filter(
            dataset__kind=evaluator_registry.get(SPEED_EVALUATOR).dataset_kind)
        self.fields["evaluator"].choices = [(name, name) for name in sweepable_evaluators()]

    # The run form's reading of the JSON, with its messages.
    clean_params = RunForm.clean_params

    def clean_precisions(self) -> list[str]:
        return [part.strip() for part in self.cleaned_data["precisions"].split(",") if part.strip()]
