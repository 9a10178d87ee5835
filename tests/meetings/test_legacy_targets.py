"""The one-off reader of text targets used by the migration to measures as data."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.apps import apps

from meetings.migrations._legacy_targets import migrate_model, read_target
from meetings.models import NeedItem
from tests.factories import make_item


@pytest.mark.parametrize(
    ("text", "what", "fields"),
    [
        ("95%", "", {"measure_kind": "share", "measure_threshold": Decimal(95)}),
        (
            "within 1 working day for 90% of requests",
            "",
            {
                "measure_kind": "share",
                "measure_threshold": Decimal(90),
                "measure_limit": Decimal(1),
                "measure_time_unit": "working_days",
            },
        ),
        (
            "2 working days",
            "",
            {
                "measure_kind": "duration",
                "measure_threshold": Decimal(2),
                "measure_time_unit": "working_days",
            },
        ),
        ("at most 3 errors", "", {"measure_kind": "bad_events", "measure_threshold": Decimal(3)}),
        (
            "at least 200 orders",
            "",
            {
                "measure_kind": "number",
                "measure_direction": "at_least",
                "measure_threshold": Decimal(200),
                "measure_unit": "orders",
            },
        ),
        (
            "97",
            "Share of invoices paid",
            {"measure_kind": "share", "measure_threshold": Decimal(97)},
        ),
        ("97", "Invoices paid", None),
        ("11 of 12 months", "", None),
        ("every note signed", "", None),
        ("150%", "", None),
    ],
)
def test_reads_only_what_is_plain(text, what, fields):
    assert read_target(text, what) == fields


def test_the_migration_reads_some_and_flags_the_rest(meeting, org):
    need_list = meeting.need_list_for(org.finance)
    readable = make_item(need_list, measure_kind="", measure_threshold=None, measure_target="98%")
    unreadable = make_item(
        need_list, "Forecast", measure_kind="", measure_threshold=None, measure_target="11 of 12"
    )
    migrate_model(apps, "meetings", "NeedItem")
    readable = NeedItem.objects.get(pk=readable.pk)
    unreadable = NeedItem.objects.get(pk=unreadable.pk)
    assert readable.measure.sentence() == (
        "at least 98% of orders with complete paperwork, measured monthly"
    )
    assert readable.measure_target == ""
    assert unreadable.measure_needs_confirming and unreadable.measure_target == "11 of 12"
