"""``{% load words %}``: ``{{ department.name|possessive }}`` → "Sales'" or "Finance's"."""

from __future__ import annotations

from django import template

from meetings.words import possessive as _possessive

register = template.Library()


@register.filter
def possessive(name: object) -> str:
    return _possessive(name)
