"""Checks the web server makes before it serves a single page."""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import ImproperlyConfigured

# Files every page links to: if these are not in the collected manifest, every page fails.
EVERY_PAGE = ("css/app.css", "js/app.js", "img/favicon.svg")


def check_static_files() -> None:
    """In production, static files are served from ``STATIC_ROOT`` by their hashed names,
    so they must have been collected first; without them every page would be a server
    error. Refuse to start instead, and say what to run."""
    if not getattr(settings, "PRODUCTION", False):
        return
    try:
        for name in EVERY_PAGE:
            staticfiles_storage.stored_name(name)
    except ValueError:
        raise ImproperlyConfigured(
            f"Static files have not been collected into STATIC_ROOT ({settings.STATIC_ROOT}). "
            "Run `python manage.py collectstatic --noinput` after every deployment, before "
            "starting the web server (see docs/operations.md)."
        ) from None
