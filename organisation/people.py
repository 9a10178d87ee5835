"""How the product names people, everywhere: full name, else the username; and where
a person's request came from."""

from __future__ import annotations

from django.http import HttpRequest


def display_name(user, *, nobody: str = "") -> str:
    """``user``'s full name, or their username; ``nobody`` when there is no user."""
    if user is None:
        return nobody
    return user.get_full_name() or user.get_username()


def client_ip(request: HttpRequest) -> str | None:
    """The address a request came from, as the web server saw it (uvicorn puts a trusted
    proxy's X-Forwarded-For here). Signatures record it; sign-in lockouts count by it."""
    return request.META.get("REMOTE_ADDR") or None
