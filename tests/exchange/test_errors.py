"""Refusals and lapsed sessions during htmx requests take over the page cleanly."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse


def test_a_refusal_to_htmx_replaces_the_main_content_with_the_message(meeting, org, as_user):
    url = reverse("meetings:detail", args=[meeting.pk])
    response = as_user(org.olive).get(url, headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert response.headers["HX-Retarget"] == "#main"
    assert response.headers["HX-Reswap"] == "innerHTML"
    html = response.readable
    assert "<html" not in html
    assert "This exchange is between other departments." in html


def test_a_refusal_without_htmx_is_the_full_403_page(meeting, org, as_user):
    response = as_user(org.olive).get(reverse("meetings:detail", args=[meeting.pk]))
    assert response.status_code == 403
    assert "<html" in response.readable and "between other departments" in response.readable


def test_a_lapsed_session_sends_the_whole_browser_to_login(meeting):
    url = reverse("meetings:detail", args=[meeting.pk])
    response = Client().get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.headers["HX-Redirect"].startswith(reverse("login"))
    plain = Client().get(url)
    assert plain.status_code == 302 and plain.url.startswith(reverse("login"))
