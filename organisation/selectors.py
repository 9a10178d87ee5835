"""What the organisation page reads: departments, people, roles and the record."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from organisation.models import Department, Invitation, Membership, OrgChange, OrgRole

PEOPLE_PER_PAGE = 50


def departments_with_people() -> QuerySet[Department]:
    """Every department with its memberships (head first) and their people."""
    return Department.objects.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("user").order_by(
                "role", "user__first_name", "user__last_name"
            ),
        )
    ).order_by("name")


def role_holders() -> dict[str, list[OrgRole]]:
    """Facilitators, arbiters, managers (with remits) and administrators."""
    holders: dict[str, list[OrgRole]] = {value: [] for value, _ in OrgRole.Role.choices}
    roles = (
        OrgRole.objects.filter(user__is_active=True)
        .select_related("user")
        .prefetch_related("remit")
        .order_by("user__first_name", "user__last_name")
    )
    for role in roles:
        holders[role.role].append(role)
    return holders


@dataclass
class PersonRow:
    user: object
    department: Department | None
    is_head: bool
    roles: list[str]
    status: str  # "active", "invited", "invitation_expired", "deactivated", "never_signed_in"
    invitation: Invitation | None


def people_page(*, query: str = "", page: int | str = 1) -> tuple[Page, list[PersonRow]]:
    """One page of people, with what the page shows of each, in a fixed number of queries."""
    now = timezone.now()
    open_invitations = Invitation.objects.filter(
        user=OuterRef("pk"), accepted_at__isnull=True, revoked_at__isnull=True
    )
    people = (
        get_user_model()
        .objects.annotate(invited=Exists(open_invitations))
        .prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("department")),
            "org_roles",
            Prefetch(
                "invitations",
                queryset=Invitation.objects.filter(
                    accepted_at__isnull=True, revoked_at__isnull=True
                ).order_by("-created_at"),
                to_attr="open_invitations",
            ),
        )
        .order_by("first_name", "last_name", "pk")
    )
    # A search is at most 100 characters of text: control characters (a NUL byte cannot
    # even be sent to PostgreSQL) are dropped.
    query = " ".join("".join(c for c in query if c.isprintable() or c.isspace()).split())[:100]
    if query:
        people = people.filter(
            Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
            | Q(memberships__department__name__icontains=query)
        ).distinct()
    paginator = Paginator(people, PEOPLE_PER_PAGE)
    current = paginator.get_page(page)
    rows = []
    for user in current.object_list:
        membership = next(iter(user.memberships.all()), None)
        invitation = next(iter(user.open_invitations), None)
        if invitation is not None:
            status = "invited" if invitation.expires_at > now else "invitation_expired"
        elif not user.is_active:
            status = "deactivated"
        elif user.last_login is None:
            status = "never_signed_in"
        else:
            status = "active"
        rows.append(
            PersonRow(
                user=user,
                department=membership.department if membership else None,
                is_head=bool(membership and membership.role == Membership.Role.HEAD),
                roles=sorted(r.role for r in user.org_roles.all()),
                status=status,
                invitation=invitation,
            )
        )
    return current, rows


def recent_changes(limit: int = 15) -> list[OrgChange]:
    return list(OrgChange.objects.select_related("actor")[:limit])


def active_people() -> QuerySet:
    """People who can be chosen in the organisation's drop-downs."""
    return get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name")
