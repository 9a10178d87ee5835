"""notice_send: one outbox row per person, in the caller's transaction, never twice."""

from __future__ import annotations

from django.db import transaction

from notifications.models import Outbox
from notifications.services import Attachment, notice_key, notice_send, preferences_set
from tests.factories import make_user
from tests.tasks import queued


def send(to, key="test:1", **extra):
    return notice_send(
        to=to, subject="Hello", body="Something happened.", key=key, kind="test", **extra
    )


def test_one_row_per_person_with_an_address(org):
    nobody = make_user("noaddress")
    nobody.email = ""
    nobody.save()
    rows = send([org.fiona, org.sam, org.fiona, None, nobody])
    assert sorted(r.address for r in rows) == ["fiona@example.org", "sam@example.org"]
    assert all(r.body.endswith("Expectations Exchange") for r in rows)
    assert all(r.kind == "test" and r.sent_at is None for r in rows)


def test_the_same_key_queues_nothing_twice(org):
    assert len(send([org.fiona, org.sam])) == 2
    assert send([org.fiona, org.sam]) == []
    assert len(send(org.fiona, key="test:2")) == 1
    assert Outbox.objects.count() == 3


def test_delivery_is_enqueued_only_when_the_transaction_commits(
    org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send(org.fiona)
    assert queued() == []
    for callback in callbacks:
        callback()
    (result,) = queued()
    assert result.task.name == "deliver_notice"


def test_a_rolled_back_change_leaves_no_notice(org):
    try:
        with transaction.atomic():
            send(org.fiona)
            raise RuntimeError("the change failed")
    except RuntimeError:
        pass
    assert not Outbox.objects.exists()


def test_notice_key_joins_its_parts():
    assert notice_key("escalation", 7, "opened") == "escalation:7:opened"


def test_a_person_who_turned_a_kind_off_is_skipped(org):
    preferences_set(user=org.fiona, off={"escalation"})
    rows = notice_send(
        to=[org.fiona, org.sam], subject="S", body="B", key="esc:1", kind="escalation"
    )
    assert [r.address for r in rows] == ["sam@example.org"]
    # other kinds still reach her
    rows = notice_send(to=org.fiona, subject="S", body="B", key="m:1", kind="monitoring")
    assert [r.address for r in rows] == ["fiona@example.org"]


def test_invitations_cannot_be_turned_off(org):
    assert preferences_set(user=org.fiona, off={"invitation", "agreement"}) == {"agreement"}
    rows = notice_send(to=org.fiona, subject="S", body="B", key="inv:1", kind="invitation")
    assert [r.address for r in rows] == ["fiona@example.org"]


def test_turning_a_kind_back_on_sends_it_again(org):
    preferences_set(user=org.fiona, off={"escalation"})
    preferences_set(user=org.fiona, off=set())
    assert notice_send(to=org.fiona, subject="S", body="B", key="e:2", kind="escalation")


def test_an_attachment_is_kept_on_the_row(org):
    (row,) = notice_send(
        to=org.fiona,
        subject="S",
        body="B",
        key="a:1",
        kind="invitation",
        attachment=Attachment(
            "invite.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar"
        ),
    )
    row.refresh_from_db()
    assert (row.attachment_name, row.attachment_type) == ("invite.ics", "text/calendar")
    assert row.attachment.startswith("BEGIN:VCALENDAR")
