"""The list of agreements someone may see."""

from __future__ import annotations

from django.urls import reverse

URL = reverse("agreements:list")


def test_those_involved_see_the_agreement(sla, org, as_user):
    for who in (org.fiona, org.sean, org.priya, org.margaret):
        html = as_user(who).get(URL).content.decode()
        assert reverse("agreements:detail", args=[sla.pk]) in html
        assert html.count("<h1") == 1


def test_others_see_an_empty_list(sla, org, as_user):
    html = as_user(org.olive).get(URL).content.decode()
    assert reverse("agreements:detail", args=[sla.pk]) not in html
    assert "No agreements you can see yet" in html
