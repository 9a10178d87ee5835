"""Optional single sign-on with OpenID Connect (mozilla-django-oidc), set by settings.

People are matched by email: single sign-on lets in the people the organisation
already has (invited or imported), never strangers. Someone with an open
invitation who signs in this way has accepted it; a deactivated person cannot
sign in. Password sign-in stays for organisations without a provider.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from organisation.models import Invitation, OrgChange
from organisation.people import display_name


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


class OrganisationOIDCBackend(OIDCAuthenticationBackend):
    """Sign in the one active (or invited) person whose email the provider vouches for."""

    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip()
        if not email or claims.get("email_verified") is False:
            return self.UserModel.objects.none()
        people = self.UserModel.objects.filter(email__iexact=email)
        invited = Invitation.objects.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).values("user_id")
        return people.filter(is_active=True) | people.filter(pk__in=invited)

    def create_user(self, claims):
        return None  # strangers are not let in: people are invited first

    def update_user(self, user, claims):
        if not user.is_active:  # an open invitation, accepted by signing in
            user.is_active = True
            user.save(update_fields=["is_active"])
            Invitation.objects.filter(user=user, accepted_at__isnull=True).update(
                accepted_at=timezone.now()
            )
            OrgChange.objects.create(
                actor=user,
                kind="invitation_accepted",
                description=f"{display_name(user)} accepted the invitation (single sign-on).",
                data={"person": user.pk},
            )
        return user

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None


def start(request: HttpRequest) -> HttpResponse:
    """Send the browser to the organisation's identity provider."""
    if not enabled():
        raise Http404("Single sign-on is not set up here.")
    return OIDCAuthenticationRequestView.as_view()(request)


def callback(request: HttpRequest) -> HttpResponse:
    """Where the provider sends the browser back (signed in, or back to the login page)."""
    if not enabled():
        raise Http404("Single sign-on is not set up here.")
    return OIDCAuthenticationCallbackView.as_view()(request)
