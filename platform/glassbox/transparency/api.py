"""REST endpoints for checklists and audits; every write goes through transparency.services."""
from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from glassbox.accounts import roles
from glassbox.config.api_schema import ANY_PATH_SEGMENT, query_id

from . import queries, services
from .extraction import ExtractionError
from .models import Audit, Checklist, FinalScore, Indicator, IndicatorScore
from .serializers import (AuditCreateSerializer, AuditDetailSerializer, AuditSerializer, ChecklistDetailSerializer,
                          ChecklistSerializer, DocumentSerializer, DocumentUploadSerializer, FinalScoreSerializer,
                          ReconcileSerializer, ScoreCreateSerializer, ScoreSerializer, SuggestionSerializer)


class AuditAccess(BasePermission):
    """Who may do what with an audit, in one place: anyone reads published audits' final scores;
    auditors (accounts.roles.can_audit: the `auditor` group and administrators) read everything and write."""

    # Reads of working material (raters' scores, suggestions) that stay with the auditors.
    AUDITOR_READS = {"scores", "suggestions"}

    @staticmethod
    def is_auditor(user) -> bool:
        return roles.can_audit(user)

    @classmethod
    def visible(cls, queryset, user):
        """Return the audits `user` may see at all; the others answer 404."""
        return queries.visible_audits(user, queryset)

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or self.is_auditor(request.user)

    def has_object_permission(self, request, view, audit: Audit) -> bool:
        if view.action in self.AUDITOR_READS or request.method not in SAFE_METHODS:
            return self.is_auditor(request.user)
        return audit.published_at is not None or self.is_auditor(request.user)


def audit_error(error: services.AuditError) -> ValidationError:
    """Return a 400 error naming the field the service blamed."""
    return ValidationError({error.field or "non_field_errors": [str(error)]})


class ChecklistViewSet(viewsets.ReadOnlyModelViewSet):
    """Indicator checklists (read-only); a checklist's page lists its indicators."""

    lookup_value_regex = ANY_PATH_SEGMENT
    def get_queryset(self):
        queryset = Checklist.objects.annotate(indicator_count=Count("indicators")).order_by("slug", "-version")
        return queryset.prefetch_related("indicators") if self.action == "retrieve" else queryset

    def get_serializer_class(self):
        return ChecklistDetailSerializer if self.action == "retrieve" else ChecklistSerializer


def _count(queryset, field: str):
    return Coalesce(Subquery(queryset.order_by().values(field).annotate(n=Count("pk")).values("n")),
                    Value(0), output_field=IntegerField())


AUDIT_FILTERS = [
    OpenApiParameter("checklist", str, description="Checklist id, or slug (every version)"),
    OpenApiParameter("subject", int, description="Subject id"),
    OpenApiParameter("developer", str, description="Subject's developer (case-insensitive)"),
]


