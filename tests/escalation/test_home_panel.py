"""The home page panel the lead includes: escalations for this person, with what to do."""

from __future__ import annotations

from django.template.loader import render_to_string

from escalation import selectors


def test_the_panel_shows_what_to_do(escalation, org):
    html = render_to_string(
        "escalation/_home_panel.html",
        {"escalations": selectors.escalations_for_user(org.priya)},
    )
    assert "Signed order forms" in html
    assert "For you: Propose an arbiter" in html


def test_the_panel_is_empty_for_outsiders(escalation, org):
    html = render_to_string(
        "escalation/_home_panel.html",
        {"escalations": selectors.escalations_for_user(org.olive)},
    )
    assert html.strip() == ""
