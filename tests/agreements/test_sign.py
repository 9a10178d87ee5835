"""Signing page: a head signs by re-entering their password."""

from __future__ import annotations

from django.urls import reverse

from agreements import services
from agreements.models import VersionStatus


def post_sign(client, sla, password, digest=None):
    version = services.latest_version(sla)
    return client.post(
        reverse("agreements:sign", args=[sla.pk, version.number]),
        {"password": password, "content_sha256": digest or services.content_sha256(version)},
    )


def test_a_head_signs_with_their_password(ready_sla, org, as_user):
    response = post_sign(as_user(org.fiona), ready_sla, org.password)
    assert response.status_code == 302
    signature = services.latest_version(ready_sla).signatures.get()
    assert signature.signer == org.fiona
    assert signature.ip_address == "127.0.0.1"


def test_a_wrong_password_says_so_and_changes_nothing(ready_sla, org, as_user):
    response = post_sign(as_user(org.fiona), ready_sla, "wrong")
    assert response.status_code == 400
    assert "That password is not right" in response.content.decode()
    assert not services.latest_version(ready_sla).signatures.exists()


def test_an_empty_password_is_refused(ready_sla, org, as_user):
    response = post_sign(as_user(org.fiona), ready_sla, "")
    assert response.status_code == 400
    assert not services.latest_version(ready_sla).signatures.exists()


def test_a_member_cannot_sign(ready_sla, org, as_user):
    response = post_sign(as_user(org.fergus), ready_sla, org.password)
    assert response.status_code == 403
    assert "Only the head" in response.content.decode()


def test_an_outsider_cannot_even_see_the_form(ready_sla, org, as_user):
    assert post_sign(as_user(org.olive), ready_sla, org.password).status_code == 403


def test_incomplete_agreements_cannot_be_signed(sla, org, as_user):
    response = post_sign(as_user(org.fiona), sla, org.password)
    assert response.status_code == 409
    assert "not complete yet" in response.content.decode()


def test_content_changed_since_reading_is_refused(ready_sla, org, as_user):
    response = post_sign(as_user(org.fiona), ready_sla, org.password, digest="f" * 64)
    assert response.status_code == 409
    assert not services.latest_version(ready_sla).signatures.exists()


def test_signing_needs_a_post(ready_sla, org, as_user):
    url = reverse("agreements:sign", args=[ready_sla.pk, 1])
    assert as_user(org.fiona).get(url).status_code == 405


def test_the_second_signature_returns_at_once_and_the_worker_seals_the_pdf(
    ready_sla, org, as_user, django_capture_on_commit_callbacks, run_tasks
):
    post_sign(as_user(org.fiona), ready_sla, org.password)
    sam = as_user(org.sam)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_sign(sam, ready_sla, org.password)
    assert response.status_code == 302
    version = services.latest_version(ready_sla)
    assert version.status == VersionStatus.SIGNED
    assert not version.has_pdf  # not made inside the request
    page = sam.get(response["Location"]).readable
    assert "the PDF is being sealed" in page
    assert "Download the signed PDF" not in page
    run_tasks()
    version.refresh_from_db()
    assert version.has_pdf
    assert "Download the signed PDF" in sam.get(response["Location"]).readable
