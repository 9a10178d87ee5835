"""Read-only views of the performance record: every change goes through the pages and services."""

from django.contrib import admin

from lib.admin import HistoryAdmin
from monitoring.models import CalendarToken, Explanation, Measurement, MeasurementChange


class ReadOnly(HistoryAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ChangeInline(admin.TabularInline):
    model = MeasurementChange
    extra = 0
    fields = ["at", "by", "kind", "before", "after", "reason"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Measurement)
class MeasurementAdmin(ReadOnly):
    list_display = ["service", "period_start", "value_text", "met", "recorded_by", "recorded_at"]
    list_filter = ["met"]
    list_select_related = ["service__provider", "service__recipient", "recorded_by"]
    raw_id_fields = ["service", "recorded_by"]
    inlines = [ChangeInline]


@admin.register(Explanation)
class ExplanationAdmin(ReadOnly):
    list_display = ["measurement", "written_by", "written_at", "status", "fix_by"]
    list_filter = ["status"]
    list_select_related = ["measurement__service", "written_by"]
    raw_id_fields = ["measurement", "written_by", "responded_by"]


@admin.register(CalendarToken)
class CalendarTokenAdmin(admin.ModelAdmin):
    """Deleting a token retires a feed address that leaked."""

    list_display = ["user", "created_at"]
    fields = ["user", "created_at"]
    readonly_fields = ["user", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False
