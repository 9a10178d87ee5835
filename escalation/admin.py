from django.contrib import admin

from escalation.models import Escalation
from lib.admin import HistoryAdmin


@admin.register(Escalation)
class EscalationAdmin(HistoryAdmin):
    """Read-only: escalations change through their pages, so every step keeps its who and when."""

    list_display = ["__str__", "meeting", "state", "arbiter", "opened_at"]
    list_filter = ["state"]
    list_select_related = ["meeting__department_a", "meeting__department_b", "arbiter", "item"]
    readonly_fields = ["item", "meeting", "state", "opened_by", "opened_at", "note", "arbiter"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
