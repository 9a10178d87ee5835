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
AT_MOST_WORDS = re.compile(
    r"(at most|no more than|not more than|fewer than|less than|under|below|max(imum)?|within|"
    r"<|≤|\b(minute|hour|day|week|month)s?\b(?! of)|errors?|complaints?|incidents?|late)",
    re.IGNORECASE,
)
AT_LEAST_WORDS = re.compile(r"(at least|no fewer than|minimum|min\b|>|≥|%| of )", re.IGNORECASE)


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
    number = parse_number(text)
    if number is None:
        return None
    at_most = bool(AT_MOST_WORDS.search(text)) and not re.search(
        r"at least|no fewer than|minimum|≥|>", text, re.IGNORECASE
    )
    if AT_LEAST_WORDS.search(text) and not re.search(
        r"at most|no more than|not more than|fewer than|less than|within|under|below|≤|<",
        text,
        re.IGNORECASE,
    ):
        at_most = False
    return Target(number=number, at_most=at_most)
