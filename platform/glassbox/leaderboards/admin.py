from django.contrib import admin

from .models import Leaderboard, Snapshot


@admin.register(Leaderboard)
class LeaderboardAdmin(admin.ModelAdmin):
    """Read-only here: leaderboards are created through the API (services check evaluator and spec)."""

    list_display = ["name", "slug", "evaluator", "primary_metric", "dataset_version"]
    readonly_fields = ["slug", "name", "description", "dataset_version", "evaluator", "metrics",
                       "primary_metric", "spec", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = ["leaderboard", "created_at", "uid"]
    readonly_fields = ["uid", "leaderboard", "created_at", "note", "table"]

    def has_add_permission(self, request) -> bool:
        return False
