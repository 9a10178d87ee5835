"""Error pages that also work when the request came from htmx."""

from __future__ import annotations

from axes.helpers import get_client_username
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.http import reswap, retarget


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A query parameter or form that cannot be read: say which (``BadRequest("...")``)."""
    message = str(exception) if type(exception).__name__ == "BadRequest" else ""
    if getattr(request, "htmx", False):
        response = render(request, "400.html#problem", {"exception": message}, status=400)
        return reswap(retarget(response, "#main"), "innerHTML")
    return render(request, "400.html", {"exception": message}, status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    message = str(exception) or "You do not have access to this page."
    if getattr(request, "htmx", False):
        response = render(request, "403.html#refusal", {"exception": message}, status=403)
        return reswap(retarget(response, "#main"), "innerHTML")
    return render(request, "403.html", {"exception": message}, status=403)


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """django-axes' answer once a person is locked out from an address: a page that says
    what happened and what to do (the sign-in form, the admin's, and the signing form)."""
    if isinstance(original_response, dict) and credentials is None:
        # django-axes' middleware, when called asynchronously, passes the credentials second.
        credentials = original_response
    context = {
        "username": get_client_username(request, credentials) or "",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)
