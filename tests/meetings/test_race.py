"""Two clicks at once cannot both win: the meeting row is locked for every change.

Runs on PostgreSQL (SQLite serialises whole-database writes, so there is no race to test).
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from meetings import services
from meetings.models import Event, ItemStatus, Move, Step
from meetings.rules import RuleError
from tests.meetings.helpers import drive_to, items_of, prepare

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (DATABASE_URL)"
    ),
]


def race(*calls):
    """Run the calls in threads released at the same instant; return what each gave or raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_advances_at_once_move_the_meeting_one_step(meeting, org):
    prepare(meeting, org)
    for _ in range(5):
        results = race(
            lambda: services.meeting_advance(meeting=meeting, by=org.priya),
            lambda: services.meeting_advance(meeting=meeting, by=org.priya),
        )
        meeting.refresh_from_db()
        if meeting.step == Step.OPENING:
            break
    refusals = [r for r in results if isinstance(r, RuleError)]
    assert len(refusals) == 1, results
    assert meeting.step == Step.OPENING
    assert Event.objects.filter(meeting=meeting, kind="advanced").count() == 1


def test_two_answers_to_the_same_request_cannot_both_land(meeting, org):
    drive_to(meeting, org, Step.B_RESPONDS)
    item = items_of(meeting, org.finance)[0]
    results = race(
        lambda: services.response_yes(
            meeting=meeting, by=org.sam, item_id=item.pk, start_date=dt.date(2027, 1, 4)
        ),
        lambda: services.response_no(
            meeting=meeting, by=org.sam, item_id=item.pk, reason="cost", explanation="Too dear"
        ),
    )
    assert sum(isinstance(r, RuleError) for r in results) == 1, results
    item.refresh_from_db()
    assert item.status in (ItemStatus.AGREED, ItemStatus.DECLINED)
    assert Move.objects.filter(item=item).count() == 1


def test_event_numbers_stay_gapless_under_concurrent_questions(meeting, org):
    drive_to(meeting, org, Step.A_PRESENTS)
    item = items_of(meeting, org.finance)[0]
    race(
        *[
            (
                lambda n=n: services.remark_ask(
                    meeting=meeting, by=org.sam, item_id=item.pk, text=f"Question {n}"
                )
            )
            for n in range(4)
        ]
    )
    seqs = list(Event.objects.filter(meeting=meeting).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert meeting.remarks.count() == 4
