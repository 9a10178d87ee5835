"""Find every form a person is shown, with its fields and the values it would send.

A page is read as HTML: each ``<form method="post">`` becomes a :class:`FormSpec`
with its address (``action``, or the page's own) and its fields (inputs, selects,
textareas and named submit buttons) with the values the browser would send.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# What a person would type into an empty field of each kind, so that one bad field
# at a time reaches the checks behind the form.
TYPED = {
    "date": (dt.date.today() + dt.timedelta(days=40)).isoformat(),
    "datetime-local": (dt.datetime.now() + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
    "number": "3",
    "email": "someone@example.org",
    "password": "correct-horse-battery",
    "url": "https://example.org/",
}
PLAIN_TEXT = "Within two working days"


@dataclass
class Field:
    name: str
    kind: str  # an input's type, "select", "textarea" or "submit"
    choices: list[str] = field(default_factory=list)  # select options, radio values
    value: str | None = None  # what is sent as the page stands (None: nothing)

    @property
    def is_file(self) -> bool:
        return self.kind == "file"


@dataclass
class FormSpec:
    path: str
    fields: dict[str, Field] = field(default_factory=dict)

    def key(self) -> tuple:
        """Forms that send the same names and the same hidden values are the same form."""
        fixed = tuple(
            sorted(
                (f.name, f.value or "")
                for f in self.fields.values()
                if f.kind in {"hidden", "submit"}
            )
        )
        return (self.path, tuple(sorted(self.fields)), fixed)

    def valid_data(self) -> dict[str, str]:
        """What the form sends when filled in sensibly."""
        data = {}
        for f in self.fields.values():
            if f.is_file:
                continue
            if f.value not in (None, ""):
                data[f.name] = f.value
            elif f.choices:
                data[f.name] = next((c for c in f.choices if c), f.choices[0])
            elif f.kind in TYPED:
                data[f.name] = TYPED[f.kind]
            elif f.kind in {"text", "textarea", "search", ""}:
                data[f.name] = PLAIN_TEXT
        return data


class _FormParser(HTMLParser):
    def __init__(self, page_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[FormSpec] = []
        self._form: FormSpec | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                action = urljoin(self.page_path, a.get("action") or self.page_path)
                self._form = FormSpec(path=urlsplit(action).path)
            return
        form = self._form
        if form is None or "name" not in a or "disabled" in a:
            if tag == "option" and self._select is not None:
                self._option(a)
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"checkbox", "radio"}:
                spec = form.fields.setdefault(name, Field(name, kind))
                spec.choices.append(a.get("value", "on"))
                if "checked" in a:
                    spec.value = a.get("value", "on")
            elif kind in {"submit", "button", "image"}:
                spec = form.fields.setdefault(name, Field(name, "submit"))
                spec.choices.append(a.get("value", ""))
                spec.value = spec.value or a.get("value", "")
            else:
                form.fields[name] = Field(name, kind, value=a.get("value", ""))
        elif tag == "button":
            spec = form.fields.setdefault(name, Field(name, "submit"))
            spec.choices.append(a.get("value", ""))
            spec.value = spec.value or a.get("value", "")
        elif tag == "select":
            self._select = form.fields[name] = Field(name, "select")
        elif tag == "textarea":
            self._textarea = form.fields[name] = Field(name, "textarea", value="")

    def _option(self, a: dict[str, str]) -> None:
        assert self._select is not None
        self._select.choices.append(a.get("value", ""))
        if "selected" in a:
            self._select.value = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value = (self._textarea.value or "") + data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_in(html: str, page_path: str) -> list[FormSpec]:
    parser = _FormParser(page_path)
    parser.feed(html)
    return parser.forms


def form_fields(form) -> dict[str, Field]:
    """The fields of a Django form (or of anything with ``name`` and ``choices``), as a
    page would show them."""
    if not hasattr(form, "fields"):
        return {form.name: Field(form.name, "select", list(form.choices))}
    result = {}
    for bound in form:
        widget = bound.field.widget
        kind = getattr(widget, "input_type", None) or (
            "textarea" if widget.__class__.__name__ == "Textarea" else "select"
        )
        choices = []
        if hasattr(bound.field, "choices"):
            choices = [str(value) for value, _label in bound.field.choices]
            kind = "select" if kind not in {"radio", "checkbox"} else kind
        result[bound.html_name] = Field(bound.html_name, kind, choices, value=None)
    return result
