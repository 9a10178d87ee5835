"""The home page panel the lead includes: escalations for this person, with what to do."""

from __future__ import annotations

from django.template.loader import render_to_string

from escalation import selectors


def _panel(user) -> str:
    escalations, count = selectors.needing_user(user, limit=5)
    return render_to_string(
        "escalation/_home_panel.html", {"escalations": escalations, "escalations_count": count}
    )


def test_the_panel_shows_what_to_do(escalation, org):
    html = _panel(org.priya)
    assert "Signed order forms" in html
    assert "For you: Propose an arbiter" in html


def test_the_panel_is_empty_for_outsiders(escalation, org):
    html = _panel(org.olive)
    assert html.strip() == ""
