"""Routes of the combined pages. They keep the names they had when the pages lived in evaluations
and registry (templates and links say "evaluations:home", "registry:model-detail"), so config/urls.py
adds each list to that app's namespace instead of including this module on its own."""
from __future__ import annotations

from django.urls import path

from . import views

EVALUATIONS_PAGES = [
    path("", views.home, name="home"),
    path("demo/progress.json", views.demo_job_progress, name="demo-progress"),
]

# After registry's own routes, so "models/register/" is not read as a model's slug.
REGISTRY_PAGES = [
    path("models/<slug:slug>/", views.model_detail, name="model-detail"),
]
