"""Reads about agreements that need joins."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse

from agreements.models import SLA, Change, EscalationOutcome, Signature, SLAService, SLAVersion
from meetings.models import Meeting
from organisation import permissions as org
from organisation.models import Membership, OrgRole

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
                queryset=SLAService.objects.select_related(
                    "provider", "recipient", "measure_calendar"
                )
                .prefetch_related("measure_calendar__holidays")
                .order_by("position", "id"),
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
    departments = list(org.memberships_of(user))
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
    )


@dataclass(frozen=True)
class Download:
    """A version's stored PDF, and whether the plain rules already let the user have it."""

    number: int
    pdf: bytes | None
    pdf_sha256: str
    visible: bool


def version_for_download(user_id: int, pk: int, number: int) -> Download | None:
    """The stored PDF of version ``number`` of agreement ``pk`` in one query.

    ``visible`` covers the common cases (a member of either department, the
    facilitator, a manager in remit) in the same query; when it is False the
    view asks ``permissions.can_download_pdf``, which also knows arbiters and
    other apps' checks. Written in SQL because downloads are the hot path: the
    ORM took longer to build this query than the database took to answer it.
    """
    remit = OrgRole.remit.through._meta
    department_field = remit.get_field("department").column
    role_field = remit.get_field("orgrole").column
    sql = f"""
        SELECT v.number, v.pdf, v.pdf_sha256,
          CASE WHEN m.facilitator_id = %(user)s
            OR EXISTS (
              SELECT 1 FROM {Membership._meta.db_table} ms
              WHERE ms.user_id = %(user)s
                AND ms.department_id IN (m.department_a_id, m.department_b_id))
            OR EXISTS (
              SELECT 1 FROM {OrgRole._meta.db_table} r
              WHERE r.user_id = %(user)s AND r.role = %(manager)s AND (
                NOT EXISTS (SELECT 1 FROM {remit.db_table} x WHERE x.{role_field} = r.id)
                OR EXISTS (
                  SELECT 1 FROM {remit.db_table} x
                  WHERE x.{role_field} = r.id
                    AND x.{department_field} IN (m.department_a_id, m.department_b_id))))
          THEN 1 ELSE 0 END
        FROM {SLAVersion._meta.db_table} v
        JOIN {SLA._meta.db_table} s ON s.id = v.sla_id
        JOIN {Meeting._meta.db_table} m ON m.id = s.meeting_id
        WHERE v.sla_id = %(sla)s AND v.number = %(number)s
    """
    params = {"user": user_id, "manager": OrgRole.Role.MANAGER, "sla": pk, "number": number}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    found_number, pdf, digest, visible = row
    return Download(
        number=found_number,
        pdf=bytes(pdf) if pdf is not None else None,
        pdf_sha256=digest or "",
        visible=bool(visible),
    )


def sla_id_for(meeting: Meeting) -> int | None:
    """The id of a meeting's agreement, once closing has drafted one."""
    sla_id = SLA.objects.filter(meeting=meeting).values_list("pk", flat=True).first()
    if sla_id is None and meeting.review_of_id is not None and meeting.closed_at is not None:
        reviewed = reviewed_sla(meeting)  # a review's outcome is the next version of this one
        sla_id = reviewed.pk if reviewed is not None else None
    return sla_id


def sla_url_for(meeting: Meeting) -> str | None:
    """The address of a meeting's agreement, once closing has drafted one."""
    sla_id = sla_id_for(meeting)
    return reverse("agreements:detail", args=[sla_id]) if sla_id else None


def versions_to_sign(user: AbstractBaseUser) -> QuerySet[SLAVersion]:
    """Unsigned versions where ``user`` heads a party whose signature is still missing,
    oldest first (slice it: the home page shows the first few)."""
    headed = [d for d, m in org.memberships_of(user).items() if m.role == Membership.Role.HEAD]
    if not headed:
        return SLAVersion.objects.none()
    signed_by_them = Signature.objects.filter(version=OuterRef("pk"), department__in=headed)
    return (
        SLAVersion.objects.filter(status__in=["draft", "awaiting"])
        .filter(Q(sla__meeting__department_a__in=headed) | Q(sla__meeting__department_b__in=headed))
        .exclude(Exists(signed_by_them))
        .defer("pdf")
        .select_related("sla__meeting__department_a", "sla__meeting__department_b")
        .order_by("created_at", "pk")
    )


def reviewed_sla(meeting: Meeting) -> SLA | None:
    """The agreement a review exchange develops: the one of the exchange it reviews."""
    seen = {meeting.pk}
    reviewed = meeting.review_of
    while reviewed is not None and reviewed.pk not in seen:
        found = SLA.objects.filter(meeting=reviewed).first()
        if found is not None:
            return found
        seen.add(reviewed.pk)
        reviewed = reviewed.review_of
    return None
