from django import forms

MET_CHOICES = [("", "Work it out from the target"), ("met", "Met"), ("missed", "Missed")]


def _met(value: str) -> bool | None:
    return {"met": True, "missed": False}.get(value)


class RecordForm(forms.Form):
    period_start = forms.DateField(widget=forms.HiddenInput)
    value_text = forms.CharField(label="Actual value", max_length=120)
    met = forms.ChoiceField(
        label="Met or missed",
        choices=MET_CHOICES,
        required=False,
        help_text="Only needed when the target has no number to compare with.",
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_met(self) -> bool | None:
        return _met(self.cleaned_data["met"])


class CorrectForm(forms.Form):
    value_text = forms.CharField(label="Corrected value", max_length=120)
    met = forms.ChoiceField(label="Met or missed", choices=MET_CHOICES, required=False)
    reason = forms.CharField(label="Why it is corrected", max_length=500)

    def clean_met(self) -> bool | None:
        return _met(self.cleaned_data["met"])


class ExplanationForm(forms.Form):
    what_happened = forms.CharField(label="What happened", widget=forms.Textarea(attrs={"rows": 3}))
    fix = forms.CharField(
        label="What is being done to fix it", widget=forms.Textarea(attrs={"rows": 3})
    )
    prevention = forms.CharField(
        label="How a repeat will be prevented", widget=forms.Textarea(attrs={"rows": 3})
    )
    fix_by = forms.DateField(
        label="Fixed by (date)", widget=forms.DateInput(attrs={"type": "date"})
    )


class RespondForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("acknowledge", "Acknowledge"), ("more", "Ask for more")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note (needed when asking for more)",
        required=False,
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

    def __init__(self, *args, facilitators=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = facilitators
        self.fields["facilitator"].label_from_instance = lambda u: u.get_full_name() or u.username


class ReviewRequestForm(forms.Form):
    note = forms.CharField(
        label="What should the review look at?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
