"""The email preferences page: each person turns kinds of email off, never invitations."""

from __future__ import annotations

import re

from django.urls import reverse

from notifications import kinds
from notifications.models import OptOut

URL = reverse("notifications:preferences")


def test_signed_out_people_are_sent_to_sign_in(client, org):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_every_kind_is_on_until_turned_off(as_user, org):
    page = as_user(org.fiona).get(URL).readable
    assert "Email preferences" in page
    assert "Need list reminders" in page
    assert len(re.findall(r'<input type="checkbox"[^>]* checked', page)) == len(kinds.OPTIONAL)
    as_user(org.fiona).post(URL, {})
    page = as_user(org.fiona).get(URL).readable
    assert not re.findall(r'<input type="checkbox"[^>]* checked', page)


def test_unticking_a_kind_turns_it_off_for_that_person_only(as_user, org):
    data = {"escalation": "on", "agreement": "on"}  # everything else unticked
    response = as_user(org.fiona).post(URL, data, follow=True)
    assert "Your email preferences are saved." in response.readable
    off = set(OptOut.objects.filter(user=org.fiona).values_list("kind", flat=True))
    assert "need-list-due" in off and "meeting-starting" in off
    assert "escalation" not in off and "agreement" not in off
    assert not OptOut.objects.filter(user=org.sam).exists()


def test_invitations_cannot_be_turned_off_even_by_a_forged_form(as_user, org):
    as_user(org.fiona).post(URL, {"invitation": ""})
    assert not OptOut.objects.filter(user=org.fiona, kind="invitation").exists()
    page = as_user(org.fiona).get(URL).readable
    assert "Always sent." in page
    assert 'name="invitation"' not in page


def test_the_page_is_linked_from_every_page(as_user, org):
    assert URL in as_user(org.fiona).get(reverse("home")).readable
