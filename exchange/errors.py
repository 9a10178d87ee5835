"""Error pages that also work when the request came from htmx."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.http import reswap, retarget


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    message = str(exception) or "You do not have access to this page."
    if getattr(request, "htmx", False):
        response = render(request, "403.html#refusal", {"exception": message}, status=403)
        return reswap(retarget(response, "#main"), "innerHTML")
    return render(request, "403.html", {"exception": message}, status=403)
