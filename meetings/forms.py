"""Forms for scheduling exchanges, preparing need lists and acting in the meeting."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from meetings import limits
from meetings.measures import MAX_FIGURE, Direction, Frequency, Kind, Measure, TimeUnit
from meetings.models import MAX_MONEY, Move, NeedItem
from organisation.models import Department, Membership, OrgRole
from organisation.people import display_name

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def facilitators():
    return (
        get_user_model()
        .objects.filter(org_roles__role=OrgRole.Role.FACILITATOR, is_active=True)
        .distinct()
        .order_by("first_name", "last_name")
    )


class ScheduleForm(forms.Form):
    department_a = forms.ModelChoiceField(
        Department.objects.all(),
        label="Calling department (A)",
        help_text="The department that asked for the exchange.",
    )
    department_b = forms.ModelChoiceField(Department.objects.all(), label="Other department (B)")
    facilitator = forms.ModelChoiceField(
        get_user_model().objects.none(),
        label="Facilitator",
        required=False,
        help_text="Without one, the head of A chairs.",
    )
    scheduled_for = forms.DateTimeField(label="Date and time", widget=DATETIME_WIDGET)
    place = forms.CharField(label="Place or link", max_length=300)
    title = forms.CharField(label="Title", max_length=200, required=False)
    needs_due = forms.DateField(
        label="Need lists due by",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The heads are reminded two days before. If left empty: the day before the "
        "exchange.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = facilitators()
        self.fields["facilitator"].label_from_instance = display_name

    def clean_place(self) -> str:
        place = limits.one_line(self.cleaned_data["place"])
        if not place:
            raise forms.ValidationError("Say where the exchange happens: a room or a link.")
        return place

    def clean_title(self) -> str:
        return limits.one_line(self.cleaned_data["title"])

    def clean_scheduled_for(self) -> dt.datetime:
        return limits.check_meeting_time(self.cleaned_data["scheduled_for"])

    def clean_needs_due(self) -> dt.date | None:
        due = self.cleaned_data["needs_due"]
        if due is not None and due < timezone.localdate():
            raise forms.ValidationError("Choose a day from today onwards.")
        return due

    def clean(self):
        cleaned = super().clean()
        a, b = cleaned.get("department_a"), cleaned.get("department_b")
        if a and b and a == b:
            self.add_error("department_b", "Choose a different department from A.")
        return cleaned


class CallForm(forms.Form):
    """A head calls an exchange for their department with another department."""

    department_a = forms.ModelChoiceField(
        Department.objects.none(),
        label="Your department (A, presents first)",
        empty_label=None,
    )
    department_b = forms.ModelChoiceField(
        Department.objects.none(), label="With the department (B)"
    )
    scheduled_for = forms.DateTimeField(
        label="Proposed date and time",
        widget=DATETIME_WIDGET,
        error_messages={"invalid": "Write the date and time as 2026-12-03 10:00."},
    )
    place = forms.CharField(label="Place or link", max_length=300)
    needs_due = forms.DateField(
        label="Need lists due",
        required=False,
        widget=DATE_WIDGET,
        help_text="The day both need lists should be ready (empty: the day before the meeting).",
        error_messages={"invalid": "Write the date as 2026-12-01."},
    )
    facilitator = forms.ModelChoiceField(
        get_user_model().objects.none(),
        label="Invite a facilitator",
        required=False,
        empty_label="No facilitator: I chair",
        help_text="Worth it when the meeting may be difficult; they chair once they accept.",
    )
    title = forms.CharField(label="Title", max_length=200, required=False)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        headed = Department.objects.filter(
            memberships__user=user, memberships__role=Membership.Role.HEAD
        ).order_by("name")
        self.fields["department_a"].queryset = headed
        self.fields["department_b"].queryset = Department.objects.order_by("name")
        self.fields["facilitator"].queryset = facilitators().exclude(pk=user.pk)
        self.fields["facilitator"].label_from_instance = display_name

    def clean_place(self) -> str:
        place = self.cleaned_data["place"].strip()
        if not place:
            raise forms.ValidationError("Say where the exchange happens: a room or a link.")
        return place

    def clean_scheduled_for(self) -> dt.datetime:
        when = self.cleaned_data["scheduled_for"]
        if when < timezone.now():
            raise forms.ValidationError("Choose a date and time in the future.")
        return when

    def clean(self):
        cleaned = super().clean()
        a, b = cleaned.get("department_a"), cleaned.get("department_b")
        if a and b and a == b:
            self.add_error("department_b", "Choose another department than your own.")
        when, due = cleaned.get("scheduled_for"), cleaned.get("needs_due")
        if when and due and due > timezone.localtime(when).date():
            self.add_error("needs_due", "The need lists must be due on or before the meeting.")
        if due and due < timezone.localdate():
            self.add_error("needs_due", "Choose a day that has not passed.")
        return cleaned


class ProposeTimeForm(forms.Form):
    """Another time (and optionally place) proposed in answer to a proposed time."""

    scheduled_for = forms.DateTimeField(
        label="Another date and time",
        widget=DATETIME_WIDGET,
        error_messages={
            "required": "Choose the date and time you propose.",
            "invalid": "Write the date and time as 2026-12-03 10:00.",
        },
    )
    place = forms.CharField(label="Place or link (if it changes)", max_length=300, required=False)


class InviteFacilitatorForm(forms.Form):
    facilitator = forms.ModelChoiceField(
        get_user_model().objects.none(),
        label="Facilitator",
        error_messages={"required": "Choose the facilitator to invite."},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = facilitators()
        self.fields["facilitator"].label_from_instance = display_name


class NeedItemForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirmed_need = forms.BooleanField(
        required=False,
        label="I confirm this is still a need, although it costs nearly as much as it brings.",
    )

    class Meta:
        model = NeedItem
        fields = NeedItem.EDITABLE_FIELDS
        widgets = {
            "benefit_department": forms.Textarea(attrs={"rows": 2}),
            "benefit_organisation": forms.Textarea(attrs={"rows": 2}),
            "cost_estimate": forms.NumberInput(attrs={"min": 0, "step": 100}),
            "value_estimate": forms.NumberInput(attrs={"min": 0, "step": 100}),
        }
        help_texts = {
            "measure_what": "What is counted or timed, for example: invoices paid.",
            "measure_threshold": "95 for 95%; 3 for at most 3 errors; 4 for 4 working hours.",
            "measure_unit": "For a plain number only, for example: orders.",
            "measure_limit": "For a percentage within a time limit, for example: 1.",
            "measured_by": "The person or role who records it, if you know.",
            "service": "What you need from the other department, in a sentence.",
            "cost_estimate": "What it would roughly cost them to provide, per year.",
            "value_estimate": "What the benefit is roughly worth, per year.",
            "service_level": "For example: within two working days of the order.",
        }
        error_messages = {
            "cost_estimate": {"max_value": "That is more than £1,000,000,000: check the figure."},
            "value_estimate": {"max_value": "That is more than £1,000,000,000: check the figure."},
        }

    def clean(self):
        cleaned = super().clean()
        for name in [
            "service",
            "benefit_department",
            "benefit_organisation",
            "service_level",
            "measure_what",
        ]:
            value = cleaned.get(name)
            if isinstance(value, str):
                cleaned[name] = value.strip()
                if not cleaned[name] and name not in self.errors:
                    self.add_error(name, "This cannot be empty.")
        for name in ["cost_estimate", "value_estimate"]:
            value = cleaned.get(name)
            if value is not None and value > MAX_MONEY:
                self.add_error(name, "That figure is too large: check it.")
        return cleaned

    @property
    def item_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class NeedListSettingsForm(forms.Form):
    members_may_edit = forms.BooleanField(
        required=False, label="Let members of my department edit this list"
    )
    flagged_difficult = forms.BooleanField(
        required=False,
        label="This meeting is likely to be difficult",
        help_text="The meeting then opens only once an impartial facilitator has accepted "
        "to chair it, and the facilitator is told, so they can prepare to keep order.",
    )
    difficulty_note = forms.CharField(
        required=False,
        max_length=500,
        label="Why (only the facilitator and your department see this)",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TextForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        error_messages={"required": "This cannot be empty."},
    )

    def __init__(self, *args, label: str = "Text", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = label

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("This cannot be empty.")
        return text


class OptionalTextForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, required=False
    )


class MeasureForm(forms.Form):
    """The measure a yes or a counter-offer carries: its target, how often, who measures."""

    measure_what = forms.CharField(label="What is measured", max_length=300)
    measure_kind = forms.ChoiceField(label="Kind of measure", choices=Kind.choices)
    measure_threshold = forms.DecimalField(
        label="Target figure",
        required=False,
        min_value=0,
        max_value=MAX_FIGURE,
        max_digits=14,
        decimal_places=4,
    )
    measure_direction = forms.ChoiceField(
        label="At least or at most", choices=[("", "—"), *Direction.choices], required=False
    )
    measure_unit = forms.CharField(label="Unit", max_length=60, required=False)
    measure_limit = forms.DecimalField(
        label="Within (time limit)",
        required=False,
        min_value=0,
        max_value=Decimal("100000"),
        max_digits=10,
        decimal_places=2,
    )
    measure_time_unit = forms.ChoiceField(
        label="Unit of time", choices=[("", "—"), *TimeUnit.choices], required=False
    )
    measure_frequency = forms.ChoiceField(label="How often", choices=Frequency.choices)
    measured_by = forms.CharField(
        label="Who measures", max_length=200, error_messages={"required": "Say who measures it."}
    )

    MEASURE_NAMES = (
        "measure_what",
        "measure_kind",
        "measure_threshold",
        "measure_direction",
        "measure_unit",
        "measure_limit",
        "measure_time_unit",
        "measure_frequency",
        "measured_by",
    )

    def clean(self):
        cleaned = super().clean()
        for name in ("measure_what", "measured_by", "measure_unit"):
            if isinstance(cleaned.get(name), str):
                cleaned[name] = cleaned[name].strip()
        if not cleaned.get("measured_by") and "measured_by" not in self.errors:
            self.add_error("measured_by", "Say who measures it.")
        if cleaned.get("measure_kind") and not self.errors:
            measure = Measure(
                kind=cleaned["measure_kind"],
                what=cleaned["measure_what"],
                threshold=cleaned.get("measure_threshold"),
                direction=cleaned.get("measure_direction") or "",
                limit=cleaned.get("measure_limit"),
                time_unit=cleaned.get("measure_time_unit") or "",
            )
            for name, message in measure.problems().items():
                self.add_error(name, message)
        return cleaned

    @property
    def measure(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.MEASURE_NAMES}


class YesForm(MeasureForm):
    start_date = forms.DateField(label="Starts on", widget=DATE_WIDGET)
    milestones = forms.CharField(
        required=False,
        label="Milestones",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def clean_start_date(self) -> dt.date:
        return limits.check_start_date(self.cleaned_data["start_date"])


class CounterForm(MeasureForm):
    service = forms.CharField(label="Service we can offer instead", max_length=300)
    level = forms.CharField(label="At this level", max_length=300)
    start_date = forms.DateField(label="Starting on", widget=DATE_WIDGET)
    milestones = forms.CharField(
        required=False,
        label="Milestones",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def clean_start_date(self) -> dt.date:
        return limits.check_start_date(self.cleaned_data["start_date"])

    def clean(self):
        cleaned = super().clean()
        for name in ("service", "level"):
            if isinstance(cleaned.get(name), str) and not cleaned[name].strip():
                self.add_error(name, "This cannot be empty.")
        return cleaned


class NoForm(forms.Form):
    reason = forms.ChoiceField(
        choices=Move.Reason.choices, label="Why not", widget=forms.RadioSelect
    )
    explanation = forms.CharField(
        label="Explanation", widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )

    def clean_explanation(self) -> str:
        text = self.cleaned_data["explanation"].strip()
        if not text:
            raise forms.ValidationError("A no must be justified: explain it.")
        return text
