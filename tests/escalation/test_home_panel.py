"""The home page panel the lead includes: escalations for this person, with what to do."""

from __future__ import annotations

from django.template.loader import render_to_string

from escalation import selectors, services


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


def test_with_no_facilitator_the_head_who_chairs_proposes(escalation, meeting, org):
    # The head of the department that called the exchange chairs it, and proposes.
    type(meeting).objects.filter(pk=meeting.pk).update(facilitator=None)
    assert "For you: Propose an arbiter" in _panel(org.fiona)
    assert "Propose an arbiter" not in _panel(org.priya)
    assert _panel(org.sam).strip() == ""


def test_heads_see_their_answer_until_they_give_it(proposed, org):
    assert "For you: Accept the proposed arbiter" in _panel(org.fiona)
    assert "For you: Accept the proposed arbiter" in _panel(org.sam)
    services.escalation_respond_to_arbiter(escalation=proposed, by=org.fiona, accept=True)
    assert _panel(org.fiona).strip() == ""
    assert "For you: Accept the proposed arbiter" in _panel(org.sam)


def test_the_arbiter_sees_the_escalation_once_bound(with_arbiter, org):
    assert "For you: Help the two sides, then record the outcome" in _panel(org.arthur)
    assert _panel(org.fiona).strip() == ""
