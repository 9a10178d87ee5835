"""Reads about exchanges that need joins."""

from __future__ import annotations

import functools

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import (
    CharField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Cast, Concat

from meetings import permissions
from meetings.models import (
    Event,
    ItemStatus,
    Meeting,
    Move,
    NeedItem,
    NeedList,
    Remark,
    Step,
    Summary,
)
from organisation import permissions as org
from organisation.models import Membership


def _everything() -> list:
    """The prefetches of everything a meeting's screens and rules look at."""
    items = (
        NeedItem.objects.select_related("escalation")
        .order_by("position", "id")
        .prefetch_related(
            Prefetch(
                "summaries",
                queryset=Summary.objects.select_related("author", "verdict_by").order_by("round"),
            ),
            Prefetch("moves", queryset=Move.objects.select_related("author")),
        )
    )
    return [
        Prefetch(
            "need_lists",
            queryset=NeedList.objects.select_related("department", "ready_by").prefetch_related(
                Prefetch("items", queryset=items)
            ),
        ),
        Prefetch(
            "remarks",
            queryset=Remark.objects.select_related("author", "answered_by", "struck_by"),
        ),
        "acknowledgements",
        "readiness",
    ]


def _with_people(meeting: Meeting) -> Meeting:
    """The two departments' people (the heads are named when the meeting waits for one),
    in one query for both."""
    prefetch_related_objects(
        [meeting.department_a, meeting.department_b],
        Prefetch("memberships", queryset=Membership.objects.select_related("user")),
    )
    return meeting


def meeting_with_everything(pk: int, *, lock: bool = False) -> Meeting:
    """One meeting with everything its screens and rules look at, in a fixed number of queries."""
    queryset = Meeting.objects.select_related(
        "department_a", "department_b", "facilitator", "current_item"
    ).prefetch_related(*_everything())
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return _with_people(queryset.get(pk=pk))


def with_everything(meeting: Meeting) -> Meeting:
    """``meeting_with_everything`` for a meeting already loaded (with its departments)."""
    prefetch_related_objects([meeting], *_everything())
    return _with_people(meeting)


def meeting_for_page(pk: int) -> QuerySet[Meeting]:
    """The meeting as its page's permission checks need it: its departments and facilitator.

    What its regions depend on is read apart, first (``page_version``): joined to this
    query, it made this one cost more to build than the two cost to run.
    """
    return Meeting.objects.select_related("department_a", "department_b", "facilitator").filter(
        pk=pk
    )


_SOME_MEETING = -1  # stands for the meeting's id in the version query, built once


def page_version(meeting_id: int) -> tuple:
    """What the meeting page's regions depend on, read fresh in one small query.

    Every change to a meeting is recorded as an event, so its latest event (number and
    time) stands for all of them; an escalation moves on in its own app, so the state of
    each escalated request is part of it too (in no set order: SQLite cannot order an
    aggregate; another order only costs a rendering). Building the query costs more than
    running it, so it is built once per process and run with this meeting's id.

    Read it before the meeting: then what is rendered from the meeting is never older
    than the version it is kept under.
    """
    sql, built_with, position = _version_query(connection.vendor)
    params = [*built_with[:position], meeting_id, *built_with[position + 1 :]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    latest_seq, latest_at, states = row if row else (None, None, None)
    return (latest_seq or 0, latest_at, states or "")


@functools.cache
def _version_query(vendor: str) -> tuple[str, tuple, int]:
    latest = Event.objects.filter(meeting=OuterRef("pk")).order_by("-seq")
    escalations = (
        NeedItem.objects.filter(need_list__meeting=OuterRef("pk"), status=ItemStatus.ESCALATED)
        .order_by()
        .values("need_list__meeting")
        .annotate(
            states=StringAgg(
                Concat(Cast("pk", CharField()), Value(":"), "escalation__state"),
                Value(","),
            )
        )
        .values("states")
    )
    query = (
        Meeting.objects.filter(pk=_SOME_MEETING)
        .order_by()
        .annotate(
            latest_seq=Subquery(latest.values("seq")[:1]),
            latest_at=Subquery(latest.values("at")[:1]),
            escalation_states=Subquery(escalations),
        )
        .values_list("latest_seq", "latest_at", "escalation_states")
    )
    sql, params = query.query.sql_with_params()
    params = list(params)
    if params.count(_SOME_MEETING) != 1:
        raise RuntimeError("The meeting's id must appear exactly once in the version query.")
    return sql, tuple(params), params.index(_SOME_MEETING)


def meetings_for_user(user: AbstractBaseUser) -> QuerySet[Meeting]:
    """Every exchange this person may see."""
    departments = list(org.memberships_of(user))
    condition = (
        Q(facilitator=user) | Q(department_a__in=departments) | Q(department_b__in=departments)
    )
    if org.is_manager(user):
        remit = org.manager_remit_ids(user)
        if remit is None:
            condition = Q()
        else:
            condition |= Q(department_a__in=remit) | Q(department_b__in=remit)
    return (
        Meeting.objects.filter(condition)
        .select_related("department_a", "department_b", "facilitator")
        .order_by("-scheduled_for", "-pk")
    )


def upcoming_for_user(user: AbstractBaseUser, limit: int | None = None) -> list[Meeting]:
    """Exchanges not closed yet, soonest first (the first ``limit`` of them)."""
    upcoming = meetings_for_user(user).exclude(step=Step.CLOSED).order_by("scheduled_for", "pk")
    return list(upcoming[:limit] if limit else upcoming)


def facilitating_in_preparation(user: AbstractBaseUser, limit: int) -> list[Meeting]:
    """The first ``limit`` exchanges ``user`` facilitates that are still in preparation."""
    return list(
        Meeting.objects.filter(facilitator=user, step=Step.PREPARATION)
        .select_related("department_a", "department_b", "facilitator")
        .order_by("scheduled_for", "pk")[:limit]
    )


def lists_to_prepare(user: AbstractBaseUser, limit: int | None = None) -> list[NeedList]:
    """Need lists this person can still work on before their meetings open, soonest first.

    The database narrows them to what ``permissions.can_edit_need_list`` allows (a head's
    own department's, a member's where the head lets members edit); that rule then has
    the last word on each."""
    memberships = org.memberships_of(user)
    headed = [d for d, m in memberships.items() if m.role == Membership.Role.HEAD]
    lists = (
        NeedList.objects.filter(meeting__step=Step.PREPARATION, department_id__in=list(memberships))
        .filter(Q(department_id__in=headed) | Q(members_may_edit=True))
        .select_related("meeting__department_a", "meeting__department_b", "department")
        .order_by("meeting__scheduled_for", "pk")
    )
    if limit:
        lists = lists[:limit]
    return [need_list for need_list in lists if permissions.can_edit_need_list(user, need_list)]


def events_for(meeting: Meeting, *, after_seq: int = 0) -> QuerySet[Event]:
    return (
        Event.objects.filter(meeting=meeting, seq__gt=after_seq)
        .select_related("actor", "item__need_list")
        .order_by("seq")
    )


def preparation_overview(meetings: list[Meeting]) -> list[dict]:
    """For a facilitator: each meeting in preparation with both lists' readiness and flags."""
    pks = [m.pk for m in meetings if m.step == Step.PREPARATION]
    lists = NeedList.objects.filter(meeting_id__in=pks).select_related("department")
    by_meeting: dict[int, list[NeedList]] = {}
    for need_list in lists:
        by_meeting.setdefault(need_list.meeting_id, []).append(need_list)
    return [
        {
            "meeting": m,
            "lists": sorted(
                by_meeting.get(m.pk, []), key=lambda nl: nl.department_id != m.department_a_id
            ),
        }
        for m in meetings
        if m.pk in by_meeting
    ]
