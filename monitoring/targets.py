"""Reading a target written as text ("95%", "11 of 12 months", "2 working days").

A target is met when the actual value is at least the number, or at most it
for things where less is better: durations ("2 working days", "within 4
hours") and counts of bad things ("at most 3 errors"). A target with no
number in it ("every invoice signed") is not read: the recorder says whether
it was met.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
AT_LEAST = re.compile(r"at least|no fewer than|not less than|minimum|\bmin\b|≥|>", re.IGNORECASE)
AT_MOST = re.compile(
    r"at most|no more than|not more than|fewer than|less than|\bunder\b|\bbelow\b|"
    r"\bmax(imum)?\b|≤|<",
    re.IGNORECASE,
)
SHARE = re.compile(r"%|\bof\b|per ?cent", re.IGNORECASE)
LESS_IS_BETTER = re.compile(
    r"\bwithin\b|\b(second|minute|hour|day|week|month)s?\b|\berrors?\b|\bcomplaints?\b|"
    r"\bincidents?\b|\blate\b|\bdefects?\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Target:
    number: Decimal
    at_most: bool

    def is_met(self, value: Decimal) -> bool:
        return value <= self.number if self.at_most else value >= self.number

    def describe(self) -> str:
        return f"{'at most' if self.at_most else 'at least'} {self.number.normalize():f}"


def parse_number(text: str) -> Decimal | None:
    """The first number in ``text`` ("93.5%" gives 93.5), or ``None``."""
    match = NUMBER.search(text or "")
    if match is None:
        return None
    try:
        return Decimal(match.group().replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern only matches numbers
        return None


def parse_target(text: str) -> Target | None:
    """The number in the target and which way is good: explicit words first ("at least",
    "no more than"), then shares ("95%", "11 of 12") are at least, then durations and counts
    of bad things ("2 working days", "within 4 hours", "3 errors") are at most."""
    number = parse_number(text)
    if number is None:
        return None
    if AT_LEAST.search(text):
        at_most = False
    elif AT_MOST.search(text):
        at_most = True
    elif SHARE.search(text):
        at_most = False
    else:
        at_most = bool(LESS_IS_BETTER.search(text))
    return Target(number=number, at_most=at_most)
