from __future__ import annotations

from django import forms

from agreements.models import SLAService, SLAVersion
from agreements.services import EDITABLE_FIELDS
from meetings import limits

MAX_UPLOAD = 20 * 1024 * 1024
MEASURE_HELP = {
    "measure_what": "What is counted or timed, for example: invoices paid.",
    "measure_threshold": "95 for 95%; 3 for at most 3 errors; 4 for 4 working hours. "
    "Not needed for a deadline.",
    "measure_direction": "For a plain number: which way is good.",
    "measure_unit": "For a plain number, for example: orders.",
    "measure_limit": "For a percentage within a time limit, for example 1 (working day).",
    "measure_time_unit": "Working hours and days count only the organisation's office hours.",
    "measured_by": "The person or role who records the measure.",
}


class MeasureConfirmForm(forms.ModelForm):
    """How a target written only as text is to be read (the heads confirm it)."""

    class Meta:
        model = SLAService
        fields = [
            "measure_kind",
            "measure_threshold",
            "measure_direction",
            "measure_unit",
            "measure_limit",
            "measure_time_unit",
        ]
        help_texts = MEASURE_HELP

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure_kind"].required = True


class ServiceDetailsForm(forms.ModelForm):
    class Meta:
        model = SLAService
        fields = EDITABLE_FIELDS
        widgets = {"review_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = MEASURE_HELP

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure_kind"].required = True
        self.fields["measured_by"].required = True
        self.fields["review_date"].required = True

    def clean_review_date(self):
        review_date = self.cleaned_data["review_date"]
        start = self.instance.start_date
        if review_date and start and review_date < start:
            raise forms.ValidationError(
                f"The review comes after the service starts ({start:%-d %B %Y})."
            )
        if review_date:
            limits.check_review_date(review_date, start)
        return review_date


class SignForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Type the password you sign in with to confirm it is you.",
    )
    content_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)


class AmendForm(forms.Form):
    reason = forms.CharField(
        label="Why a new version?",
        max_length=250,
        help_text="For example: the annual review agreed a new target.",
    )


class VerifyForm(forms.Form):
    document = forms.FileField(label="The PDF to check")

    def clean_document(self):
        document = self.cleaned_data["document"]
        if document.size > MAX_UPLOAD:
            raise forms.ValidationError("That file is over 20 MB; an agreement PDF is far smaller.")
        return document


class StatusRulesForm(forms.ModelForm):
    """How the agreement's standing is judged: on track, at risk or breached."""

    class Meta:
        model = SLAVersion
        fields = ["status_window", "at_risk_below", "breached_below"]
        widgets = {
            "status_window": forms.NumberInput(attrs={"min": 1, "max": 12}),
            "at_risk_below": forms.NumberInput(attrs={"min": 1, "max": 100}),
            "breached_below": forms.NumberInput(attrs={"min": 0, "max": 100}),
        }

    def clean(self):
        cleaned = super().clean()
        risk, breach = cleaned.get("at_risk_below"), cleaned.get("breached_below")
        if risk is not None and breach is not None and breach > risk:
            self.add_error("breached_below", "“Breached below” is at most “at risk below”.")
        return cleaned
