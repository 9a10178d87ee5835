"""The yes and counter-offer forms ask what the SLA needs, so the draft comes out complete."""

from __future__ import annotations

import datetime as dt

from agreements import services as agreement_services
from meetings import forms, services
from meetings.models import Step
from tests.factories import MEASURE_POST
from tests.meetings.helpers import chair_of, drive_to, items_of


def test_the_yes_and_counter_forms_ask_who_measures_the_target_and_how_often():
    for form_class, extra in (
        (forms.YesForm, {"start_date": "2027-01-04"}),
        (
            forms.CounterForm,
            {"start_date": "2027-01-04", "service": "Two days", "level": "Two working days"},
        ),
    ):
        missing = {k: v for k, v in MEASURE_POST.items() if k != "measured_by"}
        form = form_class(missing | extra)
        assert not form.is_valid()
        assert form.errors["measured_by"] == ["Say who measures it."]
        assert {"measure_threshold", "measure_frequency", "measured_by"} <= set(form.fields)
        form = form_class(MEASURE_POST | extra)
        assert form.is_valid(), form.errors


def test_a_meeting_answered_with_the_forms_drafts_an_agreement_with_nothing_missing(org, meeting):
    drive_to(meeting, org, Step.B_RESPONDS)
    yes = forms.YesForm(MEASURE_POST | {"start_date": "2027-01-04"})
    assert yes.is_valid()
    for item in items_of(meeting, org.finance):
        services.response_yes(
            meeting=meeting,
            by=org.sam,
            item_id=item.pk,
            start_date=dt.date(2027, 1, 4),
            measure=yes.measure,
        )
    services.meeting_advance(meeting=meeting, by=chair_of(meeting))
    counter = forms.CounterForm(
        MEASURE_POST
        | {"measured_by": "Fergus Lane", "start_date": "2027-02-01"}
        | {"service": "Credit decisions in two days", "level": "Two working days"}
    )
    assert counter.is_valid()
    for item in items_of(meeting, org.sales):
        services.response_counter(
            meeting=meeting,
            by=org.fiona,
            item_id=item.pk,
            service=counter.cleaned_data["service"],
            level=counter.cleaned_data["level"],
            start_date=counter.cleaned_data["start_date"],
            measure=counter.measure,
        )
        services.response_reply(
            meeting=meeting, by=org.sam, item_id=item.pk, kind="accept_counter", text=""
        )
    drive_to(meeting, org, Step.CLOSED)
    sla = agreement_services.sla_draft_from_meeting(meeting=meeting, by=org.fiona)
    drafted = list(agreement_services.latest_version(sla).services.all())
    assert len(drafted) == 3
    assert all(service.missing == [] for service in drafted), [s.missing for s in drafted]
    assert {s.measured_by for s in drafted} == {"Sean Doyle", "Fergus Lane"}
