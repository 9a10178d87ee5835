"""How the product says things: one place for the small rules of English it follows."""

from __future__ import annotations


def possessive(name: object) -> str:
    """``Finance`` → ``Finance's``; ``Sales`` → ``Sales'``; ``Operations`` → ``Operations'``.

    A name ending in "s" takes a bare apostrophe, as in house style ("Sales' requests");
    every other name takes "'s".
    """
    text = str(name).strip()
    if not text:
        return text
    return f"{text}'" if text[-1] in "sS" else f"{text}'s"


# The method's words, explained for someone in their first exchange (the glossary page).
GLOSSARY: list[tuple[str, str]] = [
    (
        "Expectations exchange",
        "A meeting in which two departments agree what each needs from the other. It follows "
        "nine steps in a fixed order and ends in a service level agreement.",
    ),
    (
        "Chair",
        "Whoever runs the meeting: the facilitator if there is one, otherwise the head who "
        "called it. The chair moves from request to request and from step to step.",
    ),
    (
        "Facilitator",
        "An impartial chair, invited when a meeting may be difficult. Keeps order and moves "
        "the meeting on, but takes no side.",
    ),
    ("Head", "The head of a department: speaks and decides for it in the meeting."),
    (
        "Need list",
        "What one department needs (not wants) from the other, written before the meeting. "
        "Private to its department and the chair until it is presented.",
    ),
    ("Request", "One entry on a need list: a service, its benefits, cost, value and measure."),
    (
        "Ground rules",
        "Five rules both heads acknowledge at the opening: calm and collected, facts and "
        "assumptions not opinions, open-minded and patient, business needs first, the "
        "structure is followed.",
    ),
    (
        "Clarifying question",
        "A question about the request being discussed, asked while it is presented. It asks "
        "what is meant, not whether the request is justified.",
    ),
    (
        "Strike as out of order",
        "The chair sets aside a remark that breaks the ground rules or argues instead of "
        "asking. It stays in the minutes, crossed out, with the reason.",
    ),
    (
        "No more questions",
        "The listening head's signal that they have understood the requests presented; the "
        "chair sees it before moving on.",
    ),
    (
        "Summary",
        "The listening side restates a request in its own words; the presenting side confirms "
        "it or asks for a revision. It proves the request was understood.",
    ),
    ("Yes", "The request is agreed as asked, with a start date."),
    (
        "Counter-offer",
        "An alternative service the responder can provide (what, at what level, from when). "
        "The requester accepts or rejects it.",
    ),
    (
        "Justified no",
        "A refusal with its reason: the cost outweighs the benefit, the resources are not "
        "available, or another stated reason.",
    ),
    ("Challenge", "The requester questions the reasons given for a no."),
    (
        "No maintained",
        "After a challenge, the responder keeps the no. The requester may then ask what can "
        "be offered instead.",
    ),
    (
        "Impasse",
        "Nothing can be offered and the requester still needs the service: the request can "
        "only be withdrawn or escalated.",
    ),
    ("Withdrawn", "The requester drops the request; it is settled and owes nothing."),
    (
        "Escalation",
        "An unresolved request goes to an arbiter. Both heads first agree to be bound by the "
        "outcome.",
    ),
    (
        "Arbiter",
        "An unbiased manager who helps the two sides reach their own agreement and decides "
        "only when that fails.",
    ),
    (
        "Your move",
        "Shown to the one person the meeting is waiting for, with what they need to do. "
        "Everyone else sees whom the meeting is waiting for.",
    ),
    (
        "Time box",
        "An optional time the chair sets for a step. A timer shows it on every screen; it "
        "never stops anyone.",
    ),
    ("Minutes", "The meeting's record: every action, who took it and when. Never edited."),
    (
        "Service level agreement (SLA)",
        "The result: every agreed service in both directions, with its level, measure, start "
        "and review dates. Both heads sign it.",
    ),
    (
        "Origin",
        "Where an agreed service came from: a yes, a counter-offer or an arbiter's decision.",
    ),
    (
        "Version in force",
        "The signed version of an agreement that applies now. A change after signing makes a "
        "new version, signed again; the old one is kept and marked superseded.",
    ),
    (
        "Measure and target",
        "What is measured for a service, how often, and the level it should reach. Each "
        "result is recorded as met or missed.",
    ),
]
