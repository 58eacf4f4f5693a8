"""REST endpoints for Medusa heads: list and read those of models one may see, POST to train new ones."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from glassbox.config.api_fields import JSONObjectField
from glassbox.config.api_schema import ANY_PATH_SEGMENT
from glassbox.registry import queries as registry_queries

from ..api_lookups import model_or_400, version_or_400
from ..models import MedusaHeads, Run
from ..requests import RequestError
from . import services
from .checks import weights_sha256


class HeadsCreateSerializer(serializers.Serializer):
    model = serializers.SlugField(help_text="The base model's slug.")
    slug = serializers.SlugField(max_length=100, help_text="How a speed run of the model names the heads (medusa).")
    name = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    dataset = serializers.SlugField(help_text="A text dataset, by slug: what the heads learn from.")
    dataset_version = serializers.IntegerField(required=False, min_value=1,
                                               help_text="Version number; the newest when left out.")
    params = JSONObjectField(required=False, default=dict,
                             help_text="medusa-train parameters: heads, layers, steps, lr, batch_size, block_size, "
                                       "self_distill, prompt_tokens, seed (GET /api/evaluators/medusa-train/).")


class HeadsSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    model = serializers.CharField(source="model.slug")
    state = serializers.SerializerMethodField(help_text="ready, queued, running, failed or cancelled: the "
                                                        "training run's status; ready for heads from a folder.")
    training_run = serializers.IntegerField(source="training_run_id", allow_null=True,
                                            help_text="The medusa-train run that trains them; null for a folder.")
    progress_percent = serializers.SerializerMethodField()
    weights_sha256 = serializers.SerializerMethodField(help_text="Of medusa_lm_head.safetensors; empty until trained.")
    final_losses = serializers.SerializerMethodField(help_text="Each head's final training loss, once trained.")
    created_at = serializers.DateTimeField()

    def get_state(self, heads: MedusaHeads) -> str:
        run = heads.training_run
        return "ready" if run is None or run.status == Run.Status.SUCCEEDED else run.status

    def get_progress_percent(self, heads: MedusaHeads) -> int:
        return 100 if heads.training_run is None else heads.training_run.progress_percent

    def get_weights_sha256(self, heads: MedusaHeads) -> str:
        return weights_sha256(heads)

    def get_final_losses(self, heads: MedusaHeads) -> list[float] | None:
        run = heads.training_run
        return None if run is None else (run.summary or {}).get("final_losses")


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("model", str, description="Only the heads of the model with this slug.")]))
class MedusaHeadsViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                         viewsets.GenericViewSet):
    """Medusa heads: extra decoding heads of one model that its speed runs name by slug (medusa).
    Contributors train new ones (POST: a queued medusa-train run); anyone reads the heads of models
    they may see."""

    lookup_field = "slug"
    lookup_value_regex = ANY_PATH_SEGMENT
    serializer_class = HeadsSerializer

    def get_queryset(self):
        models = registry_queries.visible_models(self.request.user)
        heads = MedusaHeads.objects.filter(model__in=models).select_related("model", "training_run")
        if model := self.request.query_params.get("model"):
            heads = heads.filter(model__slug=model)
        return heads.order_by("-created_at", "-id")

    def get_serializer_class(self):
        return HeadsCreateSerializer if self.action == "create" else HeadsSerializer

    @extend_schema(request=HeadsCreateSerializer, responses={201: HeadsSerializer})
    def create(self, request, *args, **kwargs):
        incoming = HeadsCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        model = model_or_400(request.user, data["model"])
        version = version_or_400(request.user, data["dataset"], data.get("dataset_version"))
        try:
            heads = services.train_heads(model=model, dataset_version=version, slug=data["slug"], name=data["name"],
                                         params=data["params"] or None, user=request.user)
        except RequestError as error:
            field = {"dataset_version": "dataset"}.get(error.field, error.field) or "non_field_errors"
            raise ValidationError({field: [str(error)]}) from None
        return Response(HeadsSerializer(self.get_queryset().get(pk=heads.pk)).data, status=status.HTTP_201_CREATED)
