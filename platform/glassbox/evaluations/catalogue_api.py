"""GET /api/evaluators/ and /api/evaluators/<name>/: the registered evaluators, read-only, public."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from glassbox.config.api_schema import ANY_PATH_SEGMENT

from .catalogue import catalogue, find

_METRIC = inline_serializer("EvaluatorMetric", {
    "name": serializers.CharField(),
    "goal": serializers.JSONField(help_text='"higher", "lower", or the target value (a number).'),
    "target": serializers.FloatField(allow_null=True),
    "goal_label": serializers.CharField(),
    "unit": serializers.CharField(),
    "description": serializers.CharField(),
    "paired_test": serializers.BooleanField(help_text="Rebuilt from per-sample statistics: intervals "
                                                      "and paired bootstrap tests."),
})
_EVALUATOR = inline_serializer("Evaluator", {
    "name": serializers.CharField(),
    "version": serializers.CharField(),
    "description": serializers.CharField(),
    "dataset_kind": serializers.JSONField(help_text="The kind of dataset it reads: fields, formats, example."),
    "queue": serializers.CharField(),
    "exclusive_device": serializers.BooleanField(),
    "reuses_results": serializers.BooleanField(),
    "model_parameters": serializers.ListField(child=serializers.CharField()),
    "parameters": serializers.JSONField(help_text="JSON schema of the spec: types, defaults, bounds."),
    "uploaded_outputs": serializers.JSONField(
        allow_null=True, help_text="How a model served elsewhere is scored, or null: the spec `parameter` "
                                   "naming an uploaded dataset of `dataset_kind`, and the `scoring_parameters` "
                                   "a leaderboard compares for such runs."),
    "metrics": _METRIC.__class__(many=True),
})


class EvaluatorViewSet(viewsets.ViewSet):
    """The registered evaluators: what each reads, its parameters (JSON schema) and its metrics."""

    permission_classes = [AllowAny]
    lookup_field = "name"
    lookup_value_regex = ANY_PATH_SEGMENT

    @extend_schema(responses=_EVALUATOR.__class__(many=True))
    def list(self, request) -> Response:
        return Response(catalogue())

    @extend_schema(responses=_EVALUATOR)
    def retrieve(self, request, name: str | None = None) -> Response:
        described = find(name or "")
        if described is None:
            raise NotFound(f"no evaluator named '{name}'")
        return Response(described)