@extend_schema_view(list=extend_schema(parameters=AUDIT_FILTERS))
class AuditViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Transparency audits: anyone reads published ones; auditors create, score, reconcile and publish."""

    lookup_value_regex = ANY_PATH_SEGMENT
    permission_classes = [AuditAccess]

    def get_queryset(self):
        finals = FinalScore.objects.filter(audit=OuterRef("pk")).order_by().values("audit")
        queryset = Audit.objects.select_related("subject__model", "checklist").annotate(
            total=Coalesce(Subquery(finals.annotate(s=Sum("score")).values("s")), Value(0),
                           output_field=IntegerField()),
            reconciled=_count(FinalScore.objects.filter(audit=OuterRef("pk")), "audit"),
            max=_count(Indicator.objects.filter(checklist=OuterRef("checklist")), "checklist"),
        ).order_by("-created_at", "-pk")
        queryset = AuditAccess.visible(queryset, self.request.user)
        return self._filter(queryset) if self.action == "list" else queryset

    def _filter(self, queryset):
        params = self.request.query_params
        if params.get("checklist"):
            value = params["checklist"]
            if value.isascii() and value.isdigit():
                queryset = queryset.filter(checklist_id=query_id(value, "checklist", "a checklist id"))
            else:
                queryset = queryset.filter(checklist__slug=value)
        if params.get("subject"):
            queryset = queryset.filter(subject_id=query_id(params["subject"], "subject", "a subject id"))
        if params.get("developer"):
            queryset = queryset.filter(subject__developer__iexact=params["developer"])
        return queryset

    def get_serializer_class(self):
        return AuditSerializer if self.action == "list" else AuditDetailSerializer

    def _detail(self, audit: Audit, code: int = status.HTTP_200_OK) -> Response:
        return Response(AuditDetailSerializer(self.get_queryset().get(pk=audit.pk)).data, status=code)

    def _incoming(self, serializer_class, audit: Audit) -> dict:
        incoming = serializer_class(data=self.request.data, context={"audit": audit})
        incoming.is_valid(raise_exception=True)
        return incoming.validated_data

    @extend_schema(request=AuditCreateSerializer, responses={201: AuditDetailSerializer})
    def create(self, request, *args, **kwargs):
        incoming = AuditCreateSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        audit = services.create_audit(**incoming.validated_data, user=request.user)
        return self._detail(audit, status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": DocumentUploadSerializer}, responses={201: DocumentSerializer})
    @action(detail=True, methods=["post"], parser_classes=[parsers.MultiPartParser, parsers.FormParser])
    def documents(self, request, pk=None):
        audit = self.get_object()
        upload = self._incoming(DocumentUploadSerializer, audit)["file"]
        try:
            document = services.add_document(audit, name=upload.name, data=upload.read(), user=request.user)
        except ExtractionError as error:
            raise ValidationError({"file": [str(error)]}) from None
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=ScoreSerializer(many=True))
    @extend_schema(methods=["POST"], request=ScoreCreateSerializer, responses={201: ScoreSerializer})
    @action(detail=True, methods=["get", "post"])
    def scores(self, request, pk=None):
        """Raters' scores with evidence (GET); POST records the caller's score of one indicator."""
        audit = self.get_object()
        if request.method == "GET":
            entries = (IndicatorScore.objects.filter(audit=audit).select_related("rater", "indicator")
                       .order_by("indicator__position", "pk"))
            return Response(ScoreSerializer(entries, many=True).data)
        data = self._incoming(ScoreCreateSerializer, audit)
        try:
            entry = services.record_score(audit, data.pop("indicator"), rater=request.user, **data)
        except services.AuditError as error:
            raise audit_error(error) from None
        return Response(ScoreSerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReconcileSerializer, responses={200: FinalScoreSerializer})
    @action(detail=True, methods=["post"])
    def reconcile(self, request, pk=None):
        """Set the final score of an indicator that two raters have scored."""
        audit = self.get_object()
        data = self._incoming(ReconcileSerializer, audit)
        try:
            final = services.reconcile(audit, data.pop("indicator"), user=request.user, **data)
        except services.AuditError as error:
            raise audit_error(error) from None
        return Response(FinalScoreSerializer(final).data)

    @extend_schema(request=None, responses={200: inline_serializer(
        "ReconciledCount", {"reconciled": serializers.IntegerField()})})
    @action(detail=True, methods=["post"], url_path="reconcile-agreements")
    def reconcile_agreements(self, request, pk=None):
        """Make final every score on which the raters agree; returns how many became final."""
        try:
            count = services.reconcile_agreements(self.get_object(), user=request.user)
        except services.AuditError as error:
            raise audit_error(error) from None
        return Response({"reconciled": count})

    @extend_schema(request=None, responses={200: AuditDetailSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish the audit once every indicator has a final score."""
        try:
            audit = services.publish(self.get_object(), user=request.user)
        except services.AuditError as error:
            raise audit_error(error) from None
        return self._detail(audit)

    @extend_schema(methods=["GET"], responses=SuggestionSerializer)
    @extend_schema(methods=["POST"], request=None, responses={202: SuggestionSerializer})
    @action(detail=True, methods=["get", "post"])
    def suggestions(self, request, pk=None):
        """The suggested scores and the task's progress (GET); POST queues the suggestion task."""
        audit = self.get_object()
        if request.method == "POST":
            try:
                services.request_suggestions(audit, user=request.user)
            except services.AuditError as error:
                raise audit_error(error) from None
            audit.refresh_from_db(fields=["suggestion_progress", "suggestion"])
        body = {"progress": audit.suggestion_progress or {"status": "none"}, "suggestion": audit.suggestion}
        return Response(body, status=status.HTTP_202_ACCEPTED if request.method == "POST" else status.HTTP_200_OK)
