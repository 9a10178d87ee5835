"""Emails about escalations, queued in the outbox inside the service's transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse

from escalation.models import Escalation
from meetings import permissions as meeting_permissions
from notifications import kinds
from notifications.services import notice_key, notice_send


def _link(escalation: Escalation, name: str = "escalation:detail") -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return base + reverse(name, args=[escalation.pk])


def _proposer(escalation: Escalation) -> list:
    """Whoever proposes the arbiter: whoever chaired, the facilitator or the calling head."""
    chair = meeting_permissions.chair_person(escalation.meeting)
    return [chair] if chair is not None else []


def _chair_words(escalation: Escalation) -> str:
    meeting = escalation.meeting
    if meeting.has_facilitator:
        return f"The facilitator, {meeting.facilitator.get_full_name()},"
    return f"The head of {meeting.department_a}, who chaired the meeting,"


def _heads(escalation: Escalation) -> list:
    meeting = escalation.meeting
    return [h for h in (meeting.department_a.head, meeting.department_b.head) if h is not None]


def _send(escalation: Escalation, event: str, subject: str, body: str, recipients: Iterable):
    notice_send(
        to=recipients,
        subject=subject,
        body=body,
        key=notice_key("escalation", escalation.pk, event),
        kind=kinds.ESCALATION,
    )


def _load(escalation_id: int) -> Escalation:
    return Escalation.objects.select_related(
        "item", "meeting__department_a", "meeting__department_b", "meeting__facilitator", "arbiter"
    ).get(pk=escalation_id)


def opened(escalation_id: int) -> None:
    escalation = _load(escalation_id)
    meeting = escalation.meeting
    _send(
        escalation,
        "opened",
        f"Escalated: “{escalation.item.service}”",
        f"The request “{escalation.item.service}” in the exchange between "
        f"{meeting.department_a} and {meeting.department_b} has been escalated to an arbiter.\n\n"
        f"{_chair_words(escalation)} will propose an arbiter; "
        f"both heads then accept the choice and agree to be bound by the outcome.\n\n"
        f"{_link(escalation)}",
        list(dict.fromkeys([*_proposer(escalation), *_heads(escalation)])),
    )


def arbiter_proposed(escalation_id: int, proposal_id: int) -> None:
    escalation = _load(escalation_id)
    arbiter = escalation.arbiter
    _send(
        escalation,
        f"proposal-{proposal_id}",
        f"Arbiter proposed for “{escalation.item.service}”",
        f"{arbiter.get_full_name()} has been proposed as the arbiter for "
        f"“{escalation.item.service}”."
        "\n\nPlease accept the choice, or say why not:\n"
        f"{_link(escalation, 'escalation:heads')}",
        _heads(escalation),
    )


def arbiter_objected(escalation_id: int, response_id: int, reason: str) -> None:
    escalation = _load(escalation_id)
    _send(
        escalation,
        f"objection-{response_id}",
        f"Objection to the arbiter for “{escalation.item.service}”",
        f"A head objected to the proposed arbiter: {reason}\n\nPlease propose another:\n"
        f"{_link(escalation, 'escalation:propose')}",
        _proposer(escalation),
    )


def arbiter_chosen(escalation_id: int, proposal_id: int) -> None:
    escalation = _load(escalation_id)
    service = escalation.item.service
    _send(
        escalation,
        f"chosen-{proposal_id}",
        f"You are the arbiter for “{service}”",
        f"Both heads accepted you as the arbiter for “{service}”. You can act once both have "
        f"agreed to be bound by the outcome.\n\n{_link(escalation)}",
        [escalation.arbiter],
    )
    _send(
        escalation,
        f"consent-needed-{proposal_id}",
        f"Your consent is needed: “{service}”",
        f"{escalation.arbiter.get_full_name()} is the arbiter for “{service}”. Before the "
        "arbiter acts, record that your department agrees to be bound by the outcome:\n"
        f"{_link(escalation, 'escalation:heads')}",
        _heads(escalation),
    )


def consents_complete(escalation_id: int) -> None:
    escalation = _load(escalation_id)
    _send(
        escalation,
        "consents-complete",
        f"Over to you: “{escalation.item.service}”",
        "Both heads agreed to be bound by your outcome. Help them to their own agreement "
        f"first; decide only if that fails.\n\n{_link(escalation)}",
        [escalation.arbiter],
    )


def outcome_recorded(escalation_id: int) -> None:
    escalation = _load(escalation_id)
    outcome = escalation.outcome
    _send(
        escalation,
        "outcome",
        f"Outcome recorded: “{escalation.item.service}”",
        f"{outcome.get_kind_display()}.\n\nTerms: {outcome.terms_text}\n\n"
        f"Reasoning: {outcome.reasoning}\n\nThe outcome goes into the service level agreement."
        f"\n\n{_link(escalation)}",
        list(dict.fromkeys([*_proposer(escalation), *_heads(escalation), escalation.arbiter])),
    )
