from django.contrib import admin

from meetings.models import Event, Meeting, NeedItem, NeedList


class NeedListInline(admin.TabularInline):
    model = NeedList
    extra = 0
    fields = ["department", "ready_at", "members_may_edit", "flagged_difficult"]
    readonly_fields = ["ready_at"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "department_a", "department_b", "scheduled_for", "step"]
    list_filter = ["step"]
    readonly_fields = ["step", "current_item", "closed_at"]
    inlines = [NeedListInline]


@admin.register(NeedItem)
class NeedItemAdmin(admin.ModelAdmin):
    list_display = ["service", "need_list", "status"]
    list_filter = ["status"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["meeting", "seq", "at", "actor", "kind"]
    list_filter = ["kind"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
