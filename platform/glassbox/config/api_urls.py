"""The REST API under /api/: endpoints, the OpenAPI 3 schema and its browsable docs (no CDN)."""
from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from glassbox.evaluations.api import ResultViewSet, RunViewSet
from glassbox.leaderboards import views as leaderboard_views
from glassbox.leaderboards.api import LeaderboardViewSet, SnapshotViewSet
from glassbox.registry.api import DatasetViewSet, ModelViewSet
from glassbox.transparency.api import AuditViewSet, ChecklistViewSet

router = DefaultRouter()
router.register("models", ModelViewSet, basename="model")
router.register("datasets", DatasetViewSet, basename="dataset")
router.register("runs", RunViewSet, basename="run")
router.register("results", ResultViewSet, basename="result")
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
    path("leaderboards/<slug:slug>/export.csv", leaderboard_views.export_csv, name="leaderboard-csv"),
    path("leaderboards/<slug:slug>/export.json", leaderboard_views.export_json, name="leaderboard-json"),
    path("snapshots/<uuid:uid>/export.csv", leaderboard_views.snapshot_csv, name="snapshot-csv"),
    path("snapshots/<uuid:uid>/export.json", leaderboard_views.snapshot_json, name="snapshot-json"),
    path("", include(router.urls)),
]
