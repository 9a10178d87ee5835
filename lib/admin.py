"""The admin over the big tables of an organisation's history."""

from __future__ import annotations

from django.contrib import admin

from lib.paging import BoundedCountPaginator


class HistoryAdmin(admin.ModelAdmin):
    """A changelist over a table that grows with the history (exchanges, requests, events,
    measurements, explanations, escalations): the newest first along the primary key's
    index, a bounded count, and a page short enough to read and quick to render.

    No bulk actions: deleting rows of the record a page at a time would skip what the
    services keep with them. One row can still be deleted from its own page, where the
    admin lists everything that goes with it (where the model allows it at all)."""

    show_full_result_count = False
    paginator = BoundedCountPaginator
    list_per_page = 25
    ordering = ["-pk"]
    actions = None
