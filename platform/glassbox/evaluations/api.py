"""REST endpoints for runs and metric results; writes go through evaluations.services."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from evaluators import registry as evaluator_registry
from glassbox.accounts import roles
from glassbox.config.api_fields import JSONObjectField
from glassbox.config.api_schema import ANY_PATH_SEGMENT, query_id
from . import services
from .api_lookups import model_or_400, version_or_400
from .models import MetricResult, Run
from .queries import visible_runs


class GoalFields(serializers.Serializer):
    """What "better" is for a metric, and what it measures, as its evaluator registers it."""

    goal = serializers.SerializerMethodField(help_text='"higher", "lower", or the target value (a number).')
    target = serializers.FloatField(read_only=True, allow_null=True,
                                    help_text="The value the metric should reach; null for higher/lower.")
    goal_label = serializers.CharField(read_only=True, help_text='e.g. "closer to 50 is better".')
    unit = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)

    @extend_schema_field({"oneOf": [{"type": "string", "enum": ["higher", "lower"]}, {"type": "number"}]})
    def get_goal(self, result: MetricResult) -> str | float:
        return result.goal


class MetricSerializer(GoalFields, serializers.ModelSerializer):
    class Meta:
        model = MetricResult
        fields = ["name", "value", "ci_low", "ci_high", "n", "direction", "goal", "target", "goal_label",
                  "unit", "description"]
        read_only_fields = fields


class RunSerializer(serializers.ModelSerializer):
    model = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    dataset = serializers.CharField(source="dataset_version.dataset.slug", read_only=True)
    dataset_version = serializers.IntegerField(source="dataset_version.number", read_only=True)
    progress_percent = serializers.IntegerField(read_only=True)
    metrics = MetricSerializer(many=True, read_only=True)

    class Meta:
        model = Run
        fields = ["id", "evaluator", "evaluator_version", "model", "dataset", "dataset_version", "spec",
                  "fingerprint", "status", "progress_done", "progress_total", "progress_percent", "created_at",
                  "started_at", "finished_at", "attempts", "cancel_requested", "device", "dtype", "error",
                  "metrics"]
        read_only_fields = fields


class RunCreateSerializer(serializers.Serializer):
    evaluator = serializers.ChoiceField(choices=(), help_text="A registered evaluator (GET /api/evaluators/).")
    model = serializers.SlugField(help_text="The model's slug.")
    dataset = serializers.SlugField(help_text="The dataset's slug.")
    dataset_version = serializers.IntegerField(required=False, min_value=1,
                                               help_text="Version number; the newest when left out.")
    params = JSONObjectField(required=False, default=dict)
    force = serializers.BooleanField(required=False, default=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The evaluators registered now (the schema reads them too), so a new one needs no change here.
        names = evaluator_registry.names()
        field = self.fields["evaluator"]
        field.choices = names
        field.error_messages["invalid_choice"] = "no evaluator named '{input}'; known: " + ", ".join(names)


class ResultSerializer(GoalFields, serializers.ModelSerializer):
    run = serializers.IntegerField(source="run_id", read_only=True)
    evaluator = serializers.CharField(source="run.evaluator", read_only=True)
    model = serializers.CharField(source="run.model.slug", read_only=True)
    dataset = serializers.CharField(source="run.dataset_version.dataset.slug", read_only=True)
    dataset_version = serializers.IntegerField(source="run.dataset_version.number", read_only=True)
    fingerprint = serializers.CharField(source="run.fingerprint", read_only=True)

    class Meta:
        model = MetricResult
        fields = ["id", "run", "evaluator", "model", "dataset", "dataset_version", "fingerprint", "name", "value",
                  "ci_low", "ci_high", "n", "direction", "goal", "target", "goal_label", "unit", "description"]
        read_only_fields = fields


def _date_bound(raw: str, name: str):
    # A bare date bounds whole days; parse_datetime would read it as midnight.
    try:
        value = parse_date(raw) if len(raw) == 10 else parse_datetime(raw)
    except ValueError:
        value = None
    if value is None:
        raise ValidationError({name: [f"'{raw}' is not a date (YYYY-MM-DD) or an ISO date-time"]})
    if hasattr(value, "hour"):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        try:
            # Stored times are UTC; an offset can push a bound past year 1 or 9999.
            value = value.astimezone(dt.timezone.utc)
        except OverflowError:
            raise ValidationError({name: [f"'{raw}' is out of the range of dates"]}) from None
    return value


def filter_runs(queryset, params, prefix: str = ""):
    """Return `queryset` narrowed by the model, dataset, evaluator, status and created_after/before params."""
    for param, field in (("model", "model__slug"), ("dataset", "dataset_version__dataset__slug"),
                         ("evaluator", "evaluator"), ("status", "status")):
        if params.get(param):
            queryset = queryset.filter(**{prefix + field: params[param]})
    for param, lookup in (("created_after", "gte"), ("created_before", "lte")):
        if params.get(param):
            bound = _date_bound(params[param], param)
            date_only = not hasattr(bound, "hour")
            field = f"{prefix}created_at__date__{lookup}" if date_only else f"{prefix}created_at__{lookup}"
            queryset = queryset.filter(**{field: bound})
    return queryset


RUN_FILTERS = [
    OpenApiParameter("model", str, description="Model slug"),
    OpenApiParameter("dataset", str, description="Dataset slug"),
    OpenApiParameter("evaluator", str),
    OpenApiParameter("status", str, enum=Run.Status.values),
    OpenApiParameter("created_after", str, description="YYYY-MM-DD or ISO date-time, inclusive"),
    OpenApiParameter("created_before", str, description="YYYY-MM-DD or ISO date-time, inclusive"),
]


@extend_schema_view(list=extend_schema(parameters=RUN_FILTERS))
class RunViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Evaluation runs with their metrics (those on private models or datasets only for their owners and
    administrators); contributors start (POST) runs and cancel their own, administrators any."""

    lookup_value_regex = ANY_PATH_SEGMENT
    serializer_class = RunSerializer

    def get_queryset(self):
        queryset = (visible_runs(self.request.user).select_related("model", "dataset_version__dataset")
                    .prefetch_related("metrics").order_by("-created_at", "-id"))
        return filter_runs(queryset, self.request.query_params) if self.action == "list" else queryset

    def get_serializer_class(self):
        return RunCreateSerializer if self.action == "create" else RunSerializer

    @extend_schema(request=RunCreateSerializer, responses={201: RunSerializer})
    def create(self, request, *args, **kwargs):
        incoming = RunCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        model = model_or_400(request.user, data["model"])
        version = version_or_400(request.user, data["dataset"], data.get("dataset_version"))
        try:
            run = services.start_run(evaluator=data["evaluator"], model=model, dataset_version=version,
                                     params=data["params"] or None, force=data["force"], user=request.user)
        except services.RunRequestError as error:
            raise ValidationError({"non_field_errors": [str(error)]}) from None
        run = self.get_queryset().get(pk=run.pk)
        return Response(RunSerializer(run).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: RunSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        run = self.get_object()
        if not roles.can_cancel_run(request.user, run):
            raise PermissionDenied("only the run's requester or an administrator may cancel it")
        run = services.cancel_run(run)
        return Response(RunSerializer(self.get_queryset().get(pk=run.pk)).data)


@extend_schema_view(list=extend_schema(parameters=RUN_FILTERS + [
    OpenApiParameter("name", str, description="Metric name"),
    OpenApiParameter("run", int, description="Run id")]))
class ResultViewSet(viewsets.ReadOnlyModelViewSet):
    """Metric results of every run (read-only), filterable like runs plus by metric name and run."""

    lookup_value_regex = ANY_PATH_SEGMENT
    serializer_class = ResultSerializer

    def get_queryset(self):
        queryset = (visible_runs(self.request.user, MetricResult.objects.all(), prefix="run__")
                    .select_related("run__model", "run__dataset_version__dataset")
                    .order_by("-run__created_at", "-run_id", "name"))
        if self.action != "list":
            return queryset
        params = self.request.query_params
        queryset = filter_runs(queryset, params, prefix="run__")
        if params.get("name"):
            queryset = queryset.filter(name=params["name"])
        if params.get("run"):
            queryset = queryset.filter(run_id=query_id(params["run"], "run", "a run id"))
        return queryset
