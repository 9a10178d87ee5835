from decimal import Decimal

import pytest

from monitoring.targets import parse_number, parse_target


@pytest.mark.parametrize(
    ("text", "number", "at_most"),
    [
        ("95%", "95", False),
        ("100%", "100", False),
        ("11 of 12 months", "11", False),
        ("2 working days", "2", True),
        ("within 4 hours", "4", True),
        ("at most 3 errors", "3", True),
        ("no more than 5 complaints", "5", True),
        ("at least 20", "20", False),
        ("≥ 98.5 %", "98.5", False),
        ("< 2", "2", True),
        ("12", "12", False),
        ("95% within 2 days", "95", False),
        ("not less than 90%", "90", False),
        ("no fewer than 4 visits", "4", False),
        ("under 5 defects", "5", True),
        ("11 of 12 months on time", "11", False),
    ],
)
def test_parse_target(text, number, at_most):
    target = parse_target(text)
    assert target.number == Decimal(number)
    assert target.at_most is at_most


def test_a_target_without_a_number_is_not_read():
    assert parse_target("every invoice signed") is None
    assert parse_target("") is None


def test_met_or_missed():
    assert parse_target("95%").is_met(Decimal("95"))
    assert not parse_target("95%").is_met(Decimal("94.9"))
    assert parse_target("2 working days").is_met(Decimal("2"))
    assert not parse_target("2 working days").is_met(Decimal("3"))
    assert parse_target("2 working days").describe() == "at most 2"


def test_parse_number():
    assert parse_number("93,5 %") == Decimal("93.5")
    assert parse_number("none") is None
