"""``manage.py generate_history``: a whole history, the same every time, on an empty database."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from exchange import history
from meetings.models import Meeting, NeedItem, Step
from monitoring.models import AgreementHealth, Measurement


@pytest.mark.django_db
def test_it_makes_the_history_in_proportion():
    call_command("generate_history", scale=0.002, stdout=None)
    assert Meeting.objects.count() == 20
    assert NeedItem.objects.count() == 200
    closed = Meeting.objects.filter(step=Step.CLOSED).count()
    assert Measurement.objects.count() == closed * 5 * 5
    assert AgreementHealth.objects.count() == closed
    assert Meeting.objects.filter(step=Step.B_RESPONDS).exists()


class _Undo(Exception):
    """Leaves the block's transaction, undoing what it made."""


@pytest.mark.django_db
def test_the_same_seed_makes_the_same_history():
    # The first history is made and then undone (a savepoint, not a flush: PostgreSQL
    # cannot empty tables with constraint checks still pending in the test's transaction).
    try:
        with transaction.atomic():
            first = history.generate(scale=0.002, log=lambda line: None)
            met = list(Measurement.objects.order_by("pk").values_list("met", flat=True))
            statuses = list(NeedItem.objects.order_by("pk").values_list("status", flat=True))
            pairs = list(
                Meeting.objects.order_by("pk").values_list("department_b__name", flat=True)
            )
            raise _Undo
    except _Undo:
        pass
    try:  # 21 exchanges, undone: on PostgreSQL, the next ids start 41 further on
        with transaction.atomic():
            history.generate(scale=0.0021, log=lambda line: None)
            raise _Undo
    except _Undo:
        pass
    assert not Meeting.objects.exists()
    assert history.generate(scale=0.002, log=lambda line: None) == first
    assert list(Measurement.objects.order_by("pk").values_list("met", flat=True)) == met
    # On PostgreSQL the last history's ids start where the others' ended: what it makes
    # must not depend on them (which requests were escalated once did).
    assert list(NeedItem.objects.order_by("pk").values_list("status", flat=True)) == statuses
    assert (
        list(Meeting.objects.order_by("pk").values_list("department_b__name", flat=True)) == pairs
    )


def test_it_refuses_a_database_with_people(org):
    with pytest.raises(CommandError, match="empty"):
        call_command("generate_history", scale=0.002)
