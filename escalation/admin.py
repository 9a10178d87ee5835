from django.contrib import admin

from escalation.models import Escalation
from lib.paging import BoundedCountPaginator


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    """Read-only: escalations change through their pages, so every step keeps its who and when."""

    list_display = ["__str__", "meeting", "state", "arbiter", "opened_at"]
    list_filter = ["state"]
    list_select_related = ["meeting__department_a", "meeting__department_b", "arbiter", "item"]
    show_full_result_count = False
    paginator = BoundedCountPaginator
    ordering = ["-pk"]  # newest first, along the primary key's index
    readonly_fields = ["item", "meeting", "state", "opened_by", "opened_at", "note", "arbiter"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
