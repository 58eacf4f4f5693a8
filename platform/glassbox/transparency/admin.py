from django.contrib import admin

from .models import Audit, Change, Checklist, Dispute, Document, FinalScore, Indicator, IndicatorScore, Subject


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ("slug", "version", "title", "builtin", "created_at")


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("name", "checklist", "position", "domain", "subdomain")
    list_filter = ("checklist",)
    search_fields = ("name",)


@admin.register(Audit)
class AuditAdmin(admin.ModelAdmin):
    list_display = ("subject", "checklist", "created_at", "published_at")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Scores, disputes and history change only through the audit pages, which keep the history."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model in (Subject, Document, IndicatorScore, FinalScore, Dispute, Change):
    admin.site.register(model, ReadOnlyAdmin)
