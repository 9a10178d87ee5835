import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from agreements import selectors as agreement_selectors
from agreements import services as agreement_services
from agreements.models import VersionStatus
from meetings.models import ItemStatus, Meeting, NeedItem, Origin, Step
from monitoring import review
from monitoring.services import MonitoringError
from tests.factories import make_meeting

WHEN = timezone.now() + dt.timedelta(days=14)


def open_review(sla, by):
    return review.review_open(sla=sla, by=by, scheduled_for=WHEN, place="Room 4")


def test_the_facilitator_opens_a_review_prefilled_from_the_agreement(signed, org):
    meeting = open_review(signed, org.priya)
    assert meeting.review_of == signed.meeting
    assert meeting.step == Step.PREPARATION and meeting.facilitator == org.priya
    finance_needs = [i.service for i in meeting.need_list_for(org.finance).items.all()]
    sales_needs = [i.service for i in meeting.need_list_for(org.sales).items.all()]
    # Finance receives order forms and credit notes from Sales, so it needs them again.
    assert finance_needs == ["Signed order forms", "Credit notes"]
    assert sales_needs == ["Invoices the same day"]
    item = meeting.need_list_for(org.finance).items.first()
    assert (item.measure_kind, item.measure_threshold) == ("share", 95)
    assert item.measured_by == "The provider's head"
    assert item.benefit_department  # carried from the original request


def test_one_review_at_a_time_and_only_of_a_signed_agreement(signed, org):
    open_review(signed, org.priya)
    with pytest.raises(MonitoringError, match="already"):
        open_review(signed, org.margaret)
    other = make_meeting(
        department_a=org.operations, department_b=org.finance, facilitator=org.priya
    )
    draft = agreement_services.sla_draft_from_meeting(meeting=other, by=org.priya)
    with pytest.raises(MonitoringError, match="signed"):
        open_review(draft, org.priya)


@pytest.mark.parametrize("who", ["fergus", "sean", "olive", "arthur"])
def test_members_and_others_cannot_open_one(signed, org, who):
    with pytest.raises(MonitoringError) as refusal:
        open_review(signed, getattr(org, who))
    assert refusal.value.status == 403
    assert not Meeting.objects.filter(review_of=signed.meeting).exists()


def test_a_head_asks_the_facilitator(
    signed, org, as_user, django_capture_on_commit_callbacks, run_tasks
):
    url = reverse("monitoring:review", kwargs={"pk": signed.pk})
    assert "Ask for a review" in as_user(org.fiona).get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(org.fiona).post(url, {"ask": "1", "note": "Targets are too low"})
    assert response.status_code == 302
    run_tasks()
    assert mail.outbox[0].to == ["priya@example.org"]
    assert "Targets are too low" in mail.outbox[0].body
    assert as_user(org.fergus).get(url).status_code == 403
    assert as_user(org.olive).get(url).status_code == 403


def test_a_head_calls_a_review_the_other_head_answers_and_her_side_presents_first(
    signed, org, django_capture_on_commit_callbacks, run_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = open_review(signed, org.sam)
    assert meeting.review_of == signed.meeting
    assert (meeting.department_a, meeting.department_b) == (org.sales, org.finance)
    assert meeting.is_proposed and meeting.facilitator is None
    finance_needs = [i.service for i in meeting.need_list_for(org.finance).items.all()]
    assert finance_needs == ["Signed order forms", "Credit notes"]
    run_tasks()
    assert [m.to for m in mail.outbox] == [["fiona@example.org"]]  # asked to answer the time


def test_a_head_calls_a_review_from_the_page_without_a_facilitator(signed, org, as_user):
    url = reverse("monitoring:review", kwargs={"pk": signed.pk})
    client = as_user(org.fiona)
    page = client.get(url).content.decode()
    assert "Propose the review exchange" in page and "Ask for a review" in page
    assert client.post(url, {"place": "Room 4"}).status_code == 400  # no time: nothing made
    assert not Meeting.objects.filter(review_of=signed.meeting).exists()
    response = client.post(
        url,
        {"scheduled_for": WHEN.strftime("%Y-%m-%dT%H:%M"), "place": "Room 4", "facilitator": ""},
    )
    meeting = Meeting.objects.get(review_of=signed.meeting)
    assert response["Location"] == reverse("meetings:detail", kwargs={"pk": meeting.pk})
    assert meeting.department_a == org.finance and meeting.facilitator is None


def test_the_review_page_schedules(signed, org, as_user):
    url = reverse("monitoring:review", kwargs={"pk": signed.pk})
    client = as_user(org.priya)
    assert client.post(url, {"place": ""}).status_code == 400
    response = client.post(
        url,
        {
            "scheduled_for": WHEN.strftime("%Y-%m-%dT%H:%M"),
            "place": "Room 4",
            "facilitator": org.priya.pk,
        },
    )
    meeting = Meeting.objects.get(review_of=signed.meeting)
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:detail", kwargs={"pk": meeting.pk})
    assert "already under way" in client.get(url).content.decode()


def test_closing_the_review_makes_the_next_version(signed, org):
    meeting = open_review(signed, org.priya)
    for item in NeedItem.objects.filter(need_list__meeting=meeting):
        item.status = ItemStatus.AGREED
        item.agreed_service = item.service + " (revised)"
        item.agreed_level = item.service_level
        item.agreed_start = dt.date(2026, 9, 1)
        item.agreed_origin = Origin.YES
        item.save()
    meeting.step = Step.CLOSED
    meeting.closed_at = timezone.now()
    meeting.save()
    result = agreement_services.sla_draft_from_meeting(meeting=meeting, by=org.priya)
    assert result == signed
    assert agreement_services.sla_draft_from_meeting(meeting=meeting, by=org.priya) == signed
    versions = list(signed.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].status == VersionStatus.SIGNED  # until version 2 is signed
    assert versions[1].status == VersionStatus.DRAFT
    assert sorted(s.service for s in versions[1].services.all()) == [
        "Credit notes (revised)",
        "Invoices the same day (revised)",
        "Signed order forms (revised)",
    ]
    assert versions[1].changes.filter(kind="review_drafted").exists()
    assert agreement_selectors.sla_url_for(meeting) == reverse(
        "agreements:detail", args=[signed.pk]
    )


def test_closing_the_review_through_the_meeting_service(signed, org):
    from meetings import services as meeting_services

    meeting = open_review(signed, org.priya)
    for item in NeedItem.objects.filter(need_list__meeting=meeting):
        item.status = ItemStatus.AGREED
        item.agreed_service = item.service
        item.agreed_level = item.service_level
        item.agreed_start = dt.date(2026, 9, 1)
        item.agreed_origin = Origin.YES
        item.save()
    meeting.step = Step.CLOSING
    meeting.save()
    meeting_services.meeting_close(meeting=meeting, by=org.priya)
    assert signed.versions.count() == 2
    assert not agreement_services.SLA.objects.filter(meeting=meeting).exists()
