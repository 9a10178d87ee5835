"""Reads for escalations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Prefetch, Q, QuerySet, Window, prefetch_related_objects

from escalation import permissions as esc_permissions
from escalation.models import (
    CHOSEN_STATES,
    ArbiterProposal,
    ArbiterResponse,
    Escalation,
    FacilitationSession,
    Outcome,
    State,
)
from meetings.models import Move, Remark, Summary
from organisation import permissions as org
from organisation.models import Membership, OrgRole
from organisation.people import display_name


def is_arbiter_in_meeting(*, user: AbstractBaseUser, meeting) -> bool:
    """Whether ``user`` is the chosen arbiter of an escalation from ``meeting``."""
    if not user.is_authenticated:
        return False
    return Escalation.objects.filter(
        meeting=meeting, arbiter=user, state__in=CHOSEN_STATES
    ).exists()


# What ``action_for`` reads to know whether a head has answered: the proposals with their
# responses, and the consents.
_ANSWERS = (
    Prefetch(
        "proposals",
        queryset=ArbiterProposal.objects.select_related("arbiter", "proposed_by")
        .prefetch_related(
            Prefetch(
                "responses",
                queryset=ArbiterResponse.objects.select_related("head", "department"),
            )
        )
        .order_by("proposed_at", "id"),
    ),
    "consents__head",
    "consents__department",
)


def _base() -> QuerySet[Escalation]:
    return Escalation.objects.select_related(
        "item__need_list__department",
        "meeting__department_a",
        "meeting__department_b",
        "meeting__facilitator",
        "arbiter",
        "opened_by",
    ).prefetch_related(*_ANSWERS)


def escalation_with_everything(pk: int) -> Escalation:
    """One escalation with its proposals, consents, notes, sessions and outcome."""
    return (
        _base()
        .select_related("outcome__decided_by")
        .prefetch_related(
            "notes__author",
            Prefetch(
                "sessions",
                queryset=FacilitationSession.objects.prefetch_related("attendees").order_by(
                    "held_on", "id"
                ),
            ),
        )
        .get(pk=pk)
    )


def visible_escalations(user: AbstractBaseUser) -> QuerySet[Escalation]:
    """Every escalation ``user`` may see (see ``permissions.can_view_escalation``)."""
    if not user.is_authenticated:
        return Escalation.objects.none()
    departments = list(org.memberships_of(user))
    condition = (
        Q(meeting__facilitator=user)
        | Q(arbiter=user, state__in=CHOSEN_STATES)
        | Q(meeting__department_a__in=departments)
        | Q(meeting__department_b__in=departments)
    )
    if org.is_manager(user):
        remit = org.manager_remit_ids(user)
        if remit is None:
            condition = Q()
        else:
            condition |= Q(meeting__department_a__in=remit) | Q(meeting__department_b__in=remit)
    return _base().filter(condition)


def action_for(user: AbstractBaseUser, escalation: Escalation) -> str:
    """What ``user`` has to do on ``escalation`` now, in a few words; "" when nothing."""
    state = escalation.state
    if state == State.AWAITING_PROPOSAL:
        return "Propose an arbiter" if esc_permissions.proposes_arbiter(user, escalation) else ""
    if state == State.WITH_ARBITER:
        return (
            "Help the two sides, then record the outcome"
            if (esc_permissions.is_the_arbiter(user, escalation))
            else ""
        )
    if state in (State.AWAITING_ACCEPTANCE, State.AWAITING_CONSENTS):
        department = esc_permissions.headed_department(user, escalation)
        if department is None:
            return ""
        if state == State.AWAITING_ACCEPTANCE:
            proposal = escalation.current_proposal
            answered = proposal is not None and any(
                r.department_id == department.pk for r in proposal.responses.all()
            )
            return "" if answered else "Accept the proposed arbiter, or say why not"
        consented = any(c.department_id == department.pk for c in escalation.consents.all())
        return "" if consented else "Agree to be bound by the outcome"
    return ""


def escalations_for_user(user: AbstractBaseUser) -> list[Escalation]:
    """The escalations ``user`` may see, the ones needing them first, then newest first.

    Each escalation carries two extra attributes for the home page:

    * ``needs_action_by_user`` (bool): ``user`` has something to do on it now
      (the facilitator proposes an arbiter; a head accepts the arbiter or consents
      to be bound; the arbiter records notes, sessions and the outcome);
    * ``action_label`` (str): what that is, in a few words ("" when nothing).

    Show ``escalation.get_state_display()`` for its state.
    """
    escalations = with_actions(user, visible_escalations(user))
    escalations.sort(key=lambda e: not e.needs_action_by_user)
    return escalations


def with_actions(user: AbstractBaseUser, escalations: Iterable[Escalation]) -> list[Escalation]:
    """``escalations`` with ``action_label`` and ``needs_action_by_user`` (see above)."""
    escalations = list(escalations)
    for escalation in escalations:
        escalation.action_label = action_for(user, escalation)
        escalation.needs_action_by_user = bool(escalation.action_label)
    return escalations


HEADS_ANSWER = (State.AWAITING_ACCEPTANCE, State.AWAITING_CONSENTS)


def needing_user(user: AbstractBaseUser, limit: int) -> tuple[list[Escalation], int]:
    """For the home page: up to ``limit`` escalations on which ``user`` has something to do
    now, oldest first, and how many may need them in all (what the rules in
    ``action_for`` could ask of them, before the per-head details)."""
    if not user.is_authenticated:
        return [], 0
    headed = [d for d, m in org.memberships_of(user).items() if m.role == Membership.Role.HEAD]
    # Each branch is one of ``action_for``'s (narrower than what the person may see, so no
    # visibility filter is needed); ``action_for`` then settles the per-head details.
    chaired_by_facilitator = Q(meeting__facilitator=user, meeting__facilitator_invited=False)
    chaired_by_head_a = (
        Q(meeting__facilitator__isnull=True) | Q(meeting__facilitator_invited=True)
    ) & Q(meeting__department_a__in=headed)
    candidates = Escalation.objects.filter(
        Q(state=State.AWAITING_PROPOSAL) & (chaired_by_facilitator | chaired_by_head_a)
        | Q(state=State.WITH_ARBITER, arbiter=user)
        | (
            Q(state__in=HEADS_ANSWER)
            & (Q(meeting__department_a__in=headed) | Q(meeting__department_b__in=headed))
        )
    )
    window = limit * 4
    # The first few ids and how many there are in all, in one query.
    rows = list(
        candidates.annotate(total=Window(Count("pk")))
        .order_by("pk")
        .values_list("pk", "total")[:window]
    )
    ids = [pk for pk, _total in rows]
    found: list[Escalation] = []
    # The panel shows the request and the state; only a head's answer needs the proposals
    # and consents. Most candidates need the person, so they are read a few at a time.
    panel = Escalation.objects.select_related(
        "item", "meeting__department_a", "meeting__department_b"
    ).order_by("pk")
    for start in range(0, len(ids), limit):
        chosen = list(panel.filter(pk__in=ids[start : start + limit]))
        answers = [e for e in chosen if e.state in HEADS_ANSWER]
        prefetch_related_objects(answers, *_ANSWERS)
        found += [e for e in with_actions(user, chosen) if e.needs_action_by_user]
        if len(found) >= limit:
            break
    return found[:limit], rows[0][1] if rows else 0


def eligible_arbiters(escalation: Escalation) -> QuerySet:
    """People with the arbiter or manager role who belong to neither department."""
    meeting = escalation.meeting
    return (
        get_user_model()
        .objects.filter(
            org_roles__role__in=[OrgRole.Role.ARBITER, OrgRole.Role.MANAGER], is_active=True
        )
        .exclude(memberships__department__in=[meeting.department_a_id, meeting.department_b_id])
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def session_attendee_choices(escalation: Escalation) -> QuerySet:
    """Who can attend a facilitation session: both departments, the arbiter, the facilitator."""
    meeting = escalation.meeting
    return (
        get_user_model()
        .objects.filter(
            Q(memberships__department__in=[meeting.department_a_id, meeting.department_b_id])
            | Q(pk=escalation.arbiter_id)
            | Q(pk=meeting.facilitator_id)
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


# --- the thread --------------------------------------------------------------------------


@dataclass
class ThreadEntry:
    """One contribution in the history of the escalated request, for reading in order."""

    at: dt.datetime
    who: str
    kind: str
    text: str = ""
    details: list[tuple[str, str]] = field(default_factory=list)
    side: str = ""  # "a", "b" or "" (neither)
    struck: bool = False


def escalation_thread(escalation: Escalation) -> list[ThreadEntry]:
    """The request's whole history: questions, summaries and every move, oldest first."""
    item = escalation.item
    meeting = escalation.meeting
    side_of = {}
    for membership in Membership.objects.filter(
        department__in=[meeting.department_a_id, meeting.department_b_id]
    ):
        side_of[membership.user_id] = (
            "a" if membership.department_id == meeting.department_a_id else "b"
        )

    entries: list[ThreadEntry] = []
    if item.presented_at:
        entries.append(
            ThreadEntry(
                at=item.presented_at,
                who=item.need_list.department.name,
                kind="Request presented",
                text=item.service,
                side="a" if item.need_list.department_id == meeting.department_a_id else "b",
            )
        )
    for remark in Remark.objects.filter(item=item).select_related(
        "author", "answered_by", "struck_by"
    ):
        entries.append(
            ThreadEntry(
                at=remark.created_at,
                who=display_name(remark.author),
                kind="Clarifying question",
                text=remark.text,
                side=side_of.get(remark.author_id, ""),
                struck=bool(remark.struck_at),
                details=[("Struck as out of order", remark.struck_reason)]
                if remark.struck_at
                else [],
            )
        )
        if remark.answered_at:
            entries.append(
                ThreadEntry(
                    at=remark.answered_at,
                    who=display_name(remark.answered_by),
                    kind="Answer",
                    text=remark.answer,
                    side=side_of.get(remark.answered_by_id, ""),
                )
            )
    for summary in Summary.objects.filter(item=item).select_related("author", "verdict_by"):
        entries.append(
            ThreadEntry(
                at=summary.created_at,
                who=display_name(summary.author),
                kind=f"Summary (round {summary.round})",
                text=summary.text,
                side=side_of.get(summary.author_id, ""),
            )
        )
        if summary.verdict_at:
            entries.append(
                ThreadEntry(
                    at=summary.verdict_at,
                    who=display_name(summary.verdict_by),
                    kind=summary.get_verdict_display(),
                    text=summary.verdict_note,
                    side=side_of.get(summary.verdict_by_id, ""),
                )
            )
    for move in Move.objects.filter(item=item).select_related("author"):
        details: list[tuple[str, str]] = []
        if move.service:
            details.append(("Service", move.service))
        if move.level:
            details.append(("Level", move.level))
        if move.start_date:
            details.append(("Starting", f"{move.start_date:%-d %B %Y}"))
        if move.milestones:
            details.append(("Milestones", move.milestones))
        if move.reason:
            details.append(("Reason", move.get_reason_display()))
        entries.append(
            ThreadEntry(
                at=move.created_at,
                who=display_name(move.author),
                kind=move.get_kind_display(),
                text=move.text,
                details=details,
                side=side_of.get(move.author_id, ""),
            )
        )
    entries.sort(key=lambda e: e.at)
    return entries


def outcome_for_item(item) -> Outcome | None:
    """The arbiter's recorded outcome on a request, if there is one yet."""
    return Outcome.objects.filter(escalation__item=item).first()
