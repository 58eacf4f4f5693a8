"""The combined pages moved to glassbox.site keep their addresses and their names."""
from __future__ import annotations

from django.urls import resolve, reverse


def test_the_home_page_and_a_models_page_keep_their_paths_and_names():
    assert reverse("evaluations:home") == "/"
    assert reverse("evaluations:demo-progress") == "/demo/progress.json"
    assert reverse("registry:model-detail", args=["tiny"]) == "/models/tiny/"
    assert resolve("/").func.__module__ == "glassbox.site.views"
    assert resolve("/models/tiny/").func.__module__ == "glassbox.site.views"


def test_registering_a_model_is_not_read_as_a_models_slug():
    match = resolve("/models/register/")
    assert (match.namespace, match.url_name, match.func.__module__) == ("registry", "model-register",
                                                                        "glassbox.registry.views")
