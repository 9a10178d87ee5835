from django.contrib import admin

from lib.admin import HistoryAdmin
from meetings.models import Event, Meeting, NeedItem, NeedList


class NeedListInline(admin.TabularInline):
    model = NeedList
    extra = 0
    fields = ["department", "ready_at", "members_may_edit", "flagged_difficult"]
    readonly_fields = ["ready_at"]


@admin.register(Meeting)
class MeetingAdmin(HistoryAdmin):
    list_display = ["__str__", "department_a", "department_b", "scheduled_for", "step"]
    list_filter = ["step"]
    list_select_related = ["department_a", "department_b"]
    raw_id_fields = ["facilitator", "review_of"]
    readonly_fields = ["step", "current_item", "closed_at"]
    inlines = [NeedListInline]


@admin.register(NeedItem)
class NeedItemAdmin(HistoryAdmin):
    list_display = ["service", "need_list", "status"]
    list_filter = ["status"]
    list_select_related = [
        "need_list__department",
        "need_list__meeting__department_a",
        "need_list__meeting__department_b",
    ]
    raw_id_fields = ["need_list"]


@admin.register(Event)
class EventAdmin(HistoryAdmin):
    list_display = ["meeting", "seq", "at", "actor", "kind"]
    # By step (a fixed list): a filter by kind would read every kind in the table to offer
    # them. A kind is found by typing it exactly.
    list_filter = ["step"]
    search_fields = ["=kind"]
    list_select_related = ["meeting__department_a", "meeting__department_b", "actor"]
    raw_id_fields = ["meeting", "actor", "item"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
