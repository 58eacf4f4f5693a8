"""The REST API under /api/: endpoints, the OpenAPI 3 schema and its browsable docs (no CDN)."""
from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from glassbox.evaluations.api import ResultViewSet, RunViewSet
from glassbox.registry.api import DatasetViewSet, ModelViewSet

router = DefaultRouter()
router.register("models", ModelViewSet, basename="model")
router.register("datasets", DatasetViewSet, basename="dataset")
router.register("runs", RunViewSet, basename="run")
router.register("results", ResultViewSet, basename="result")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("", include(router.urls)),
]
