"""A target only ever written as text is flagged on the agreement; a head confirms it."""

from __future__ import annotations

from django.urls import reverse

from agreements.models import Change
from monitoring import services
from tests.monitoring.conftest import START, TODAY


def edit_url(service):
    version = service.version
    return reverse("agreements:service_edit", args=[version.sla_id, version.number, service.pk])


def test_the_agreement_page_flags_it_for_the_heads(credit_notes, org, as_user):
    page = as_user(org.sam).get(reverse("agreements:detail", args=[credit_notes.version.sla_id]))
    assert "could not be read as measures" in page.readable
    assert "“Credit notes”: “every note signed”" in page.readable
    assert 'Confirm<span class="visually-hidden"> the measure of “Credit notes”' in page.readable


def test_until_confirmed_the_recorder_says_met_or_missed(credit_notes, org, as_user):
    page = as_user(org.sam).get(
        reverse("monitoring:performance", args=[credit_notes.version.sla_id])
    )
    assert "the heads confirm how it is read" in page.readable


def test_a_head_confirms_and_met_is_then_worked_out(credit_notes, org, as_user):
    assert as_user(org.fergus).get(edit_url(credit_notes)).status_code == 403
    form = as_user(org.fiona).get(edit_url(credit_notes))
    assert "Confirm the measure of" in form.readable
    response = as_user(org.fiona).post(edit_url(credit_notes), {"measure_kind": "number"})
    assert response.status_code == 400
    credit_notes.refresh_from_db()
    assert credit_notes.measure_kind == ""
    response = as_user(org.fiona).post(edit_url(credit_notes), {"measure_kind": "deadline"})
    assert response.status_code == 302
    credit_notes.refresh_from_db()
    assert credit_notes.measure.sentence() == (
        "Credit notes signed off: the deadline met, measured monthly by The provider's head"
    )
    change = Change.objects.get(kind="measure_confirmed")
    assert change.before == {"target_as_written": "every note signed"}
    assert credit_notes.version.signatures.count() == 2  # the terms did not change
    missed = services.measurement_record(
        service=credit_notes, period_start=START, by=org.sam, value_text="no", today=TODAY
    )
    assert (missed.met, missed.value_text) == (False, "Missed")
    # Confirmed once: the page no longer offers it.
    assert as_user(org.fiona).get(edit_url(credit_notes)).status_code == 409
