"""REST shapes of checklists, audits, rater scores and final scores, and of the auditors' requests."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from glassbox.registry.models import Model
from glassbox.registry.queries import can_see_model, visible_models

from . import queries
from .models import Audit, Checklist, Document, FinalScore, Indicator, IndicatorScore, Subject


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "position", "domain", "subdomain", "name", "definition", "notes", "keywords"]
        read_only_fields = fields


class ChecklistSerializer(serializers.ModelSerializer):
    indicator_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Checklist
        fields = ["id", "slug", "version", "title", "source", "builtin", "created_at", "indicator_count"]
        read_only_fields = fields


class ChecklistDetailSerializer(ChecklistSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta(ChecklistSerializer.Meta):
        fields = ChecklistSerializer.Meta.fields + ["indicators"]
        read_only_fields = fields


class ChecklistRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Checklist
        fields = ["id", "slug", "version"]
        read_only_fields = fields


class SubjectSerializer(serializers.ModelSerializer):
    # null for an audit of a developer's model that is not registered here, and for a private
    # model the reader may not see (auditors see every audit, not every model).
    model = serializers.SerializerMethodField(help_text="A registered model's slug, or null.")

    class Meta:
        model = Subject
        fields = ["id", "developer", "name", "model"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_model(self, subject: Subject) -> str | None:
        request = self.context.get("request")
        model = subject.model
        if model is None or not can_see_model(getattr(request, "user", None), model):
            return None
        return model.slug


class ScoreMaxSerializer(serializers.Serializer):
    score = serializers.IntegerField()
    max = serializers.IntegerField()


class TotalsSerializer(serializers.Serializer):
    """Sums of the final scores: `max` counts the indicators reconciled so far (all, once published)."""

    total = serializers.IntegerField()
    max = serializers.IntegerField()
    by_domain = serializers.DictField(child=ScoreMaxSerializer())
    by_subdomain = serializers.DictField(child=ScoreMaxSerializer())


class DocumentSerializer(serializers.ModelSerializer):
    chars = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = ["id", "title", "file_format", "sha256", "chars", "created_at"]
        read_only_fields = fields

    def get_chars(self, document: Document) -> int:
        return len(document.text)


class FinalScoreSerializer(serializers.ModelSerializer):
    position = serializers.IntegerField(source="indicator.position", read_only=True)
    domain = serializers.CharField(source="indicator.domain", read_only=True)
    subdomain = serializers.CharField(source="indicator.subdomain", read_only=True)
    name = serializers.CharField(source="indicator.name", read_only=True)

    class Meta:
        model = FinalScore
        fields = ["indicator", "position", "domain", "subdomain", "name", "score", "justification",
                  "updated_at"]
        read_only_fields = fields


class ScoreSerializer(serializers.ModelSerializer):
    """One rater's score with its evidence; `start`/`end` are character offsets of `quote` in `document`."""

    rater = serializers.CharField(source="rater.username", read_only=True)

    class Meta:
        model = IndicatorScore
        fields = ["id", "indicator", "rater", "score", "document", "quote", "start", "end", "justification",
                  "updated_at"]
        read_only_fields = fields


class AuditSerializer(serializers.ModelSerializer):
    subject = SubjectSerializer(read_only=True)
    checklist = ChecklistRefSerializer(read_only=True)
    total = serializers.IntegerField(read_only=True, help_text="Sum of the final scores so far.")
    reconciled = serializers.IntegerField(read_only=True, help_text="Indicators with a final score.")
    max = serializers.IntegerField(read_only=True, help_text="Indicators in the checklist.")

    class Meta:
        model = Audit
        fields = ["id", "subject", "checklist", "created_at", "published_at", "total", "reconciled", "max"]
        read_only_fields = fields


class AuditDetailSerializer(AuditSerializer):
    documents = DocumentSerializer(many=True, read_only=True)
    final_scores = serializers.SerializerMethodField()
    totals = serializers.SerializerMethodField()

    class Meta(AuditSerializer.Meta):
        fields = AuditSerializer.Meta.fields + ["suggestion_progress", "documents", "final_scores", "totals"]
        read_only_fields = fields

    @extend_schema_field(FinalScoreSerializer(many=True))
    def get_final_scores(self, audit: Audit) -> list:
        finals = (FinalScore.objects.filter(audit=audit).select_related("indicator")
                  .order_by("indicator__position"))
        return FinalScoreSerializer(finals, many=True).data

    @extend_schema_field(TotalsSerializer)
    def get_totals(self, audit: Audit) -> dict:
        return queries.final_totals(audit)


class AuditCreateSerializer(serializers.Serializer):
    checklist = serializers.PrimaryKeyRelatedField(queryset=Checklist.objects.all(), help_text="Checklist id.")
    developer = serializers.CharField(max_length=200)
    name = serializers.CharField(max_length=200, help_text="The audited model's name.")
    model = serializers.SlugRelatedField(slug_field="slug", queryset=Model.objects.all(), required=False,
                                         allow_null=True, default=None, help_text="A registered model's slug.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Only a model the auditor may see can be the subject: others read as unknown slugs.
            self.fields["model"].queryset = visible_models(request.user)


class _AuditIndicatorField(serializers.Serializer):
    """Reads `indicator` as the id of an indicator of the audit's checklist (context["audit"])."""

    indicator = serializers.IntegerField(help_text="Indicator id (see the checklist).")

    def validate_indicator(self, value: int) -> Indicator:
        indicator = Indicator.objects.filter(pk=value, checklist_id=self.context["audit"].checklist_id).first()
        if indicator is None:
            raise serializers.ValidationError(f"no indicator {value} in this audit's checklist")
        return indicator


class ScoreCreateSerializer(_AuditIndicatorField):
    score = serializers.ChoiceField(choices=[0, 1])
    document = serializers.IntegerField(required=False, allow_null=True, default=None,
                                        help_text="Id of one of the audit's documents holding the evidence.")
    quote = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False,
                                  help_text="The passage quoted as evidence, exactly as in the document.")
    start = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0,
                                     help_text="Offset of the quote; found in the document when left out.")
    justification = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_document(self, value: int | None) -> Document | None:
        if value is None:
            return None
        document = Document.objects.filter(pk=value, audit=self.context["audit"]).first()
        if document is None:
            raise serializers.ValidationError(f"no document {value} in this audit")
        return document

    def validate(self, data: dict) -> dict:
        if data["quote"] and data["document"] is None:
            raise serializers.ValidationError({"document": ["a quote needs the document it comes from"]})
        return data


class ReconcileSerializer(_AuditIndicatorField):
    score = serializers.ChoiceField(choices=[0, 1])
    justification = serializers.CharField(required=False, allow_blank=True, default="")


class DocumentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="Text, Markdown, HTML or PDF.")


class SuggestionSerializer(serializers.Serializer):
    progress = serializers.DictField(help_text="status, done, total, error")
    suggestion = serializers.DictField(allow_null=True, help_text="The latest suggested scores, if any.")
