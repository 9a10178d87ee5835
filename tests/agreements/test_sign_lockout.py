"""The signing form's password check counts towards the same lockout as signing in."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.urls import reverse

from agreements import services


def post_sign(client, sla, password, address="10.1.1.1"):
    version = services.latest_version(sla)
    return client.post(
        reverse("agreements:sign", args=[sla.pk, version.number]),
        {"password": password, "content_sha256": services.content_sha256(version)},
        REMOTE_ADDR=address,
    )


def test_wrong_passwords_on_the_signing_form_lock_out_with_a_clear_page(ready_sla, org, as_user):
    client = as_user(org.fiona)
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        response = post_sign(client, ready_sla, f"guess-{n}")
        assert response.status_code == 400
        assert "That password is not right" in response.readable
    response = post_sign(client, ready_sla, "one guess too many")
    assert response.status_code == 429
    assert "<h1>Too many wrong passwords</h1>" in response.readable
    assert "signing agreements with it are paused here" in response.readable
    # The right password no longer signs from here, and nothing was signed.
    response = post_sign(client, ready_sla, org.password)
    assert response.status_code == 429
    assert not services.latest_version(ready_sla).signatures.exists()
    # Nor does it sign in from here.
    login = Client().post(
        reverse("login"),
        {"username": "fiona", "password": org.password},
        REMOTE_ADDR="10.1.1.1",
    )
    assert login.status_code == 429


def test_a_lockout_on_signing_leaves_the_other_head_and_other_addresses_alone(
    ready_sla, org, as_user
):
    client = as_user(org.fiona)
    for n in range(settings.AXES_FAILURE_LIMIT):
        post_sign(client, ready_sla, f"guess-{n}")
    assert post_sign(as_user(org.sam), ready_sla, org.password).status_code == 302
    assert post_sign(client, ready_sla, org.password, address="10.2.2.2").status_code == 302
    assert services.latest_version(ready_sla).signatures.count() == 2
