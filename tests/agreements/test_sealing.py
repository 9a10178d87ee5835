"""The sealed PDF: what it says, and pyHanko's view of its seal."""

from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from agreements import pdf, sealing, services
from agreements.sealing import _generate_development_pair


def test_the_print_template_has_every_part(signed_sla):
    html = pdf.sla_html(services.latest_version(signed_sla))
    for part in [
        "Service level agreement · version 1",
        "What Sales provides Finance",
        "What Finance provides Sales",
        "Measures",
        "Escalations",
        "Escalation route",
        "Monitoring and review",
        "Signatures",
        "Audit trail",
        "Fiona Marsh",
        "Samira Okafor",
        "Monthly forecast",
    ]:
        assert part in html, part
    for signature in services.latest_version(signed_sla).signatures.all():
        assert signature.content_sha256 in html
    assert "<script" not in html


def test_pyhanko_finds_the_seal_intact_valid_and_trusted(signed_sla):
    data = bytes(services.latest_version(signed_sla).pdf)
    _key, cert = sealing.key_and_certificate_paths()
    (signature,) = PdfFileReader(io.BytesIO(data)).embedded_signatures
    status = validate_pdf_signature(
        signature, ValidationContext(trust_roots=[sealing._trust_root(cert)])
    )
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.bottom_line


def test_the_seal_is_not_trusted_with_another_certificate(signed_sla, tmp_path):
    data = bytes(services.latest_version(signed_sla).pdf)
    _generate_development_pair(tmp_path / "other")
    (signature,) = PdfFileReader(io.BytesIO(data)).embedded_signatures
    status = validate_pdf_signature(
        signature,
        ValidationContext(trust_roots=[sealing._trust_root(tmp_path / "other" / "cert.pem")]),
    )
    assert status.intact and status.valid
    assert not status.trusted


def test_the_key_and_certificate_come_from_settings(settings, tmp_path):
    _generate_development_pair(tmp_path / "org")
    settings.SIGNING_KEY = str(tmp_path / "org" / "key.pem")
    settings.SIGNING_CERT = str(tmp_path / "org" / "cert.pem")
    sealed = sealing.seal(pdf.html_to_pdf("<p>Hello</p>"), reason="test")
    assert sealing.check_seal(sealed).ok
    settings.SIGNING_KEY = settings.SIGNING_CERT = ""
    assert not sealing.check_seal(sealed).ok  # the development certificate does not trust it


def test_in_development_a_self_signed_pair_is_made_under_var(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.SIGNING_KEY = settings.SIGNING_CERT = ""
    key, cert = sealing.key_and_certificate_paths()
    assert key == tmp_path / "signing" / "key.pem"
    assert cert.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    assert sealing.key_and_certificate_paths() == (key, cert)  # made once


def test_production_refuses_to_make_up_a_key(settings, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    settings.VAR_DIR = tmp_path
    settings.PRODUCTION = True
    settings.SIGNING_KEY = settings.SIGNING_CERT = ""
    with pytest.raises(ImproperlyConfigured):
        sealing.key_and_certificate_paths()


def test_sealing_and_checking_work_inside_a_running_event_loop(db):
    """Under ASGI or Playwright a loop may be running; pyHanko's sync calls must still work."""
    import asyncio

    async def inside() -> bool:
        sealed = sealing.seal(pdf.html_to_pdf("<p>Hello</p>"), reason="test")
        return sealing.check_seal(sealed).ok

    assert asyncio.run(inside())
