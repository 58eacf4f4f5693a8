"""The REST API under /api/: endpoints, the OpenAPI 3 schema and its browsable docs (no CDN)."""
from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from glassbox.evaluations.api import ResultViewSet, RunViewSet
from glassbox.evaluations.catalogue_api import EvaluatorViewSet
from glassbox.evaluations.heads.api import MedusaHeadsViewSet
from glassbox.evaluations.sweeps.api import PrecisionSweepViewSet
from glassbox.leaderboards import export_api
from glassbox.leaderboards.api import LeaderboardViewSet, SnapshotViewSet
from glassbox.registry.api import DatasetViewSet, ModelViewSet
from glassbox.transparency.api import AuditViewSet, ChecklistViewSet

router = DefaultRouter()
router.register("models", ModelViewSet, basename="model")
router.register("datasets", DatasetViewSet, basename="dataset")
router.register("evaluators", EvaluatorViewSet, basename="evaluator")
router.register("runs", RunViewSet, basename="run")
router.register("results", ResultViewSet, basename="result")
router.register("sweeps", PrecisionSweepViewSet, basename="sweep")
router.register("medusa-heads", MedusaHeadsViewSet, basename="medusa-heads")
router.register("leaderboards", LeaderboardViewSet, basename="leaderboard")
router.register("snapshots", SnapshotViewSet, basename="snapshot")
router.register("checklists", ChecklistViewSet, basename="checklist")
router.register("audits", AuditViewSet, basename="audit")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: an inline one breaks the CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    # Any one segment, not <slug:> or <uuid:>: what those refuse got Django's HTML 404 page, not the API's JSON.
    path("leaderboards/<str:slug>/export.csv", export_api.LeaderboardCSV.as_view(), name="leaderboard-csv"),
    path("leaderboards/<str:slug>/export.json", export_api.LeaderboardJSON.as_view(), name="leaderboard-json"),
    path("snapshots/<str:uid>/export.csv", export_api.SnapshotCSV.as_view(), name="snapshot-csv"),
    path("snapshots/<str:uid>/export.json", export_api.SnapshotJSON.as_view(), name="snapshot-json"),
    path("", include(router.urls)),
]
