"""Writes for escalations.

Every service locks the escalation row, checks who is acting and where the
escalation stands, changes the data, and schedules its emails on commit. A
refusal raises ``EscalationRefused`` (a ``meetings.rules.RuleError``) with a
message for the page and an HTTP status: 403 for the wrong person, 409 for the
wrong moment or incomplete input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from escalation import notifications, signals
from escalation import permissions as esc_permissions
from escalation.models import (
    ArbiterNote,
    ArbiterProposal,
    ArbiterResponse,
    Consent,
    Escalation,
    FacilitationSession,
    Outcome,
    State,
)
from meetings import services as meeting_services
from meetings.rules import RuleError
from organisation.people import display_name


class EscalationRefused(RuleError):
    """An escalation action refused: ``status`` 403 (wrong person) or 409 (not now / not so)."""


def _lock(escalation: Escalation | int) -> Escalation:
    pk = escalation.pk if isinstance(escalation, Escalation) else escalation
    return (
        Escalation.objects.select_for_update(of=("self",))
        .select_related(
            "item__need_list", "meeting__department_a", "meeting__department_b", "arbiter"
        )
        .get(pk=pk)
    )


def _text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise EscalationRefused(message, status=409)
    return value


# --- opening and choosing the arbiter -------------------------------------------------


@transaction.atomic
def escalation_open(*, item, by: AbstractBaseUser, note: str = "") -> Escalation:
    """Open an escalation for a request at an impasse (called by ``meetings.services``)."""
    if Escalation.objects.filter(item=item).exists():
        raise EscalationRefused("This request has already been escalated.", status=409)
    escalation = Escalation(
        item=item, meeting_id=item.need_list.meeting_id, opened_by=by, note=note.strip()
    )
    escalation.full_clean()
    escalation.save()
    notifications.opened(escalation.pk)
    return escalation


@transaction.atomic
def escalation_propose_arbiter(
    *, escalation: Escalation, by: AbstractBaseUser, arbiter: AbstractBaseUser, note: str = ""
) -> ArbiterProposal:
    """The facilitator proposes an arbiter from neither department, with the role to arbitrate."""
    escalation = _lock(escalation)
    if not esc_permissions.proposes_arbiter(by, escalation):
        raise EscalationRefused("Only the meeting's chair proposes the arbiter.", status=403)
    if escalation.state != State.AWAITING_PROPOSAL:
        raise EscalationRefused(
            "An arbiter has already been proposed; the heads are considering the choice."
            if escalation.state == State.AWAITING_ACCEPTANCE
            else "The arbiter has already been chosen.",
            status=409,
        )
    why_not = esc_permissions.may_arbitrate(arbiter, escalation)
    if why_not:
        raise EscalationRefused(why_not, status=409)
    proposal = ArbiterProposal(
        escalation=escalation, arbiter=arbiter, proposed_by=by, note=note.strip()
    )
    proposal.full_clean()
    proposal.save()
    escalation.arbiter = arbiter
    escalation.state = State.AWAITING_ACCEPTANCE
    escalation.full_clean()
    escalation.save(update_fields=["arbiter", "state"])
    notifications.arbiter_proposed(escalation.pk, proposal.pk)
    return proposal


def _head_department(by: AbstractBaseUser, escalation: Escalation):
    department = esc_permissions.headed_department(by, escalation)
    if department is None:
        raise EscalationRefused("Only the heads of the two departments can do that.", status=403)
    return department


@transaction.atomic
def escalation_respond_to_arbiter(
    *, escalation: Escalation, by: AbstractBaseUser, accept: bool, reason: str = ""
) -> ArbiterResponse:
    """A head accepts the proposed arbiter, or objects with a reason (which reopens the choice)."""
    escalation = _lock(escalation)
    department = _head_department(by, escalation)
    if escalation.state != State.AWAITING_ACCEPTANCE:
        raise EscalationRefused("There is no proposed arbiter to respond to now.", status=409)
    proposal = escalation.proposals.select_for_update().order_by("-proposed_at", "-id").first()
    if proposal.responses.filter(department=department).exists():
        raise EscalationRefused(
            f"{department.name} has already responded to this proposal.", status=409
        )
    reason = reason.strip()
    if not accept:
        reason = _text(reason, "Say why you object to this arbiter.")
    response = ArbiterResponse(
        proposal=proposal, department=department, head=by, accepted=accept, reason=reason
    )
    response.full_clean()
    response.save()
    if not accept:
        proposal.status = ArbiterProposal.Status.OBJECTED
        proposal.save(update_fields=["status"])
        escalation.arbiter = None
        escalation.state = State.AWAITING_PROPOSAL
        escalation.save(update_fields=["arbiter", "state"])
        notifications.arbiter_objected(escalation.pk, response.pk, f"{department.name}: {reason}")
    elif proposal.responses.filter(accepted=True).count() == 2:
        proposal.status = ArbiterProposal.Status.ACCEPTED
        proposal.save(update_fields=["status"])
        escalation.state = State.AWAITING_CONSENTS
        escalation.save(update_fields=["state"])
        notifications.arbiter_chosen(escalation.pk, proposal.pk)
    return response


@transaction.atomic
def escalation_consent(*, escalation: Escalation, by: AbstractBaseUser) -> Consent:
    """A head records that the department agrees to be bound by the arbiter's outcome."""
    escalation = _lock(escalation)
    department = _head_department(by, escalation)
    if escalation.state in (State.AWAITING_PROPOSAL, State.AWAITING_ACCEPTANCE):
        raise EscalationRefused(
            "Both heads must accept the arbiter before agreeing to be bound.", status=409
        )
    if escalation.consents.filter(department=department).exists():
        raise EscalationRefused(f"{department.name} has already agreed to be bound.", status=409)
    if escalation.state != State.AWAITING_CONSENTS:
        raise EscalationRefused("Consent is no longer being collected.", status=409)
    consent = Consent(escalation=escalation, department=department, head=by)
    consent.full_clean()
    consent.save()
    if escalation.consents.count() == 2:
        escalation.state = State.WITH_ARBITER
        escalation.save(update_fields=["state"])
        notifications.consents_complete(escalation.pk)
    return consent


