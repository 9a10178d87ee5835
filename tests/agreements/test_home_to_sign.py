"""The home page tells each head which agreements still need their signature."""

from __future__ import annotations

from django.urls import reverse

from agreements import selectors
from tests.agreements.conftest import sign_both


def test_each_head_is_asked_to_sign_until_they_have(ready_sla, org, as_user):
    version = ready_sla.versions.get()
    assert list(selectors.versions_to_sign(org.fiona)) == [version]
    assert list(selectors.versions_to_sign(org.sam)) == [version]
    assert list(selectors.versions_to_sign(org.fergus)) == []
    assert list(selectors.versions_to_sign(org.priya)) == []
    home = as_user(org.fiona).get(reverse("home")).readable
    assert "Agreements to sign" in home and "Your signature is needed" in home


def test_nobody_is_asked_once_both_have_signed(ready_sla, org, as_user):
    sign_both(ready_sla, org)
    assert list(selectors.versions_to_sign(org.fiona)) == []
    assert "Agreements to sign" not in as_user(org.sam).get(reverse("home")).readable


def test_the_closed_meeting_links_to_its_sla(sla, org, as_user):
    client = as_user(org.fiona)
    page = client.get(reverse("meetings:detail", args=[sla.meeting_id])).readable
    link = reverse("agreements:for_meeting", args=[sla.meeting_id])
    assert link in page
    assert "Open the SLA draft" in page
    followed = client.get(link)
    assert followed.status_code == 302
    assert followed["Location"] == reverse("agreements:detail", args=[sla.pk])


def test_the_link_to_a_meetings_sla_is_only_for_those_who_may_see_it(sla, org, as_user):
    link = reverse("agreements:for_meeting", args=[sla.meeting_id])
    assert as_user(org.olive).get(link).status_code == 403
