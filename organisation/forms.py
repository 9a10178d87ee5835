"""Forms of the organisation page, the invitation and the first run."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django import forms
from django.contrib.auth import get_user_model, password_validation

from organisation.models import Department, OrgRole
from organisation.services import ROLE_NAMES, NewPerson, check_new_person

ROLE_CHOICES = [(value, label) for value, label in OrgRole.Role.choices]
MAX_IMPORT_BYTES = 512 * 1024
MAX_IMPORT_ROWS = 2000
IMPORT_COLUMNS = ["email", "first_name", "last_name", "department", "role", "head"]


class DepartmentForm(forms.Form):
    name = forms.CharField(label="Department name", max_length=120)


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email", max_length=254)
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    department = forms.ModelChoiceField(
        Department.objects.all(), label="Department", required=False
    )
    head = forms.BooleanField(label="Head of the department", required=False)
    roles = forms.MultipleChoiceField(
        choices=ROLE_CHOICES,
        label="Organisation roles",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        person = self.person()
        for name, message in check_new_person(person):
            self.add_error(name if name in self.fields else None, message)
        return cleaned

    def person(self) -> NewPerson:
        data = self.cleaned_data
        return NewPerson(
            email=data["email"].strip().lower(),
            first_name=data["first_name"].strip(),
            last_name=data.get("last_name", "").strip(),
            department=data.get("department"),
            head=bool(data.get("head")),
            roles=set(data.get("roles") or []),
        )


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        choices=ROLE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    remit = forms.ModelMultipleChoiceField(
        Department.objects.all(),
        required=False,
        label="Manager's remit (none: the whole organisation)",
        widget=forms.CheckboxSelectMultiple,
    )


class AcceptForm(forms.Form):
    password1 = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="The same password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        one, two = cleaned.get("password1"), cleaned.get("password2")
        if one and two and one != two:
            self.add_error("password2", "The two passwords differ.")
        elif one:
            try:
                password_validation.validate_password(one, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class FirstAdministratorForm(AcceptForm):
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    email = forms.EmailField(label="Email", max_length=254)
    username = forms.CharField(label="Username", max_length=150)
    field_order = ["first_name", "last_name", "email", "username", "password1", "password2"]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        field = get_user_model()._meta.get_field("username")
        for validator in field.validators:
            validator(username)
        return username


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        required=False,
        help_text="Columns: email, first_name, last_name, department, role, head. "
        "Role: facilitator, arbiter, manager or administrator (several separated by ';'); "
        "head: yes or no.",
    )
    csv_text = forms.CharField(
        required=False, widget=forms.HiddenInput, max_length=MAX_IMPORT_BYTES
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None:
            if upload.size > MAX_IMPORT_BYTES:
                raise forms.ValidationError("That file is too large: 512 kB at most.")
            try:
                cleaned["csv_text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError("Save the file as UTF-8 CSV and try again.") from None
        if not cleaned.get("csv_text"):
            raise forms.ValidationError("Choose a CSV file of people.")
        if "\x00" in cleaned["csv_text"]:
            raise forms.ValidationError("That file is not a CSV of text.")
        return cleaned


@dataclass
class ImportRow:
    number: int
    values: dict[str, str]
    person: NewPerson | None = None
    new_department: bool = False
    errors: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    errors: list[str]  # about the file as a whole
    new_departments: list[str]

    @property
    def ok(self) -> bool:
        return not self.errors and all(not row.errors for row in self.rows) and bool(self.rows)


def _truthy(value: str) -> bool | None:
    value = value.strip().lower()
    if value in {"", "no", "n", "false", "0"}:
        return False
    if value in {"yes", "y", "true", "1", "head"}:
        return True
    return None


def preview_import(text: str) -> ImportPreview:
    """Read a CSV of people and say, row by row and column by column, what is wrong.

    Departments not yet in the organisation are created when the import is applied.
    """
    try:
        reader = csv.DictReader(io.StringIO(text))
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as error:
        return ImportPreview([], [f"The file could not be read as CSV: {error}."], [])
    missing = [c for c in ("email", "first_name") if c not in header]
    if missing:
        return ImportPreview(
            [], [f"The first row must name the columns; missing: {', '.join(missing)}."], []
        )
    reader.fieldnames = header
    departments = {d.name.lower(): d for d in Department.objects.all()}
    new_departments: dict[str, Department] = {}
    rows: list[ImportRow] = []
    seen_emails: dict[str, int] = {}
    heads: dict[str, int] = {}
    try:
        for number, raw in enumerate(reader, start=2):
            if number - 1 > MAX_IMPORT_ROWS:
                return ImportPreview([], [f"At most {MAX_IMPORT_ROWS} people in one file."], [])
            values = {c: (raw.get(c) or "").strip() for c in IMPORT_COLUMNS}
            if not any(values.values()):
                continue
            row = ImportRow(number, values)
            department = None
            name = " ".join(values["department"].split())
            if name:
                if len(name) > 120:
                    row.errors.append(("department", "120 characters at most."))
                else:
                    department = departments.get(name.lower()) or new_departments.get(name.lower())
                    if department is None:
                        department = Department(name=name)
                        new_departments[name.lower()] = department
                    row.new_department = department.pk is None
            roles = {r.strip().lower() for r in values["role"].replace(",", ";").split(";")}
            roles.discard("")
            unknown = roles - set(ROLE_NAMES)
            if unknown:
                row.errors.append(("role", f"Not a role: {', '.join(sorted(unknown))}."))
            head = _truthy(values["head"])
            if head is None:
                row.errors.append(("head", "Write yes or no."))
            person = NewPerson(
                email=values["email"].lower(),
                first_name=values["first_name"],
                last_name=values["last_name"],
                department=department,
                head=bool(head),
                roles=roles - unknown,
            )
            for column, message in check_new_person(person):
                if column == "head" and department is None and values["department"]:
                    continue
                row.errors.append((column if column in IMPORT_COLUMNS else "role", message))
            email = person.email
            if email in seen_emails:
                row.errors.append(("email", f"Also on row {seen_emails[email]}."))
            seen_emails.setdefault(email, number)
            if person.head and department is not None:
                key = department.name.lower()
                if key in heads:
                    row.errors.append(
                        ("head", f"Row {heads[key]} is head of {department.name} too.")
                    )
                heads.setdefault(key, number)
            row.person = person
            rows.append(row)
    except csv.Error as error:
        return ImportPreview([], [f"The file could not be read as CSV: {error}."], [])
    if not rows:
        return ImportPreview([], ["The file has no people in it."], [])
    return ImportPreview(rows, [], sorted(d.name for d in new_departments.values()))
