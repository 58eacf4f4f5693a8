"""The site's "Train Medusa heads" request: a name, a text dataset and the training's main settings."""
from __future__ import annotations

from django import forms

from glassbox.registry.models import DatasetVersion
from glassbox.registry.queries import visible_dataset_versions


class TrainHeadsForm(forms.Form):
    name = forms.CharField(max_length=200, required=False, help_text="Shown on pages; the slug when empty.")
    slug = forms.SlugField(max_length=100, help_text="How a speed run names the heads (its medusa parameter).")
    dataset_version = forms.ModelChoiceField(
        queryset=DatasetVersion.objects.select_related("dataset"), label="Training text",
        help_text="A text dataset: the heads learn to guess the tokens after the next one in it.")
    heads = forms.IntegerField(min_value=1, max_value=16, initial=4,
                               help_text="Heads K: each step can accept up to K + 1 tokens.")
    steps = forms.IntegerField(min_value=1, max_value=100_000, initial=500)
    self_distill = forms.BooleanField(
        required=False, label="Self-distillation",
        help_text="Train on the model's own greedy continuations of the texts (the paper's recipe when "
                  "the model's training data is not at hand).")

    def __init__(self, *args, user=None, kind: str = "text", **kwargs):
        super().__init__(*args, **kwargs)
        # Only what the user may see can be chosen, as on the run form.
        self.fields["dataset_version"].queryset = visible_dataset_versions(
            user, self.fields["dataset_version"].queryset).filter(dataset__kind=kind)

    def params(self) -> dict:
        """The medusa-train parameters the form sets; the rest keep the evaluator's defaults."""
        data = self.cleaned_data
        return {"heads": data["heads"], "steps": data["steps"], "self_distill": data["self_distill"]}
