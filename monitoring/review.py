"""Opening a review exchange from a signed agreement.

The review is a normal exchange between the same two departments
(``meetings.services.meeting_schedule(..., review_of=<the agreement's
exchange>)``), whose need lists start with the agreement's services: each
service becomes a request of the department that receives it. The heads then
edit the lists as usual. When the review closes, ``agreements`` turns its
outcome into the next version of the same agreement.

Who opens it: whoever may schedule an exchange (a facilitator or a manager)
and may see the agreement. A head asks for a review instead
(``review_request``): the facilitator of the agreement's exchange is emailed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse

from agreements import permissions as agreement_permissions
from agreements.models import SLA, SLAService
from meetings import permissions as meeting_permissions
from meetings import services as meeting_services
from meetings.models import Meeting
from meetings.rules import RuleError
from monitoring import selectors
from monitoring.services import MonitoringError
from notifications.services import notice_key, notice_send
from organisation.models import Membership
from organisation.people import display_name


def can_open_review(user: AbstractBaseUser, sla: SLA) -> bool:
    return meeting_permissions.can_schedule_exchange(user) and agreement_permissions.can_view_sla(
        user, sla
    )


def can_call_review(user: AbstractBaseUser, sla: SLA) -> bool:
    """Either head calls a review exchange, as any exchange: the other head answers the
    time, and the caller's department presents first."""
    return agreement_permissions.department_headed_in(user, sla) is not None


def can_request_review(user: AbstractBaseUser, sla: SLA) -> bool:
    """A head asks the facilitator of the agreement's exchange (without one, a head calls
    a new exchange instead)."""
    return (
        sla.meeting.facilitator_id is not None
        and agreement_permissions.department_headed_in(user, sla) is not None
    )


def open_review(sla: SLA) -> Meeting | None:
    """A review of this agreement that has not closed yet."""
    return Meeting.objects.filter(review_of_id=sla.meeting_id, closed_at__isnull=True).first()


def _item_data(service: SLAService) -> dict[str, Any]:
    """The request a service becomes: its terms now, the original benefits and estimates."""
    item = service.need_item
    carried = "Carried over from the agreement; restate it for the review."
    return {
        "service": service.service,
        "benefit_department": item.benefit_department if item else carried,
        "benefit_organisation": item.benefit_organisation if item else carried,
        "cost_estimate": item.cost_estimate if item else Decimal("0"),
        "value_estimate": item.value_estimate if item else Decimal("0"),
        "service_level": service.level or (item.service_level if item else "") or "As agreed",
        **{k: v for k, v in service.measure_values().items() if k != "measured_by"},
        "measured_by": service.measured_by,
    }


@transaction.atomic
def review_open(
    *,
    sla: SLA,
    by: AbstractBaseUser,
    scheduled_for: dt.datetime,
    place: str,
    facilitator: AbstractBaseUser | None = None,
) -> Meeting:
    """A review exchange of ``sla``, its need lists filled from the agreement in force.

    A facilitator or a manager schedules it (the time is set); a head of either
    department calls it like any exchange (the other head answers the time, the
    caller's department presents first, a named facilitator is invited).
    """
    sla = SLA.objects.select_related(
        "meeting__department_a", "meeting__department_b", "meeting__facilitator"
    ).get(pk=sla.pk)
    calling = None
    if not can_open_review(by, sla):
        calling = agreement_permissions.department_headed_in(by, sla)
        if calling is None:
            raise MonitoringError(
                "Only a head of either department, a facilitator or a manager opens a review "
                "exchange.",
                status=403,
            )
    version = selectors.signed_version(sla)
    if version is None:
        raise MonitoringError("Only a signed agreement is reviewed.")
    if open_review(sla) is not None:
        raise MonitoringError("A review exchange of this agreement is already under way.")
    original = sla.meeting
    title = f"Review: {original.department_a.name} and {original.department_b.name}"
    try:
        if calling is not None:
            meeting = meeting_services.meeting_call(
                by=by,
                department_a=calling,
                department_b=original.other_department(calling),
                facilitator=facilitator,
                scheduled_for=scheduled_for,
                place=place,
                title=title,
                review_of=original,
            )
        else:
            meeting = meeting_services.meeting_schedule(
                by=by,
                department_a=original.department_a,
                department_b=original.department_b,
                facilitator=facilitator or original.facilitator,
                scheduled_for=scheduled_for,
                place=place,
                title=title,
                review_of=original,
            )
        services = (
            version.services.select_related("recipient", "need_item")
            .prefetch_related(
                Prefetch(
                    "recipient__memberships", queryset=Membership.objects.select_related("user")
                )
            )
            .order_by("position", "id")
        )
        for service in services:
            head = service.recipient.head
            meeting_services.need_item_add(
                need_list=meeting.need_list_for(service.recipient),
                by=head,
                data=_item_data(service),
                confirmed_need=True,
            )
    except ValidationError as invalid:
        raise MonitoringError(" ".join(invalid.messages), status=400) from invalid
    except (RuleError, ValueError) as refusal:
        message = getattr(refusal, "message", None) or str(refusal)
        raise MonitoringError(message, status=getattr(refusal, "status", 400)) from refusal
    return meeting


def review_request(*, sla: SLA, by: AbstractBaseUser, note: str = "") -> None:
    """A head asks the facilitator of the agreement's exchange to open a review."""
    if not can_request_review(by, sla):
        raise MonitoringError("Only the head of one of the two departments asks for a review.", 403)
    facilitator = sla.meeting.facilitator
    url = settings.SITE_URL.rstrip("/") + reverse("monitoring:review", kwargs={"pk": sla.pk})
    notice_send(
        to=facilitator,
        subject=f"Review asked for: {sla}",
        body=(
            f"{display_name(by)} asks for a review exchange of the agreement between "
            f"{sla.meeting.department_a.name} and {sla.meeting.department_b.name}."
            + (f"\n\n{note.strip()}" if note.strip() else "")
            + f"\n\nOpen it here: {url}\n"
        ),
        # Each request is its own notice: a head may ask again.
        key=notice_key("monitoring-review-request", sla.pk, uuid.uuid4().hex),
        kind="monitoring",
    )
