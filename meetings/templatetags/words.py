"""``{% load words %}``: ``{{ department.name|possessive }}`` → "Sales'" or "Finance's"."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from meetings.words import possessive as _possessive

register = template.Library()


@register.filter(needs_autoescape=True)
def possessive(name: object, autoescape: bool = True) -> str | SafeString:
    """The name escaped as usual; the apostrophe added after it left as it is."""
    text = str(name).strip()
    suffix = _possessive(text)[len(text) :]
    if not autoescape:
        return text + suffix
    return mark_safe(conditional_escape(text) + suffix)
