"""What every page's navigation needs to know about the person."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from organisation import permissions, sso


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    sso_name = settings.OIDC_PROVIDER_NAME if sso.enabled() else ""
    if user is None or not user.is_authenticated:
        return {"nav_administrator": False, "sso_name": sso_name}
    return {"nav_administrator": permissions.is_administrator(user), "sso_name": sso_name}
