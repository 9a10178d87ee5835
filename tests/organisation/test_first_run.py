"""The first run: a one-time setup link creates the organisation's administrator."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from organisation.models import OrgRole
from organisation.views import first_run_token

FORM = {
    "first_name": "Rowan",
    "last_name": "Hart",
    "email": "rowan@example.org",
    "username": "rowan",
    "password1": "a-long-new-password",
    "password2": "a-long-new-password",
}


def test_the_setup_link_creates_the_administrator_once(db, client):
    out = StringIO()
    call_command("setup_link", stdout=out)
    link = out.getvalue().strip().split()[-1]
    path = link[link.index("/organisation/setup/") :]
    assert client.get(path).status_code == 200
    response = client.post(path, FORM)
    assert response.status_code == 302 and response["Location"] == reverse("organisation:page")
    assert OrgRole.objects.filter(user__username="rowan", role="administrator").exists()
    assert client.get(reverse("organisation:page")).status_code == 200
    assert client.get(path).status_code == 404  # once only

    out = StringIO()
    call_command("setup_link", stdout=out)
    assert "has an administrator" in out.getvalue()


def test_a_forged_setup_link_is_refused(db, client):
    assert client.get("/organisation/setup/forged-token/").status_code == 404


def test_a_weak_password_is_explained(db, client):
    path = reverse("organisation:first_run", args=[first_run_token()])
    response = client.post(path, {**FORM, "password1": "abc", "password2": "abc"})
    assert response.status_code == 400
    assert "too short" in response.readable
