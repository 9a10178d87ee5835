"""GET/POST /organisation/invitation/<token>/: the invitee sets a password and lands home."""

from __future__ import annotations

from django.urls import reverse

from organisation import services
from organisation.services import NewPerson
from tests.tasks import run_queued_tasks


def invited(admin, org, mailoutbox, capture):
    with capture(execute=True):
        services.person_invite(
            by=admin,
            person=NewPerson(
                email="nia@example.org", first_name="Nia", last_name="Ross", department=org.sales
            ),
        )
    run_queued_tasks()  # the worker sends it
    return mailoutbox[-1].body.split("/organisation/invitation/")[1].split("/")[0]


def test_accepting_sets_the_password_and_lands_on_the_home_page(
    org, admin, client, mailoutbox, django_capture_on_commit_callbacks
):
    token = invited(admin, org, mailoutbox, django_capture_on_commit_callbacks)
    url = reverse("organisation:accept", args=[token])
    page = client.get(url)
    assert page.status_code == 200
    assert "Welcome, Nia" in page.readable
    response = client.post(
        url, {"password1": "a-long-new-password", "password2": "a-long-new-password"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")
    home = client.get(reverse("home")).readable
    assert "Hello, Nia" in home
    assert "Member of Sales" in home
    assert client.get(url).status_code == 404  # used once


def test_mismatched_or_weak_passwords_are_explained(
    org, admin, client, mailoutbox, django_capture_on_commit_callbacks
):
    token = invited(admin, org, mailoutbox, django_capture_on_commit_callbacks)
    url = reverse("organisation:accept", args=[token])
    differ = client.post(url, {"password1": "a-long-new-password", "password2": "something-else-1"})
    assert differ.status_code == 400 and "The two passwords differ." in differ.readable
    weak = client.post(url, {"password1": "123", "password2": "123"})
    assert weak.status_code == 400 and "too short" in weak.readable


def test_a_wrong_or_malformed_token_says_the_link_no_longer_works(db, client):
    for token in ["nope", "x" * 300, "abc%00def"]:
        response = client.get(f"/organisation/invitation/{token}/")
        assert response.status_code == 404
        assert "no longer works" in response.readable


def test_the_sent_invitation_keeps_no_sign_in_link(
    org, admin, mailoutbox, django_capture_on_commit_callbacks
):
    from notifications.models import Outbox

    token = invited(admin, org, mailoutbox, django_capture_on_commit_callbacks)
    row = Outbox.objects.get(kind="invitation")
    assert row.sent_at is not None
    assert token not in row.body
