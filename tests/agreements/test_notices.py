"""Agreement emails: ready to sign (both heads), the other signature needed, and signed
(everyone who may download the sealed PDF), each once."""

from __future__ import annotations

import pytest

from agreements import services
from notifications.services import preferences_set
from tests.notifications.mail import sent, to

from .conftest import close_with_agreements


@pytest.fixture
def drafted(meeting, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.sla_draft_from_meeting(
            meeting=close_with_agreements(meeting, org), by=org.priya
        )


def test_a_draft_asks_both_heads_to_sign_once(drafted, meeting, org, mailoutbox, run_tasks):
    services.sla_draft_from_meeting(meeting=meeting, by=org.priya)  # again: nothing new
    by_subject = sent(mailoutbox, run_tasks)
    assert by_subject == {
        "Ready to sign: the agreement between Finance and Sales": {
            "fiona@example.org",
            "sam@example.org",
        }
    }
    version = services.latest_version(drafted)
    assert f"/agreements/{drafted.pk}/v{version.number}/" in mailoutbox[0].body
    assert "sign for Finance" in to(mailoutbox, "fiona@example.org").body
    assert "sign for Sales" in to(mailoutbox, "sam@example.org").body


def test_the_first_signature_asks_the_other_head(
    ready_sla, org, mailoutbox, run_tasks, django_capture_on_commit_callbacks
):
    run_tasks()
    mailoutbox.clear()
    version = services.latest_version(ready_sla)
    with django_capture_on_commit_callbacks(execute=True):
        services.sla_sign(version=version, by=org.fiona, password=org.password, ip_address=None)
    assert sent(mailoutbox, run_tasks) == {
        "Your signature is needed: the agreement between Finance and Sales": {"sam@example.org"}
    }
    assert "Fiona Marsh signed version 1 for Finance" in mailoutbox[0].body


def test_the_sealed_pdf_is_sent_to_everyone_who_may_download_it_once(
    ready_sla, org, mailoutbox, run_tasks, django_capture_on_commit_callbacks
):
    version = services.latest_version(ready_sla)
    services.sla_sign(version=version, by=org.fiona, password=org.password, ip_address=None)
    services.sla_sign(version=version, by=org.sam, password=org.password, ip_address=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.sla_pdf_store(version=version, pdf=b"%PDF-1.7 sealed")
        services.sla_pdf_store(version=version, pdf=b"%PDF-1.7 sealed")  # stored once
    by_subject = sent(mailoutbox, run_tasks)
    recipients = by_subject["Signed: the agreement between Finance and Sales"]
    # both departments, the facilitator and the manager; not the arbiter (no escalation of
    # theirs here) nor Operations
    assert recipients == {
        "fiona@example.org",
        "fergus@example.org",
        "sam@example.org",
        "sean@example.org",
        "priya@example.org",
        "margaret@example.org",
    }
    signed = [m for m in mailoutbox if m.subject.startswith("Signed:")]
    assert len(signed) == 6
    assert all(f"/agreements/{ready_sla.pk}/v1/pdf/" in m.body for m in signed)


def test_someone_who_turned_signed_agreements_off_is_not_told(
    ready_sla, org, mailoutbox, run_tasks, django_capture_on_commit_callbacks
):
    preferences_set(user=org.margaret, off={"agreement-signed"})
    version = services.latest_version(ready_sla)
    services.sla_sign(version=version, by=org.fiona, password=org.password, ip_address=None)
    services.sla_sign(version=version, by=org.sam, password=org.password, ip_address=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.sla_pdf_store(version=version, pdf=b"%PDF-1.7 sealed")
    recipients = sent(mailoutbox, run_tasks)["Signed: the agreement between Finance and Sales"]
    assert "margaret@example.org" not in recipients and "fiona@example.org" in recipients
