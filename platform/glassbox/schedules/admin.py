from __future__ import annotations

from django import forms
from django.contrib import admin

from . import services
from .forms import ScheduleForm, parse_params
from .models import Change, Reproduction, Schedule, ScheduledRun, Suite, SuiteEntry


class SuiteEntryForm(forms.ModelForm):
    class Meta:
        model = SuiteEntry
        fields = ["evaluator", "dataset_version", "params"]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("evaluator") and data.get("dataset_version"):
            try:
                services.validate_entry(evaluator=data["evaluator"], dataset_version=data["dataset_version"],
                                        params=parse_params(data.get("params")))
            except services.SuiteError as error:
                self.add_error(error.field if error.field in self.fields else None, str(error))
        return data


class SuiteEntryInline(admin.TabularInline):
    model = SuiteEntry
    form = SuiteEntryForm
    extra = 1


@admin.register(Suite)
class SuiteAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "run_on_register", "created_at"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SuiteEntryInline]


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    form = ScheduleForm
    list_display = ["name", "suite", "tag", "cron", "enabled", "last_started_at"]
    filter_horizontal = ["listed_models"]

    # Saves and deletes go through the services so the beat task follows the schedule.
    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        services.save_schedule(form.instance)

    def delete_model(self, request, obj) -> None:
        services.delete_schedule(obj)

    def delete_queryset(self, request, queryset) -> None:
        for schedule in queryset:
            services.delete_schedule(schedule)


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):
    list_display = ["schedule", "run", "created_at"]
    raw_id_fields = ["run"]


@admin.register(Change)
class ChangeAdmin(admin.ModelAdmin):
    list_display = ["run", "schedule", "metric", "previous_value", "value", "created_at"]
    raw_id_fields = ["run", "previous"]


@admin.register(Reproduction)
class ReproductionAdmin(admin.ModelAdmin):
    list_display = ["original", "copy", "created_at"]
    raw_id_fields = ["original", "copy"]
