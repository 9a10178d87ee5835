"""The chair reminds a head who has not signed, from the agreement page: only the chair,
only while it can be signed, at most once an hour."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements import services
from notifications.models import Outbox


def remind_url(sla, number=1):
    return reverse("agreements:remind", args=[sla.pk, number])


def page(client, sla, number=1):
    return client.get(reverse("agreements:version", args=[sla.pk, number])).readable


def test_the_chair_sees_a_reminder_for_each_head_yet_to_sign(as_user, ready_sla, org):
    assert "Remind the head of Finance" in page(as_user(org.priya), ready_sla)
    services.sla_sign(
        version=services.latest_version(ready_sla),
        by=org.fiona,
        password=org.password,
        ip_address=None,
    )
    shown = page(as_user(org.priya), ready_sla)
    assert "Remind the head of Finance" not in shown and "Remind the head of Sales" in shown
    for person in (org.fiona, org.sam, org.margaret):
        assert "Remind the head" not in page(as_user(person), ready_sla)


def test_the_chair_reminds_a_head_by_email_once_an_hour(
    as_user, ready_sla, org, mailoutbox, run_tasks, django_capture_on_commit_callbacks
):
    run_tasks()
    mailoutbox.clear()
    client = as_user(org.priya)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remind_url(ready_sla), {"department": org.sales.pk}, follow=True)
    assert "Reminder sent to Samira Okafor." in response.readable
    run_tasks()
    (message,) = mailoutbox
    assert message.to == ["sam@example.org"]
    assert message.subject == "Reminder: please sign the agreement between Finance and Sales"
    assert "sign for Sales" in message.body
    again = client.post(remind_url(ready_sla), {"department": org.sales.pk})
    assert again.status_code == 429
    assert "Samira Okafor was reminded at" in again.readable
    Outbox.objects.filter(key__startswith="agreement-nudge").update(
        created_at=timezone.now() - dt.timedelta(hours=2)
    )
    assert client.post(remind_url(ready_sla), {"department": org.sales.pk}).status_code == 302


@pytest.mark.parametrize("who", ["fiona", "sam", "fergus", "margaret"])
def test_no_one_but_the_chair_may_remind(as_user, ready_sla, org, who):
    response = as_user(getattr(org, who)).post(remind_url(ready_sla), {"department": org.sales.pk})
    assert response.status_code == 403
    assert "Only the chair of the exchange can remind the heads." in response.readable
    assert not Outbox.objects.filter(key__startswith="agreement-nudge").exists()


def test_someone_outside_cannot_even_see_it(as_user, ready_sla, org):
    assert as_user(org.olive).post(remind_url(ready_sla), {"department": 1}).status_code == 403


def test_a_head_who_signed_or_a_signed_version_is_not_reminded(as_user, ready_sla, org):
    version = services.latest_version(ready_sla)
    services.sla_sign(version=version, by=org.fiona, password=org.password, ip_address=None)
    client = as_user(org.priya)
    response = client.post(remind_url(ready_sla), {"department": org.finance.pk})
    assert response.status_code == 409
    assert "That department has nothing to sign on this version." in response.readable
    services.sla_sign(version=version, by=org.sam, password=org.password, ip_address=None)
    assert client.post(remind_url(ready_sla), {"department": org.sales.pk}).status_code == 409
    assert client.post(remind_url(ready_sla), {"department": "x"}).status_code == 409
    assert not Outbox.objects.filter(key__startswith="agreement-nudge").exists()
