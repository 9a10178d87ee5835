"""The one-off reader of targets written as text, for the migration to measures as data.

Before measures were data, a target was free text ("95%", "within 2 working days")
and met or missed was guessed from it each time. This reads each such text once,
where its meaning is plain, into the structured fields; anything else is left as
written, with no kind, for the heads to confirm. It is only used by the migrations
(a name starting with an underscore is not a migration itself).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

NUMBER = r"(\d+(?:[.,]\d+)?)"
TIME = r"(working\s+|business\s+)?(minute|hour|day)s?"
SHARE_WITHIN = re.compile(rf"^(?:at\s+least\s+)?{NUMBER}\s*%.*?\bwithin\s+{NUMBER}\s*{TIME}\b", re.I)
WITHIN_SHARE = re.compile(rf"^within\s+{NUMBER}\s*{TIME}\b.*?\b(?:for\s+)?{NUMBER}\s*%", re.I)
SHARE = re.compile(rf"^(?:at\s+least\s+|minimum\s+|≥\s*)?{NUMBER}\s*(?:%|per\s*cent)$", re.I)
DURATION = re.compile(rf"^(?:within|at\s+most|no\s+more\s+than|under|≤)?\s*{NUMBER}\s*{TIME}$", re.I)
BAD = re.compile(
    rf"^(?:at\s+most|no\s+more\s+than|not\s+more\s+than|max(?:imum)?|≤|fewer\s+than)\s+{NUMBER}\s+"
    r"([a-z][a-z ]*)$",
    re.I,
)
AT_LEAST = re.compile(
    rf"^(?:at\s+least|no\s+fewer\s+than|not\s+less\s+than|min(?:imum)?|≥)\s+{NUMBER}\s*([a-z][a-z ]*)?$", re.I
)
PLAIN = re.compile(rf"^{NUMBER}$")
DEADLINE = re.compile(r"^(on\s+time|every\s+time|by\s+the\s+deadline|always\s+on\s+time)$", re.I)
BAD_WORDS = re.compile(r"error|complaint|incident|defect|late|failure|breach|outage", re.I)


def _num(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None


def _time_unit(working: str | None, unit: str) -> str:
    return f"working_{unit}s" if working and unit in {"hour", "day"} else f"{unit}s"


def read_target(text: str, what: str = "") -> dict | None:
    """The structured fields for a target whose meaning is plain, or ``None``."""
    text = " ".join((text or "").split()).rstrip(".")
    if not text:
        return None
    if m := SHARE_WITHIN.match(text):
        return {
            "measure_kind": "share",
            "measure_threshold": _num(m[1]),
            "measure_limit": _num(m[2]),
            "measure_time_unit": _time_unit(m[3], m[4].lower()),
        }
    if m := WITHIN_SHARE.match(text):
        return {
            "measure_kind": "share",
            "measure_threshold": _num(m[4]),
            "measure_limit": _num(m[1]),
            "measure_time_unit": _time_unit(m[2], m[3].lower()),
        }
    if m := SHARE.match(text):
        share = _num(m[1])
        if share is not None and share <= 100:
            return {"measure_kind": "share", "measure_threshold": share}
        return None
    if m := DURATION.match(text):
        return {
            "measure_kind": "duration",
            "measure_threshold": _num(m[1]),
            "measure_time_unit": _time_unit(m[2], m[3].lower()),
        }
    if m := BAD.match(text):
        if BAD_WORDS.search(m[2]) or BAD_WORDS.search(what):
            return {"measure_kind": "bad_events", "measure_threshold": _num(m[1])}
        return {
            "measure_kind": "number",
            "measure_direction": "at_most",
            "measure_threshold": _num(m[1]),
            "measure_unit": m[2].strip(),
        }
    if m := AT_LEAST.match(text):
        return {
            "measure_kind": "number",
            "measure_direction": "at_least",
            "measure_threshold": _num(m[1]),
            "measure_unit": (m[2] or "").strip(),
        }
    if DEADLINE.match(text):
        return {"measure_kind": "deadline"}
    if (m := PLAIN.match(text)) and re.search(r"\b(share|percentage|%)", what, re.I):
        share = _num(m[1])
        if share is not None and share <= 100:
            return {"measure_kind": "share", "measure_threshold": share}
    return None


def migrate_model(apps, app_label: str, model_name: str) -> None:
    """Read every unread text target of one model; leave the rest flagged (no kind)."""
    Model = apps.get_model(app_label, model_name)
    Calendar = apps.get_model("organisation", "WorkingCalendar")
    default = Calendar.objects.filter(is_default=True).first()
    for obj in Model.objects.filter(measure_kind="").exclude(measure_target=""):
        fields = read_target(obj.measure_target, obj.measure_what)
        if fields is None:
            continue
        for name, value in fields.items():
            setattr(obj, name, value)
        kind = fields["measure_kind"]
        if kind in {"share", "deadline"}:
            obj.measure_direction = "at_least"
        elif kind in {"bad_events", "duration"}:
            obj.measure_direction = "at_most"
        if kind == "share":
            obj.measure_unit = "%"
        if obj.measure_time_unit.startswith("working_") and default is not None:
            obj.measure_calendar_id = default.pk
        obj.measure_target = ""
        obj.save()
