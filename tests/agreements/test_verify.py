"""The verification page: is this an intact, validly sealed SLA from this system?"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agreements import pdf, sealing, services

URL = reverse("agreements:verify")


def upload(client, data: bytes, name="sla.pdf"):
    return client.post(URL, {"document": SimpleUploadedFile(name, data, "application/pdf")})


@pytest.fixture
def sealed_bytes(signed_sla):
    return bytes(services.latest_version(signed_sla).pdf)


def test_the_page_shows_the_form(org, as_user):
    response = as_user(org.olive).get(URL)
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


def test_a_genuine_pdf_says_which_version_and_who_signed_when(sealed_bytes, org, as_user):
    response = upload(as_user(org.margaret), sealed_bytes)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Genuine and intact" in html
    assert "version 1 of the service level agreement between Finance and Sales" in html
    assert "Signed by Fiona Marsh for Finance" in html
    assert "Signed by Samira Okafor for Sales" in html


@pytest.mark.parametrize("where", [0.3, 0.5, 0.9])
def test_a_copy_changed_by_one_byte_fails(sealed_bytes, org, as_user, where):
    tampered = bytearray(sealed_bytes)
    position = int(len(tampered) * where)
    tampered[position] = (tampered[position] + 1) % 256
    html = upload(as_user(org.margaret), bytes(tampered)).content.decode()
    assert "Not a valid agreement from this system" in html
    assert "Genuine" not in html


def test_a_byte_appended_fails(sealed_bytes, org, as_user):
    html = upload(as_user(org.margaret), sealed_bytes + b"\n").content.decode()
    assert "Not a valid agreement" in html


def test_a_pdf_sealed_by_us_but_unknown_here_fails(org, as_user, db):
    stranger = sealing.seal(pdf.html_to_pdf("<p>Not an agreement</p>"), reason="test")
    html = upload(as_user(org.margaret), stranger).content.decode()
    assert "no record of this" in html


def test_a_random_pdf_fails(org, as_user, db):
    html = upload(as_user(org.fergus), pdf.html_to_pdf("<p>Hello</p>")).content.decode()
    assert "carries no seal from this system" in html


def test_a_file_that_is_not_a_pdf_gets_a_clear_message(org, as_user):
    response = upload(as_user(org.fergus), b"hello, world", name="notes.txt")
    assert response.status_code == 200
    assert "This file is not a PDF" in response.content.decode()


def test_a_broken_pdf_gets_a_clear_message(org, as_user):
    response = upload(as_user(org.fergus), b"%PDF-1.7\n garbage \n%%EOF")
    assert response.status_code == 200
    assert "Not a valid agreement" in response.content.decode()


def test_no_file_re_renders_the_form(org, as_user):
    response = as_user(org.fergus).post(URL, {})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_anonymous_visitors_must_log_in(client, db):
    assert client.get(URL).status_code == 302
