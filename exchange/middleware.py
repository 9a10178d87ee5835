"""htmx-aware handling of the responses that should take over the whole page."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect


class HtmxLoginRedirectMiddleware:
    """A lapsed session during an htmx request sends the whole browser to the login page,
    instead of swapping the login form into a region of the page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "htmx", False) and response.status_code == 302:
            login_url = resolve_url(settings.LOGIN_URL)
            if response.get("Location", "").startswith(login_url):
                return HttpResponseClientRedirect(response["Location"])
        return response
