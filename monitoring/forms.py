import datetime as dt

from django import forms

from meetings import limits
from meetings.measures import Kind, Measure, TimeUnit

# Free text: long enough for a careful explanation, short enough for a page and a PDF.
NOTE_LENGTH = 4000

MET_CHOICES = [("", "Choose"), ("met", "Met"), ("missed", "Missed")]


def _met(value: str) -> bool | None:
    return {"met": True, "missed": False}.get(value)


def _value_help(measure: Measure) -> str:
    if measure.kind == Kind.SHARE:
        return "The percentage, for example 96.5."
    if measure.kind == Kind.BAD_EVENTS:
        return "How many, for example 2."
    if measure.kind == Kind.DURATION:
        return f"In {TimeUnit(measure.time_unit).label}, for example 3.5."
    if measure.kind == Kind.DEADLINE:
        return "Yes if the deadline was met, no if not."
    return f"The figure{' in ' + measure.unit if measure.unit else ''}."


class MeasuredForm(forms.Form):
    """A figure for a measure: met or missed is asked only while the measure is unconfirmed."""

    def __init__(self, *args, measure: Measure | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if measure is not None and measure.is_structured:
            del self.fields["met"]
            field = self.fields["value_text"]
            field.help_text = _value_help(measure)

    def clean_met(self) -> bool | None:
        return _met(self.cleaned_data["met"])


class RecordForm(MeasuredForm):
    period_start = forms.DateField(widget=forms.HiddenInput)
    value_text = forms.CharField(label="Actual value", max_length=120)
    met = forms.ChoiceField(
        label="Met or missed",
        choices=MET_CHOICES,
        required=False,
        help_text="Only while the heads have not confirmed how the target is read.",
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CorrectForm(MeasuredForm):
    value_text = forms.CharField(label="Corrected value", max_length=120)
    met = forms.ChoiceField(label="Met or missed", choices=MET_CHOICES, required=False)
    reason = forms.CharField(label="Why it is corrected", max_length=500)


class ExplanationForm(forms.Form):
    what_happened = forms.CharField(
        label="What happened", max_length=NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    fix = forms.CharField(
        label="What is being done to fix it",
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    prevention = forms.CharField(
        label="How a repeat will be prevented",
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    fix_by = forms.DateField(
        label="Fixed by (date)", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_fix_by(self) -> dt.date:
        return limits.check_fix_by(self.cleaned_data["fix_by"])


class RespondForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("acknowledge", "Acknowledge"), ("more", "Ask for more")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note (needed when asking for more)",
        required=False,
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReviewForm(forms.Form):
    scheduled_for = forms.DateTimeField(
        label="When", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(
        label="Where", max_length=300, help_text="A room, or a video-call link."
    )
    facilitator = forms.ModelChoiceField(queryset=None, label="Facilitator")

    def __init__(self, *args, facilitators=None, calling: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = facilitators
        if calling:  # a head invites a facilitator, or chairs it without one
            self.fields["facilitator"].required = False
            self.fields["facilitator"].label = "Invite a facilitator (optional)"
            self.fields["facilitator"].help_text = (
                "Without one, you chair the review. A facilitator you invite chairs once "
                "they accept."
            )
        self.fields["facilitator"].label_from_instance = lambda u: u.get_full_name() or u.username

    def clean_scheduled_for(self) -> dt.datetime:
        return limits.check_meeting_time(self.cleaned_data["scheduled_for"])

    def clean_place(self) -> str:
        place = limits.one_line(self.cleaned_data["place"])
        if not place:
            raise forms.ValidationError("Say where the review happens: a room or a link.")
        return place


class ReviewRequestForm(forms.Form):
    note = forms.CharField(
        label="What should the review look at?",
        required=False,
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
