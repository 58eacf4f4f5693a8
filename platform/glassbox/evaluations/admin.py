from django.contrib import admin

from .models import MedusaHeads, MetricResult, PrecisionSweep, Run, SampleRecord, SweepEntry


class MetricResultInline(admin.TabularInline):
    model = MetricResult
    extra = 0
    can_delete = False
    readonly_fields = ["name", "value", "ci_low", "ci_high", "n", "direction", "target"]


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    list_display = ["id", "evaluator", "model", "dataset_version", "status", "progress_done", "progress_total",
                    "created_at"]
    list_filter = ["status", "evaluator"]
    list_select_related = ["model", "dataset_version__dataset"]
    search_fields = ["fingerprint", "model__name"]
    inlines = [MetricResultInline]
    # Runs are written by the services and workers; the admin shows them and never edits results.
    readonly_fields = [f.name for f in Run._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(SampleRecord)
class SampleRecordAdmin(admin.ModelAdmin):
    list_display = ["run", "index", "key"]
    list_select_related = ["run"]
    readonly_fields = ["run", "key", "index", "data", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False


class SweepEntryInline(admin.TabularInline):
    model = SweepEntry
    extra = 0
    can_delete = False
    readonly_fields = ["position", "precision", "quality_run", "speed_run"]


@admin.register(PrecisionSweep)
class PrecisionSweepAdmin(admin.ModelAdmin):
    list_display = ["id", "evaluator", "model", "dataset_version", "created_at"]
    list_select_related = ["model", "dataset_version__dataset"]
    inlines = [SweepEntryInline]
    # Sweeps are written by sweeps.services with their runs; the admin only shows them.
    readonly_fields = [f.name for f in PrecisionSweep._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(MedusaHeads)
class MedusaHeadsAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "model", "training_run", "folder", "created_at"]
    list_select_related = ["model", "training_run"]
    search_fields = ["slug", "name", "model__slug"]
    # Heads are written by heads.services (a training run, or register_medusa_heads for a folder);
    # the admin shows them and may delete them (a speed run naming deleted heads then fails with a message).
    readonly_fields = [f.name for f in MedusaHeads._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
