"""Reads about agreements that need joins."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch, Q, QuerySet

from agreements.models import SLA, Change, EscalationOutcome, Signature, SLAService, SLAVersion
from exchange import permissions as org
from exchange.models import Membership

_VERSION_RELATED = (
    "sla__meeting__department_a",
    "sla__meeting__department_b",
    "sla__meeting__facilitator",
)


def version_for_print(pk: int) -> SLAVersion:
    """One version with everything its page and its PDF show, in a fixed number of queries."""
    return (
        SLAVersion.objects.select_related(*_VERSION_RELATED)
        .prefetch_related(
            Prefetch(
                "services",
                queryset=SLAService.objects.select_related("provider", "recipient").order_by(
                    "position", "id"
                ),
            ),
            Prefetch(
                "escalations",
                queryset=EscalationOutcome.objects.select_related("provider", "recipient"),
            ),
            Prefetch(
                "signatures",
                queryset=Signature.objects.select_related("department", "signer"),
            ),
            Prefetch("changes", queryset=Change.objects.select_related("by")),
            "sla__meeting__department_a__memberships__user",
            "sla__meeting__department_b__memberships__user",
        )
        .get(pk=pk)
    )


def version_by_pdf_sha256(digest: str) -> SLAVersion | None:
    return (
        SLAVersion.objects.select_related(*_VERSION_RELATED)
        .prefetch_related(
            Prefetch("signatures", queryset=Signature.objects.select_related("department"))
        )
        .defer("pdf")
        .filter(pdf_sha256=digest)
        .first()
    )


def slas_for_user(user: AbstractBaseUser) -> QuerySet[SLA]:
    """Every agreement this person may see (the arbiters' share comes from ``can_view_sla``)."""
    departments = Membership.objects.filter(user=user).values("department_id")
    condition = (
        Q(meeting__facilitator=user)
        | Q(meeting__department_a__in=departments)
        | Q(meeting__department_b__in=departments)
    )
    if org.is_manager(user):
        remit = org.manager_remit_ids(user)
        if remit is None:
            condition = Q()
        else:
            condition |= Q(meeting__department_a__in=remit) | Q(meeting__department_b__in=remit)
    return (
        SLA.objects.filter(condition)
        .select_related("meeting__department_a", "meeting__department_b")
        .prefetch_related(
            Prefetch("versions", queryset=SLAVersion.objects.defer("pdf").order_by("number"))
        )
        .distinct()
    )
