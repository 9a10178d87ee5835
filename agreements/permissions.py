"""Who may see, complete, sign and download an agreement.

``VIEW_CHECKS`` lets another app widen who may see an agreement without
editing this module: append ``check(user, sla) -> bool``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.urls import reverse

from escalation import selectors as escalation_selectors
from organisation import permissions as org

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from agreements.models import SLA, SLAVersion
    from organisation.models import Department

VIEW_CHECKS: list[Callable[[AbstractBaseUser, SLA], bool]] = []


def _arbitrates(user: AbstractBaseUser, sla: SLA) -> bool:
    return escalation_selectors.is_arbiter_in_meeting(user=user, meeting=sla.meeting)


def can_view_sla(user: AbstractBaseUser, sla: SLA) -> bool:
    """Both departments' members, the facilitator, managers in remit, arbiters involved."""
    if not user.is_authenticated:
        return False
    meeting = sla.meeting
    if meeting.facilitator_id == user.pk:
        return True
    if any(org.is_member_of(user, d) for d in sla.departments):
        return True
    if org.manages_any(user, list(sla.departments)):
        return True
    if _arbitrates(user, sla):
        return True
    return any(check(user, sla) for check in VIEW_CHECKS)


def can_download_pdf(user: AbstractBaseUser, sla: SLA) -> bool:
    return can_view_sla(user, sla)


def department_headed_in(user: AbstractBaseUser, sla: SLA) -> Department | None:
    """The one of the two departments ``user`` heads, if any."""
    return next((d for d in sla.departments if org.is_head_of(user, d)), None)


def can_edit_sla(user: AbstractBaseUser, sla: SLA) -> bool:
    """The two heads and the facilitator complete the rough details before signing."""
    if not user.is_authenticated:
        return False
    return sla.meeting.facilitator_id == user.pk or department_headed_in(user, sla) is not None


def can_sign(user: AbstractBaseUser, sla: SLA) -> bool:
    return department_headed_in(user, sla) is not None


def version_url(version: SLAVersion) -> str:
    return reverse("agreements:version", kwargs={"pk": version.sla_id, "number": version.number})
