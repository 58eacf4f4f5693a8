"""REST endpoints for leaderboards and snapshots; writes go through leaderboards.services."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from glassbox.accounts import roles
from glassbox.config.api_fields import JSONObjectField
from glassbox.config.api_schema import ANY_PATH_SEGMENT
from glassbox.registry import queries as registry_queries

from . import services
from .models import Leaderboard, Snapshot
from .table_cache import cached_table
from .visibility import visible_leaderboards, visible_tables


class LeaderboardSerializer(serializers.ModelSerializer):
    dataset = serializers.CharField(source="dataset_version.dataset.slug", read_only=True)
    dataset_version = serializers.IntegerField(source="dataset_version.number", read_only=True)

    class Meta:
        model = Leaderboard
        fields = ["slug", "name", "description", "dataset", "dataset_version", "evaluator", "metrics",
                  "primary_metric", "spec", "created_at"]
        read_only_fields = fields


class LeaderboardCreateSerializer(serializers.Serializer):
    slug = serializers.SlugField(max_length=100)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    dataset = serializers.SlugField()
    dataset_version = serializers.IntegerField(min_value=1)
    evaluator = serializers.CharField(max_length=100)
    metrics = serializers.ListField(child=serializers.CharField(max_length=100), required=False, default=list)
    primary_metric = serializers.CharField(max_length=100)
    params = JSONObjectField(required=False, default=dict)


class SnapshotSerializer(serializers.ModelSerializer):
    leaderboard = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Snapshot
        fields = ["uid", "leaderboard", "created_at", "note", "table"]
        read_only_fields = fields


class SnapshotCreateSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class LeaderboardViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Leaderboards; `GET /api/leaderboards/<slug>/table/` is the ranked table (as export.json).

    Rows of private models show only to their owners and administrators; a leaderboard on a private
    dataset is hidden whole from everyone else. Contributors create leaderboards and snapshots.
    """

    lookup_value_regex = ANY_PATH_SEGMENT
    serializer_class = LeaderboardSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return visible_leaderboards(self.request.user,
                                          Leaderboard.objects.select_related("dataset_version__dataset"))

    def get_serializer_class(self):
        return LeaderboardCreateSerializer if self.action == "create" else LeaderboardSerializer

    @extend_schema(request=LeaderboardCreateSerializer, responses={201: LeaderboardSerializer})
    def create(self, request, *args, **kwargs):
        incoming = LeaderboardCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        version = registry_queries.visible_dataset_version(request.user, data.pop("dataset"),
                                                           data.pop("dataset_version"))
        if version is None:
            raise ValidationError({"dataset_version": ["no such dataset version"]})
        try:
            board = services.create_leaderboard(dataset_version=version, **data)
        except services.LeaderboardError as error:
            raise ValidationError({error.field or "non_field_errors": [str(error)]}) from None
        return Response(LeaderboardSerializer(board).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def table(self, request, slug=None):
        return Response(cached_table(self.get_object(), registry_queries.visible_models(request.user),
                                     roles.visibility_scope(request.user)))

    @extend_schema(request=SnapshotCreateSerializer, responses={201: SnapshotSerializer})
    @action(detail=True, methods=["post"])
    def snapshot(self, request, slug=None):
        incoming = SnapshotCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        snapshot = services.take_snapshot(self.get_object(), note=incoming.validated_data["note"])
        snapshot.table = visible_tables(request.user, [snapshot.table])[0]
        return Response(SnapshotSerializer(snapshot).data, status=status.HTTP_201_CREATED)


class SnapshotViewSet(viewsets.ReadOnlyModelViewSet):
    """Frozen leaderboards, by their permanent uid; rows of models hidden from the reader are left out."""

    lookup_value_regex = ANY_PATH_SEGMENT
    serializer_class = SnapshotSerializer
    lookup_field = "uid"

    def get_queryset(self):
        return visible_leaderboards(self.request.user, Snapshot.objects.select_related("leaderboard"),
                                          prefix="leaderboard__")

    def get_serializer(self, instance=None, *args, **kwargs):
        # One query for the hidden models of the whole page, not one per snapshot.
        if instance is not None:
            many = kwargs.get("many", False)
            snapshots = list(instance) if many else [instance]
            for snapshot, table in zip(snapshots, visible_tables(self.request.user, [s.table for s in snapshots])):
                snapshot.table = table
            instance = snapshots if many else instance
        return super().get_serializer(instance, *args, **kwargs)
