"""Small ``make_*`` factories for tests: each makes one thing with sensible defaults."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from meetings.models import Meeting, NeedItem, NeedList
from organisation.models import Department, Membership, OrgRole

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


def make_user(username: str | None = None, *, first_name: str = "", last_name: str = "", **extra):
    username = username or f"user{next(_counter)}"
    return get_user_model().objects.create_user(
        username=username,
        password=PASSWORD,
        first_name=first_name or username.capitalize(),
        last_name=last_name,
        email=f"{username}@example.org",
        **extra,
    )


def make_department(name: str | None = None, *, head=None, members=()) -> Department:
    department = Department.objects.create(name=name or f"Department {next(_counter)}")
    if head is not None:
        Membership.objects.create(user=head, department=department, role=Membership.Role.HEAD)
    for member in members:
        Membership.objects.create(user=member, department=department, role=Membership.Role.MEMBER)
    return department


def give_role(user, role: str, remit=()) -> OrgRole:
    org_role = OrgRole.objects.create(user=user, role=role)
    if remit:
        org_role.remit.set(remit)
    return org_role


def make_meeting(
    *, department_a: Department, department_b: Department, facilitator, created_by=None, **extra
) -> Meeting:
    meeting = Meeting.objects.create(
        department_a=department_a,
        department_b=department_b,
        facilitator=facilitator,
        scheduled_for=extra.pop("scheduled_for", timezone.now() + dt.timedelta(days=7)),
        place=extra.pop("place", "Board room"),
        created_by=created_by or facilitator,
        **extra,
    )
    NeedList.objects.create(meeting=meeting, department=department_a)
    NeedList.objects.create(meeting=meeting, department=department_b)
    return meeting


ITEM_DEFAULTS: dict[str, Any] = {
    "benefit_department": "We can close the month two days sooner.",
    "benefit_organisation": "Cash is collected sooner across the business.",
    "cost_estimate": Decimal("2000"),
    "value_estimate": Decimal("10000"),
    "service_level": "Within three working days",
    "measure_what": "Share of orders with complete paperwork",
    "measure_kind": "share",
    "measure_threshold": Decimal("95"),
    "measure_frequency": "monthly",
}


# What the yes and counter-offer forms send for the measure they carry.
MEASURE_POST: dict[str, str] = {
    "measure_what": "Orders with complete paperwork",
    "measure_kind": "share",
    "measure_threshold": "95",
    "measure_limit": "1",
    "measure_time_unit": "working_days",
    "measure_frequency": "monthly",
    "measured_by": "Sean Doyle",
}


def item_data(**overrides) -> dict[str, Any]:
    return {"service": overrides.pop("service", "Signed order forms"), **ITEM_DEFAULTS, **overrides}


def make_item(need_list: NeedList, service: str = "Signed order forms", **overrides) -> NeedItem:
    last = need_list.items.count()
    data = item_data(service=service, **overrides)
    return NeedItem.objects.create(need_list=need_list, position=last, **data)