# --- the arbiter's work -----------------------------------------------------------------


def _arbiter_acting(escalation: Escalation, by: AbstractBaseUser) -> Escalation:
    escalation = _lock(escalation)
    if not esc_permissions.is_the_arbiter(by, escalation):
        raise EscalationRefused("Only the chosen arbiter can do that.", status=403)
    if escalation.state == State.AWAITING_CONSENTS:
        raise EscalationRefused(
            "The arbiter cannot act until both heads have agreed to be bound by the outcome.",
            status=409,
        )
    if escalation.state == State.RESOLVED:
        raise EscalationRefused("This escalation is resolved: its outcome is recorded.", status=409)
    return escalation


@transaction.atomic
def escalation_add_note(*, escalation: Escalation, by: AbstractBaseUser, text: str) -> ArbiterNote:
    escalation = _arbiter_acting(escalation, by)
    note = ArbiterNote(escalation=escalation, author=by, text=_text(text, "Write the note first."))
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def escalation_record_session(
    *,
    escalation: Escalation,
    by: AbstractBaseUser,
    held_on: dt.date,
    attendees: Iterable[AbstractBaseUser],
    notes: str,
) -> FacilitationSession:
    """Record a facilitation session with the two sides: when, who attended, what happened."""
    escalation = _arbiter_acting(escalation, by)
    if held_on is None:
        raise EscalationRefused("Give the date of the session.", status=409)
    attendees = list(attendees)
    if not attendees:
        raise EscalationRefused("Say who attended the session.", status=409)
    session = FacilitationSession(
        escalation=escalation,
        held_on=held_on,
        notes=_text(notes, "Write what happened in the session."),
        recorded_by=by,
    )
    session.full_clean()
    session.save()
    session.attendees.set(attendees)
    return session


@transaction.atomic
def escalation_record_outcome(
    *,
    escalation: Escalation,
    by: AbstractBaseUser,
    kind: str,
    reasoning: str,
    no_service_owed: bool = False,
    service: str = "",
    level: str = "",
    start_date: dt.date | None = None,
    facilitation_tried: bool = False,
) -> Outcome:
    """Record how the escalation ended, and carry it into the request and the SLA.

    A decision (rather than a facilitated agreement) needs ``facilitation_tried``.
    """
    escalation = _arbiter_acting(escalation, by)
    if kind not in Outcome.Kind.values:
        raise EscalationRefused("Say whether the outcome was facilitated or decided.", status=409)
    if kind == Outcome.Kind.DECIDED and not facilitation_tried:
        raise EscalationRefused(
            "Before deciding, confirm that you tried to help the two sides reach their own "
            "agreement.",
            status=409,
        )
    reasoning = _text(reasoning, "Give the reasoning for the outcome.")
    if no_service_owed:
        service, level, start_date = "", "", None
    else:
        service = _text(service, "Give the service, or record that no service is owed.")
        level = _text(level, "Give the level of service.")
        if start_date is None:
            raise EscalationRefused("Give the date the service starts.", status=409)
    outcome = Outcome(
        escalation=escalation,
        kind=kind,
        no_service_owed=no_service_owed,
        service=service,
        level=level,
        start_date=start_date,
        reasoning=reasoning,
        facilitation_tried=facilitation_tried or kind == Outcome.Kind.FACILITATED,
        decided_by=by,
    )
    outcome.full_clean()
    outcome.save()
    escalation.state = State.RESOLVED
    escalation.save(update_fields=["state"])

    how = "agreed with the arbiter's help" if kind == Outcome.Kind.FACILITATED else "decided"
    item = meeting_services.item_settle_by_arbiter(
        item=escalation.item,
        service=service or None,
        level=level,
        start_date=start_date,
        description=f"Escalation of “{escalation.item.service}” {how} "
        f"(arbiter {display_name(by)}): {outcome.terms_text} {reasoning}",
    )
    try:
        signals.outcome_recorded.send(
            sender=Escalation,
            item=item,
            service=service,
            level=level,
            start_date=start_date,
            no_service_owed=no_service_owed,
            reasoning=reasoning,
            by=by,
        )
    except RuleError as refused:
        # A receiver (the agreement) refused: the whole outcome is undone with the
        # transaction, and the page says why.
        raise EscalationRefused(refused.message, status=refused.status) from refused
    notifications.outcome_recorded(escalation.pk)
    return outcome
