"""The N+1 guard of the test settings: every GET (a page, a fragment, a download) runs
under django-zeal. Writes are left out on purpose: a service that records several rows
locks and checks each one afresh (that is what makes two clicks at once safe)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from zeal import zeal_context


def guard_reads(get_response: Callable[[HttpRequest], HttpResponse]):
    def middleware(request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return get_response(request)
        with zeal_context():
            return get_response(request)

    return middleware
