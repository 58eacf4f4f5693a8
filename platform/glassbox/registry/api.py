"""REST endpoints for models and datasets; every write goes through registry.services."""
from __future__ import annotations

from django.db.models import Prefetch
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from evaluators.core.datasets import kind_choices
from glassbox.accounts import roles
from glassbox.config.api_schema import ANY_PATH_SEGMENT

from . import queries, services
from .bounds import MAX_DESCRIPTION_LENGTH, MAX_TAG_LENGTH, MAX_TAGS
from .errors import RegistrationError
from .models import Dataset, DatasetVersion, Model
from .paths import shown_source


class ModelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Model
        fields = ["id", "slug", "name", "source_kind", "source", "revision", "description", "license", "tags",
                  "architecture", "parameter_count", "context_length", "vocab_size", "dtype",
                  "weights_sha256", "is_private", "created_at"]
        read_only_fields = fields

    def to_representation(self, instance: Model) -> dict:
        # A local source is a server path: whole for administrators, under "<models>/" for the rest.
        data = super().to_representation(instance)
        request = self.context.get("request")
        data["source"] = shown_source(instance, full_paths=roles.is_admin(getattr(request, "user", None)))
        return data


class ModelCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    source = serializers.CharField(max_length=500)
    revision = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    slug = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=MAX_DESCRIPTION_LENGTH, required=False, allow_blank=True,
                                        default="")
    license = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    tags = serializers.ListField(child=serializers.CharField(max_length=MAX_TAG_LENGTH), max_length=MAX_TAGS,
                                 required=False, default=list)
    is_private = serializers.BooleanField(required=False, default=False,
                                          help_text="Visible only to you and the administrators.")
    served_elsewhere = serializers.BooleanField(
        required=False, default=False,
        help_text="The model runs behind another service: `source` says where, `revision` the provider's "
                  "version; only its uploaded outputs are evaluated.")


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
        fields = ["id", "slug", "name", "kind", "description", "is_private", "created_at", "versions"]
        read_only_fields = fields


class VersionUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DatasetCreateSerializer(VersionUploadSerializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=())
    slug = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=MAX_DESCRIPTION_LENGTH, required=False, allow_blank=True,
                                        default="")
    is_private = serializers.BooleanField(required=False, default=False,
                                          help_text="Visible only to you and the administrators.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The registered kinds, read now (also by the schema), so a new kind needs no change here.
        self.fields["kind"].choices = kind_choices()


def registration_error(error: RegistrationError) -> ValidationError:
    """Return a 400 error naming the field the registry blamed."""
    return ValidationError({error.field or "non_field_errors": [str(error)]})


class ModelViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Registered models: anyone reads the public ones; contributors register (POST) one, as its owner."""

    lookup_value_regex = ANY_PATH_SEGMENT
    serializer_class = ModelSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return queries.visible_models(self.request.user, Model.objects.order_by("name"))

    def get_serializer_class(self):
        return ModelCreateSerializer if self.action == "create" else ModelSerializer

    def create(self, request, *args, **kwargs):
        incoming = ModelCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        try:
            model = services.register_model(slug=data.pop("slug") or None, **data, owner=request.user)
        except RegistrationError as error:
            raise registration_error(error) from None
        return Response(ModelSerializer(model, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


class DatasetViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Datasets with their versions. Contributors create one with its first file (POST, multipart) and
    upload new versions of their own or unowned datasets (multipart `file`)."""

    lookup_value_regex = ANY_PATH_SEGMENT
    serializer_class = DatasetSerializer
    lookup_field = "slug"
    parser_classes = [parsers.MultiPartParser, parsers.FormParser, parsers.JSONParser]

    def get_queryset(self):
        queryset = Dataset.objects.order_by("name").prefetch_related(
            Prefetch("versions", queryset=DatasetVersion.objects.order_by("-number")))
        return queries.visible_datasets(self.request.user, queryset)

    def get_serializer_class(self):
        return DatasetCreateSerializer if self.action == "create" else DatasetSerializer


    def create(self, request, *args, **kwargs):
        incoming = DatasetCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        upload, slug = data.pop("file"), data.pop("slug") or None
        try:
            version = services.create_dataset_with_version(
                **data, slug=slug, uploaded_file_or_path=upload, original_name=upload.name, owner=request.user)
        except RegistrationError as error:
            raise registration_error(error) from None
        return Response(DatasetSerializer(self.get_queryset().get(pk=version.dataset_id)).data,
                        status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], url_path="versions",
            parser_classes=[parsers.MultiPartParser, parsers.FormParser],
            serializer_class=VersionUploadSerializer)
    def upload_version(self, request, slug=None):
        dataset = self.get_object()
        if not roles.can_add_version(request.user, dataset):
            raise PermissionDenied("only the dataset's owner or an administrator may add versions")
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
