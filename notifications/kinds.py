"""The sorts of email the product sends, and which of them a person may turn off.

A notice's ``kind`` names one of these. Invitations to an exchange cannot be
turned off: a person who is not told cannot take part. A kind not listed here
(a test's, a one-off) is always sent.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    value: str
    label: str
    help: str
    optional: bool = True


INVITATION = "invitation"
NEED_LIST_DUE = "need-list-due"
OTHER_SIDE_READY = "other-side-ready"
MEETING_STARTING = "meeting-starting"
AGREEMENT = "agreement"
AGREEMENT_SIGNED = "agreement-signed"
ESCALATION = "escalation"
MONITORING = "monitoring"
MONITORING_REMINDER = "monitoring-reminder"

KINDS: tuple[Kind, ...] = (
    Kind(
        INVITATION,
        "Invitations",
        "When you are invited to an exchange (with a calendar invitation) or to the "
        "organisation. Always sent.",
        optional=False,
    ),
    Kind(NEED_LIST_DUE, "Need list reminders", "Before your department's need list is due."),
    Kind(OTHER_SIDE_READY, "The other side is ready", "When a need list is marked ready."),
    Kind(MEETING_STARTING, "Meeting starting", "When an exchange you take part in opens."),
    Kind(
        AGREEMENT,
        "Agreements to sign",
        "When an agreement is ready for your signature, or your signature was cleared.",
    ),
    Kind(AGREEMENT_SIGNED, "Agreements signed", "When a signed agreement's PDF is ready."),
    Kind(ESCALATION, "Escalations", "When a request is escalated, and its outcome."),
    Kind(MONITORING, "Performance", "Missed targets, explanations and review requests."),
    Kind(
        MONITORING_REMINDER,
        "Daily performance reminder",
        "Measurements and explanations you owe, once a day.",
    ),
)

BY_VALUE = {kind.value: kind for kind in KINDS}
OPTIONAL = [kind for kind in KINDS if kind.optional]


def may_turn_off(kind: str) -> bool:
    return kind in BY_VALUE and BY_VALUE[kind].optional
