from django.contrib import admin

from notifications.models import Outbox


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    """Read-only: what was sent to whom, and what is waiting or failing."""

    list_display = ["created_at", "kind", "address", "subject", "sent_at", "attempts", "gave_up_at"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter), "gave_up_at"]
    search_fields = ["address", "subject", "key"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
