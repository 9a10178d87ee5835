"""One page of a long list: every list a person can open is read a page at a time."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.functional import cached_property

PER_PAGE = 25
# On the home page: the few things that need the person now; "see all" leads to the list.
PANEL_SIZE = 5


def page_of(request: HttpRequest, object_list: Sequence, per_page: int | None = None) -> Page:
    """The page ``?page=`` asks for (the first for rubbish, the last past the end)."""
    return Paginator(object_list, per_page or PER_PAGE).get_page(request.GET.get("page"))


class BoundedCountPaginator(Paginator):
    """For the admin's changelists of big tables: counts at most ``COUNT_CAP`` rows, so a
    page of a table of millions costs no more than a page of a small one."""

    COUNT_CAP = 10_000

    @cached_property
    def count(self) -> int:
        # Only the ids, unordered: the changelist's joins and ordering only slow the count.
        return self.object_list.order_by().values("pk")[: self.COUNT_CAP].count()
