"""Emails about an agreement: ready to sign, waiting for the other signature, signed.

Queued in the outbox (``notifications.services.notice_send``) inside the
transaction of the change, keyed so each is sent once. Only people who may
see the agreement (``agreements.permissions``) are ever told about it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.urls import reverse

from agreements import permissions
from agreements.models import SLAVersion
from notifications import kinds
from notifications.services import notice_key, notice_send
from organisation.models import Department, OrgRole
from organisation.people import display_name


def _url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _version_link(version: SLAVersion) -> str:
    return _url(permissions.version_url(version))


def _parties(version: SLAVersion) -> str:
    meeting = version.sla.meeting
    return f"{meeting.department_a.name} and {meeting.department_b.name}"


def ready_to_sign(version: SLAVersion) -> None:
    """A draft came out of an exchange: both heads complete it and sign."""
    for department in version.sla.departments:
        notice_send(
            to=department.head,
            subject=f"Ready to sign: the agreement between {_parties(version)}",
            body=(
                f"Version {version.number} of the service level agreement between "
                f"{_parties(version)} is drafted. Read it, complete anything it says is "
                f"missing, and sign for {department.name}:\n{_version_link(version)}"
            ),
            key=notice_key("agreement-ready", version.pk),
            kind=kinds.AGREEMENT,
        )


def awaiting_signature(version: SLAVersion, *, signed_for: Department, by: AbstractBaseUser):
    """One head signed: the other head is asked to sign too."""
    other = version.sla.meeting.other_department(signed_for)
    notice_send(
        to=other.head,
        subject=f"Your signature is needed: the agreement between {_parties(version)}",
        body=(
            f"{display_name(by)} signed version {version.number} for {signed_for.name}. "
            f"It takes effect once you sign for {other.name}:\n{_version_link(version)}"
        ),
        key=notice_key("agreement-awaiting", version.pk),
        kind=kinds.AGREEMENT,
    )


def sign_nudge(
    version: SLAVersion, *, department: Department, by: AbstractBaseUser, key: str
) -> list:
    """The chair's reminder to a head who has not signed yet."""
    return notice_send(
        to=department.head,
        subject=f"Reminder: please sign the agreement between {_parties(version)}",
        body=(
            f"{display_name(by)}, who chaired the exchange, asks you to read version "
            f"{version.number} of the agreement between {_parties(version)}, complete anything "
            f"it says is missing, and sign for {department.name}:\n{_version_link(version)}"
        ),
        key=key,
        kind=kinds.AGREEMENT,
    )


def may_download(version: SLAVersion) -> list[AbstractBaseUser]:
    """Everyone ``permissions.can_download_pdf`` lets download the agreement's PDF."""
    sla = version.sla
    meeting = sla.meeting
    candidates = (
        get_user_model()
        .objects.filter(
            Q(memberships__department__in=[meeting.department_a_id, meeting.department_b_id])
            | Q(pk=getattr(meeting, "facilitator_id", None))
            | Q(org_roles__role__in=[OrgRole.Role.MANAGER, OrgRole.Role.ARBITER])
        )
        .distinct()
        .order_by("pk")
    )
    return [person for person in candidates if permissions.can_download_pdf(person, sla)]


def signed(version: SLAVersion) -> None:
    """The sealed PDF exists: everyone who may download it gets the link."""
    pdf = _url(reverse("agreements:pdf", kwargs={"pk": version.sla_id, "number": version.number}))
    notice_send(
        to=may_download(version),
        subject=f"Signed: the agreement between {_parties(version)}",
        body=(
            f"Both heads signed version {version.number} of the service level agreement "
            f"between {_parties(version)}. The sealed PDF:\n{pdf}\n\n"
            f"The agreement: {_version_link(version)}"
        ),
        key=notice_key("agreement-signed", version.pk),
        kind=kinds.AGREEMENT_SIGNED,
    )
