"""Completing a service's rough details from the page."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from agreements import services


def edit_url(sla):
    version = services.latest_version(sla)
    return reverse(
        "agreements:service_edit", args=[sla.pk, version.number, version.services.first().pk]
    )


DATA = {
    "measure_what": "Orders with complete paperwork",
    "measure_kind": "share",
    "measure_threshold": "97",
    "measure_frequency": "monthly",
    "measured_by": "Fergus Lane",
    "review_date": "2027-12-01",
}


def test_the_form_shows_for_a_head(sla, org, as_user):
    response = as_user(org.sam).get(edit_url(sla))
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


def test_a_head_saves_the_details(sla, org, as_user):
    response = as_user(org.fiona).post(edit_url(sla), DATA)
    assert response.status_code == 302
    service = services.latest_version(sla).services.first()
    assert (service.measure_threshold, service.measured_by) == (97, "Fergus Lane")
    assert service.measure.sentence() == (
        "at least 97% of orders with complete paperwork, measured monthly by Fergus Lane"
    )


def test_bad_input_re_renders_with_a_message_and_changes_nothing(sla, org, as_user):
    response = as_user(org.priya).post(edit_url(sla), DATA | {"review_date": "2020-01-01"})
    assert response.status_code == 400
    assert services.latest_version(sla).services.first().measured_by == ""
    response = as_user(org.priya).post(edit_url(sla), DATA | {"measured_by": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_members_and_managers_cannot_edit(sla, org, as_user):
    assert as_user(org.fergus).get(edit_url(sla)).status_code == 403
    assert as_user(org.margaret).post(edit_url(sla), DATA).status_code == 403
    assert as_user(org.olive).post(edit_url(sla), DATA).status_code == 403
    assert services.latest_version(sla).services.first().measured_by == ""


def test_an_edit_after_a_signature_clears_it_and_emails_the_signer(
    ready_sla, org, as_user, django_capture_on_commit_callbacks, run_tasks
):
    version = services.latest_version(ready_sla)
    services.sla_sign(version=version, by=org.sam, password=org.password, ip_address=None)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(org.fiona).post(edit_url(ready_sla), DATA, follow=True)
    assert "signature already given was cleared" in response.content.decode()
    assert not version.signatures.exists()
    run_tasks()
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]


def test_a_signed_version_refuses_edits(signed_sla, org, as_user):
    response = as_user(org.fiona).post(edit_url(signed_sla), DATA)
    assert response.status_code == 409
    assert "can no longer change" in response.content.decode()


def test_a_review_date_of_9999_12_31_is_refused_with_a_message(sla, org, as_user):
    """A review date at the calendar's end once broke every participant's calendar feed."""
    response = as_user(org.priya).post(edit_url(sla), DATA | {"review_date": "9999-12-31"})
    assert response.status_code == 400
    assert "Choose a review date before" in response.readable
    assert services.latest_version(sla).services.first().measured_by == ""
