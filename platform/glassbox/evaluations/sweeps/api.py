"""REST endpoints for precision sweeps: POST one (through sweeps.services), GET one as its report."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from glassbox.config.api_fields import JSONObjectField
from glassbox.config.api_schema import ANY_PATH_SEGMENT

from ..api_lookups import model_or_400, version_or_400
from ..models import Run
from ..requests import RequestError
from . import queries, services

# The service names the form's fields; the API names datasets by slug.
API_FIELDS = {"dataset_version": "dataset", "speed_dataset_version": "speed_dataset"}


def _interval(help_text: str) -> serializers.ListField:
    return serializers.ListField(child=serializers.FloatField(allow_null=True), allow_null=True, help_text=help_text)


class SweepCreateSerializer(serializers.Serializer):
    # Text, not a choice: the sweepable evaluators are checked by the service (naming this field), and
    # the schema keeps one EvaluatorEnum, that of runs.
    evaluator = serializers.CharField(max_length=100, help_text="An evaluator that runs a model (its spec has a "
                                                                "precision; GET /api/evaluators/).")
    model = serializers.SlugField(help_text="The model's slug.")
    dataset = serializers.SlugField(help_text="The evaluator's dataset, by slug.")
    dataset_version = serializers.IntegerField(required=False, min_value=1,
                                               help_text="Version number; the newest when left out.")
    precisions = serializers.ListField(child=serializers.CharField(max_length=20), max_length=10,
                                       help_text='Formats, the reference first, e.g. ["float32", "bfloat16", "int8"]; '
                                                 "at least two, each once.")
    params = JSONObjectField(required=False, default=dict, help_text="The evaluator's other parameters.")
    speed_dataset = serializers.SlugField(required=False, allow_null=True, default=None,
                                          help_text="A prompts dataset: one speed run per format. None: no speed runs.")
    speed_dataset_version = serializers.IntegerField(required=False, min_value=1,
                                                     help_text="Its version number; the newest when left out.")


class SweepRunStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Run.Status.choices)
    progress_percent = serializers.IntegerField()
    error = serializers.CharField()


class SweepMetricSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True, help_text="This format's value.")
    value_ci = _interval("[low, high]: the 95% interval of this format's value, where the run reports one.")
    reference = serializers.FloatField(allow_null=True, help_text="The reference format's value.")
    diff = serializers.FloatField(allow_null=True, help_text="value minus reference, paired where the metric "
                                                             "has per-sample statistics.")
    ci = _interval("[low, high]: the 95% paired bootstrap interval of the change.")
    p_value = serializers.FloatField(allow_null=True, help_text="Paired bootstrap p-value of the change.")
    significant = serializers.BooleanField(allow_null=True, help_text="Whether the change's 95% interval "
                                                                      "excludes zero.")
    n = serializers.IntegerField(allow_null=True, help_text="Samples paired.")
    unit = serializers.CharField()


class SweepFormatSerializer(serializers.Serializer):
    precision = serializers.CharField()
    position = serializers.IntegerField(help_text="0 is the reference.")
    reference = serializers.BooleanField(help_text="Whether this is the reference format (compared with itself: "
                                                   "differences 0, no interval or p-value).")
    quality_run = SweepRunStateSerializer()
    speed_run = SweepRunStateSerializer(allow_null=True)
    compared = serializers.BooleanField(help_text="Whether this row holds differences from the reference "
                                                  "(both quality runs succeeded).")
    resolved_precision = serializers.CharField(allow_null=True)
    shared_samples = serializers.IntegerField(allow_null=True)
    metrics = serializers.DictField(child=SweepMetricSerializer())
    changed_generations = serializers.FloatField(allow_null=True, help_text="Share of samples whose greedy "
                                                                           "generation differs from the reference's.")
    weight_bytes = serializers.IntegerField(allow_null=True)
    predicted_weight_bytes = serializers.IntegerField(allow_null=True)
    peak_memory_bytes = serializers.IntegerField(allow_null=True)
    peak_covers = serializers.CharField(allow_null=True)
    decode_tokens_per_s = serializers.FloatField(allow_null=True)
    speed_ratio = serializers.FloatField(allow_null=True, help_text="decode tokens/s over the reference's.")
    roofline_tokens_per_s = serializers.FloatField(allow_null=True)
    roofline_share = serializers.FloatField(allow_null=True)


class SweepProgressSerializer(serializers.Serializer):
    finished = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()
    running = serializers.BooleanField()


class SweepSerializer(serializers.Serializer):
    """A sweep's report (schema only: the view returns sweeps.queries.sweep_report)."""

    id = serializers.IntegerField()
    evaluator = serializers.CharField()
    model = serializers.CharField()
    model_name = serializers.CharField()
    dataset = serializers.CharField()
    dataset_version = serializers.IntegerField()
    params = serializers.DictField()
    precisions = serializers.ListField(child=serializers.CharField())
    reference = serializers.CharField()
    primary_metric = serializers.CharField(allow_null=True)
    speed_dataset = serializers.CharField(allow_null=True)
    speed_dataset_version = serializers.IntegerField(allow_null=True)
    speed_params = serializers.DictField(allow_null=True)
    created_at = serializers.DateTimeField()
    progress = SweepProgressSerializer()
    formats = SweepFormatSerializer(many=True)


class PrecisionSweepViewSet(mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Precision sweeps: one evaluation at several numeric formats compared with the first, and a speed
    run per format. Contributors start (POST) them; anyone reads those on models and datasets they may see."""

    lookup_value_regex = ANY_PATH_SEGMENT
    serializer_class = SweepSerializer

    def get_queryset(self):
        return queries.visible_sweeps(self.request.user).select_related(
            "model", "dataset_version__dataset", "speed_dataset_version__dataset")

    def get_serializer_class(self):
        return SweepCreateSerializer if self.action == "create" else SweepSerializer

    def retrieve(self, request, *args, **kwargs):
        return Response(queries.sweep_report(self.get_object()))

    @extend_schema(request=SweepCreateSerializer, responses={201: SweepSerializer})
    def create(self, request, *args, **kwargs):
        incoming = SweepCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        model = model_or_400(request.user, data["model"])
        version = version_or_400(request.user, data["dataset"], data.get("dataset_version"))
        speed = None
        if data.get("speed_dataset"):
            speed = version_or_400(request.user, data["speed_dataset"], data.get("speed_dataset_version"),
                                   "speed_dataset")
        try:
            sweep = services.start_sweep(evaluator=data["evaluator"], model=model, dataset_version=version,
                                         precisions=data["precisions"], params=data["params"] or None,
                                         speed_dataset_version=speed, user=request.user)
        except RequestError as error:
            field = API_FIELDS.get(error.field, error.field) or "non_field_errors"
            raise ValidationError({field: [str(error)]}) from None
        return Response(queries.sweep_report(self.get_queryset().get(pk=sweep.pk)), status=status.HTTP_201_CREATED)

