"""Reads about exchanges that need joins."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch, Q, QuerySet

from meetings import permissions
from meetings.models import Event, Meeting, NeedItem, NeedList, Remark, Step, Summary
from organisation import permissions as org
from organisation.models import Membership


def meeting_with_everything(pk: int, *, lock: bool = False) -> Meeting:
    """One meeting with everything its screens and rules look at, in a fixed number of queries."""
    items = (
        NeedItem.objects.select_related("escalation")
        .order_by("position", "id")
        .prefetch_related(
            Prefetch("summaries", queryset=Summary.objects.order_by("round")),
            "moves",
        )
    )
    queryset = Meeting.objects.select_related(
        "department_a", "department_b", "facilitator", "current_item"
    ).prefetch_related(
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
    )
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.get(pk=pk)


def meetings_for_user(user: AbstractBaseUser) -> QuerySet[Meeting]:
    """Every exchange this person may see."""
    departments = Membership.objects.filter(user=user).values("department_id")
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
        .order_by("-scheduled_for")
        .distinct()
    )


def upcoming_for_user(user: AbstractBaseUser) -> list[Meeting]:
    return list(meetings_for_user(user).exclude(step=Step.CLOSED).order_by("scheduled_for"))


def lists_to_prepare(user: AbstractBaseUser) -> list[NeedList]:
    """Need lists this person can still work on before their meetings open."""
    result = []
    lists = NeedList.objects.filter(
        meeting__step=Step.PREPARATION,
        department__memberships__user=user,
    ).select_related("meeting__department_a", "meeting__department_b", "department")
    for need_list in lists:
        if permissions.can_edit_need_list(user, need_list):
            result.append(need_list)
    return result


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
