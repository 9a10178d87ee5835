"""Guessing passwords: after too many wrong ones, that person is locked out from that
address, told so on a page, and an administrator can lift it."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.factories import make_user

HERE, ELSEWHERE = "10.1.1.1", "10.2.2.2"


def sign_in(client: Client, username: str, password: str, address: str = HERE):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def guess(username: str, times: int, address: str = HERE):
    responses = [sign_in(Client(), username, f"guess-{n}", address) for n in range(times)]
    return responses[-1]


def signed_in(response) -> bool:
    return response.status_code == 302 and response.url == reverse("home")


def test_wrong_passwords_below_the_limit_say_so_and_the_right_one_still_works(org):
    last = guess("fiona", settings.AXES_FAILURE_LIMIT - 1)
    assert last.status_code == 200
    assert "correct username and password" in last.readable
    assert signed_in(sign_in(Client(), "fiona", org.password))


def test_the_limit_of_wrong_passwords_locks_out_with_a_page_that_says_why(org):
    last = guess("fiona", settings.AXES_FAILURE_LIMIT)
    assert last.status_code == 429
    page = last.readable
    assert "<h1>Too many wrong passwords</h1>" in page
    assert f"typed wrongly {settings.AXES_FAILURE_LIMIT} times from this address" in page
    assert "ask an administrator" in page
    # Even the right password is refused now, and nobody is signed in.
    client = Client()
    response = sign_in(client, "fiona", org.password)
    assert response.status_code == 429
    assert "Too many wrong passwords" in response.readable
    assert client.get(reverse("home")).status_code == 302


def test_the_same_person_from_another_address_is_not_locked_out(org):
    guess("fiona", settings.AXES_FAILURE_LIMIT)
    assert signed_in(sign_in(Client(), "fiona", org.password, ELSEWHERE))


def test_someone_else_from_the_same_address_is_not_locked_out(org):
    guess("fiona", settings.AXES_FAILURE_LIMIT)
    assert signed_in(sign_in(Client(), "sam", org.password))


def test_the_admin_login_counts_too(org):
    make_user("ada", is_staff=True, is_superuser=True)
    for n in range(settings.AXES_FAILURE_LIMIT):
        response = Client().post(
            reverse("admin:login"),
            {"username": "ada", "password": f"guess-{n}"},
            REMOTE_ADDR=HERE,
        )
    assert response.status_code == 429
    assert "Too many wrong passwords" in response.readable


def test_an_administrator_lifts_a_lockout_in_the_admin(org, as_user):
    guess("fiona", settings.AXES_FAILURE_LIMIT)
    attempt = AccessAttempt.objects.get(username="fiona")
    admin = as_user(make_user("ada", is_staff=True, is_superuser=True))
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "fiona" in listing.readable
    response = admin.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert signed_in(sign_in(Client(), "fiona", org.password))


@pytest.mark.parametrize("command", ["axes_reset_username", "axes_reset"])
def test_an_administrator_lifts_a_lockout_with_a_command(org, command):
    guess("fiona", settings.AXES_FAILURE_LIMIT)
    assert sign_in(Client(), "fiona", org.password).status_code == 429
    call_command(command, *(["fiona"] if command == "axes_reset_username" else []))
    assert signed_in(sign_in(Client(), "fiona", org.password))


def test_the_lockout_page_names_the_person_however_axes_calls_it(rf):
    """Under ASGI django-axes' middleware passes the credentials as the second argument."""
    from exchange.errors import locked_out

    request = rf.post("/agreements/1/v1/sign/")
    for args in [(None, {"username": "fiona"}), ({"username": "fiona"}, None)]:
        response = locked_out(request, *args)
        assert response.status_code == 429
        assert "<strong>fiona</strong>" in response.content.decode()
