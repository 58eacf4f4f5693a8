from django.urls import path

from glassbox.config import converters  # noqa: F401 (registers the <id:...> converter)

from . import views
from .heads import views as heads_views
from .sweeps import views as sweep_views

app_name = "evaluations"
urlpatterns = [
    # The home page and the demo job's progress live in glassbox.site, under this namespace.
    path("evaluators/", views.evaluator_list, name="evaluator-list"),
    path("runs/", views.run_list, name="run-list"),
    path("runs/new/", views.run_create, name="run-create"),
    path("runs/<id:run_id>/", views.run_detail, name="run-detail"),
    path("runs/<id:run_id>/progress.json", views.run_progress, name="run-progress"),
    path("runs/<id:run_id>/cancel/", views.run_cancel, name="run-cancel"),
    path("runs/<id:run_id>/compare/", views.run_compare_pick, name="run-compare-pick"),
    path("runs/<id:run_id>/compare/<id:other_id>/", views.run_compare, name="run-compare"),
    path("sweeps/new/", sweep_views.sweep_create, name="sweep-create"),
    path("sweeps/<id:sweep_id>/", sweep_views.sweep_detail, name="sweep-detail"),
    path("models/<slug:slug>/medusa-heads/new/", heads_views.heads_create, name="heads-create"),
    path("assets/plotly.min.js", views.plotly_js, name="plotly-js"),
]
