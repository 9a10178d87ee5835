"""Signing in and out, changing a password, and keeping anonymous people out."""

from __future__ import annotations

import pytest
from django.http import HttpRequest
from django.urls import reverse

from tests.factories import PASSWORD


def test_login_page_is_styled_with_one_heading(client, db) -> None:
    response = client.get(reverse("login"))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Sign in</h1>" in html
    assert "css/app.css" in html
    assert 'name="username"' in html and 'name="password"' in html
    assert "Sign out" not in html


def test_login_with_the_right_password_goes_home(client, org) -> None:
    response = client.post(
        reverse("login"), {"username": "fiona", "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.context["user"] == org.fiona
    assert "Hello, Fiona" in response.content.decode()


def test_login_follows_next_to_the_page_asked_for(client, org) -> None:
    target = reverse("meetings:list")
    response = client.post(
        f"{reverse('login')}?next={target}",
        {"username": "fiona", "password": PASSWORD, "next": target},
    )

    assert response.status_code == 302
    assert response.url == target


def test_login_with_a_wrong_password_says_so_and_does_not_sign_in(client, org) -> None:
    response = client.post(reverse("login"), {"username": "fiona", "password": "nope"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Please enter a correct username and password" in html
    assert 'role="alert"' in html
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_and_signs_out(client, org) -> None:
    client.force_login(org.fiona)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response.url == reverse("login")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_logout_by_get_is_refused_and_keeps_the_session(client, org) -> None:
    client.force_login(org.fiona)

    response = client.get(reverse("logout"))

    assert response.status_code == 405
    assert client.get(reverse("home")).status_code == 200


def test_every_page_offers_a_sign_out_form(as_user, org) -> None:
    html = as_user(org.fiona).get(reverse("home")).content.decode()

    assert f'action="{reverse("logout")}"' in html
    assert "Sign out" in html


def test_password_change_page_is_styled_with_one_heading(as_user, org) -> None:
    response = as_user(org.fiona).get(reverse("password_change"))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Change your password" in html


def test_password_change_with_the_wrong_old_password_changes_nothing(as_user, org) -> None:
    response = as_user(org.fiona).post(
        reverse("password_change"),
        {
            "old_password": "not-my-password",
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
    )

    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    org.fiona.refresh_from_db()
    assert org.fiona.check_password(PASSWORD)


def test_password_change_with_mismatched_new_passwords_changes_nothing(as_user, org) -> None:
    response = as_user(org.fiona).post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase",
            "new_password2": "another-long-passphrase",
        },
    )

    assert response.status_code == 200
    assert "didn’t match" in response.content.decode()
    org.fiona.refresh_from_db()
    assert org.fiona.check_password(PASSWORD)


def test_password_change_works_and_the_new_password_signs_in(as_user, org, client) -> None:
    response = as_user(org.fiona).post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("password_change_done")
    assert "Password changed" in response.content.decode()
    # The lockout's backend needs the request that carries the credentials.
    assert client.login(request=HttpRequest(), username="fiona", password="a-new-long-passphrase")
    assert not client.login(request=HttpRequest(), username="fiona", password=PASSWORD)


def test_anonymous_password_change_goes_to_login(client, db) -> None:
    response = client.get(reverse("password_change"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", ["home", "meetings:list", "meetings:schedule"])
def test_anonymous_visitor_is_sent_to_login(client, db, name) -> None:
    url = reverse(name)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


def test_anonymous_visitor_cannot_reach_an_exchange_or_its_need_list(client, meeting, org) -> None:
    finance_list = meeting.need_list_for(org.finance)
    urls = [
        reverse("meetings:detail", args=[meeting.pk]),
        reverse("meetings:minutes", args=[meeting.pk]),
        reverse("meetings:need_list", args=[meeting.pk, finance_list.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url

    response = client.post(
        reverse("meetings:need_item_add", args=[meeting.pk, finance_list.pk]), {"service": "x"}
    )
    assert response.status_code == 302
    assert not finance_list.items.exists()
