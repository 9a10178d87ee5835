"""Forms for the escalation pages. They check input; the services check the rules."""

from __future__ import annotations

from django import forms

from escalation import selectors
from escalation.models import Escalation, Outcome
from meetings import limits
from organisation.people import display_name


class DateInput(forms.DateInput):
    input_type = "date"


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return display_name(obj)


class _PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return display_name(obj)


class ProposeArbiterForm(forms.Form):
    arbiter = _PersonChoice(
        queryset=None,
        empty_label="Choose a person",
        help_text="Someone with the arbiter or manager role, from neither department.",
    )
    note = forms.CharField(
        label="Why this person",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )

    def __init__(self, *args, escalation: Escalation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["arbiter"].queryset = selectors.eligible_arbiters(escalation)


class ArbiterResponseForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your answer",
        choices=[("accept", "I accept this arbiter"), ("object", "I object to this arbiter")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        help_text="Required when you object: the facilitator will propose someone else.",
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == "object" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why you object to this arbiter.")
        return data


class ConsentForm(forms.Form):
    bound = forms.BooleanField(
        label="My department agrees to be bound by the arbiter's outcome.", required=True
    )


class NoteForm(forms.Form):
    text = forms.CharField(label="Note", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class SessionForm(forms.Form):
    held_on = forms.DateField(label="Date", widget=DateInput)
    attendees = _PeopleChoice(
        label="Who attended", queryset=None, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(
        label="What happened", max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, escalation: Escalation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = selectors.session_attendee_choices(escalation)

    def clean_held_on(self):
        return limits.check_session_day(self.cleaned_data["held_on"])


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(
        label="How was it resolved?", choices=Outcome.Kind.choices, widget=forms.RadioSelect
    )
    no_service_owed = forms.BooleanField(
        label="No service is owed (leave the terms empty)", required=False
    )
    service = forms.CharField(label="Service", max_length=300, required=False)
    level = forms.CharField(label="Level", max_length=300, required=False)
    start_date = forms.DateField(label="Start date", widget=DateInput, required=False)
    reasoning = forms.CharField(
        label="Reasoning", max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    facilitation_tried = forms.BooleanField(
        label="I tried to help the two sides reach their own agreement before deciding.",
        required=False,
        help_text="Required for a decision.",
    )

    def clean_start_date(self):
        day = self.cleaned_data["start_date"]
        return limits.check_start_date(day) if day else day

    def clean(self) -> dict:
        data = super().clean()
        if data.get("no_service_owed"):
            if data.get("service") or data.get("level") or data.get("start_date"):
                self.add_error(
                    "no_service_owed",
                    "Either record that no service is owed, or give the terms: not both.",
                )
        else:
            for name, message in [
                ("service", "Give the service, or tick that no service is owed."),
                ("level", "Give the level of service."),
                ("start_date", "Give the date the service starts."),
            ]:
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, message)
        if data.get("kind") == Outcome.Kind.DECIDED and not data.get("facilitation_tried"):
            self.add_error(
                "facilitation_tried",
                "Before deciding, confirm that you tried facilitation first.",
            )
        return data
