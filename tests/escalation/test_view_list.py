"""The list of escalations."""

from __future__ import annotations

from django.urls import reverse


def test_the_facilitator_sees_what_to_do(escalation, org, as_user):
    response = as_user(org.priya).get(reverse("escalation:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert "Signed order forms" in page
    assert "Propose an arbiter" in page


def test_someone_outside_sees_an_empty_list(escalation, org, as_user):
    response = as_user(org.olive).get(reverse("escalation:list"))
    assert response.status_code == 200
    assert "Signed order forms" not in response.content.decode()


def test_signing_in_is_required(client, escalation):
    response = client.get(reverse("escalation:list"))
    assert response.status_code == 302
