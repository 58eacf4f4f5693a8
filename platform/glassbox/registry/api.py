"""REST endpoints for models and datasets; every write goes through registry.services."""
from __future__ import annotations

from django.db.models import Prefetch
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from . import services
from .errors import RegistrationError
from .models import Dataset, DatasetVersion, Model


class ModelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Model
        fields = ["id", "slug", "name", "source_kind", "source", "revision", "description", "license", "tags",
                  "architecture", "parameter_count", "context_length", "vocab_size", "dtype",
                  "weights_sha256", "created_at"]
        read_only_fields = fields


class ModelCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    source = serializers.CharField(max_length=500)
    revision = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    slug = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    license = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    tags = serializers.ListField(child=serializers.CharField(max_length=100), required=False, default=list)


class DatasetVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = DatasetVersion
        fields = ["id", "number", "sha256", "original_name", "file_format", "size_bytes", "row_count", "note",
                  "created_at"]
        read_only_fields = fields


class DatasetSerializer(serializers.ModelSerializer):
    versions = DatasetVersionSerializer(many=True, read_only=True)

    class Meta:
        model = Dataset
        fields = ["id", "slug", "name", "kind", "description", "created_at", "versions"]
        read_only_fields = fields


class VersionUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


def registration_error(error: RegistrationError) -> ValidationError:
    """Return a 400 error naming the field the registry blamed."""
    return ValidationError({error.field or "non_field_errors": [str(error)]})


class ModelViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Registered models: anyone may list and read; staff may register (POST) one."""

    queryset = Model.objects.all()
    serializer_class = ModelSerializer
    lookup_field = "slug"

    def get_serializer_class(self):
        return ModelCreateSerializer if self.action == "create" else ModelSerializer

    def create(self, request, *args, **kwargs):
        incoming = ModelCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        try:
            model = services.register_model(slug=data.pop("slug") or None, **data)
        except RegistrationError as error:
            raise registration_error(error) from None
        return Response(ModelSerializer(model).data, status=status.HTTP_201_CREATED)


class DatasetViewSet(viewsets.ReadOnlyModelViewSet):
    """Datasets with their versions; staff may upload a new version (multipart `file`)."""

    queryset = Dataset.objects.prefetch_related(
        Prefetch("versions", queryset=DatasetVersion.objects.order_by("-number")))
    serializer_class = DatasetSerializer
    lookup_field = "slug"

    @action(detail=True, methods=["post"], url_path="versions",
            parser_classes=[parsers.MultiPartParser, parsers.FormParser],
            serializer_class=VersionUploadSerializer)
    def upload_version(self, request, slug=None):
        dataset = self.get_object()
        incoming = VersionUploadSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        upload = incoming.validated_data["file"]
        try:
            version, created = services.add_dataset_version(
                dataset=dataset, uploaded_file_or_path=upload, original_name=upload.name,
                note=incoming.validated_data["note"])
        except RegistrationError as error:
            raise registration_error(error) from None
        return Response(DatasetVersionSerializer(version).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
