"""Sealing PDFs with the organisation's key (PAdES, pyHanko), and checking a seal.

The key and certificate come from ``settings.SIGNING_KEY`` / ``SIGNING_CERT``.
Outside production, if they are not set, a self-signed pair is created once
under ``var/signing/``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import functools
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

SEAL_FIELD = "OrganisationSeal"


def _outside_event_loop(function, /, *args, **kwargs):
    """pyHanko's sync API uses ``asyncio.run``; under a running loop, call it from a thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(function, *args, **kwargs).result()


def _generate_development_pair(folder: Path) -> None:
    """A self-signed certificate for development, written atomically as a folder."""

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Expectations Exchange (development)"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Agreement seal (development only)"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".signing-", dir=folder.parent))
    key_path = staging / "key.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    (staging / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    try:
        os.rename(staging, folder)
    except OSError:  # another process made it first: keep theirs
        for child in staging.iterdir():
            child.unlink()
        staging.rmdir()


def key_and_certificate_paths() -> tuple[Path, Path]:
    if settings.SIGNING_KEY and settings.SIGNING_CERT:
        return Path(settings.SIGNING_KEY), Path(settings.SIGNING_CERT)
    if getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured(
            "Set SIGNING_KEY and SIGNING_CERT to the organisation's key and certificate."
        )
    folder = Path(settings.VAR_DIR) / "signing"
    if not (folder / "cert.pem").exists():
        _generate_development_pair(folder)
    return folder / "key.pem", folder / "cert.pem"


@functools.cache
def _signer(key_path: Path, cert_path: Path, passphrase: str):

    signer = signers.SimpleSigner.load(
        str(key_path), str(cert_path), key_passphrase=passphrase.encode() or None
    )
    if signer is None:
        raise ImproperlyConfigured("The signing key or certificate could not be read.")
    return signer


@functools.cache
def _trust_root(cert_path: Path):

    return load_cert_from_pemder(str(cert_path))


def seal(pdf: bytes, *, reason: str) -> bytes:
    """Add the organisation's PAdES seal to ``pdf`` and return the sealed bytes."""

    key_path, cert_path = key_and_certificate_paths()
    signer = _signer(key_path, cert_path, settings.SIGNING_KEY_PASSPHRASE)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        name="Expectations Exchange",
    )
    return _outside_event_loop(signers.sign_pdf, writer, metadata, signer=signer).getvalue()


@dataclass(frozen=True)
class SealCheck:
    """What a seal check found. ``ok`` means intact, valid, trusted and covering the file."""

    ok: bool
    problem: str = ""
    sealed_at: dt.datetime | None = None


def check_seal(data: bytes) -> SealCheck:
    """Is ``data`` a PDF sealed by our certificate, untouched since?"""

    if not data.startswith(b"%PDF-"):
        return SealCheck(False, "This file is not a PDF.")
    _key_path, cert_path = key_and_certificate_paths()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = [s for s in reader.embedded_signatures if s.field_name == SEAL_FIELD]
        if not signatures:
            return SealCheck(False, "This PDF carries no seal from this system.")
        context = ValidationContext(trust_roots=[_trust_root(cert_path)])
        status = _outside_event_loop(validate_pdf_signature, signatures[-1], context)
    except (PdfError, SignatureValidationError, ValueError, KeyError, TypeError) as error:
        return SealCheck(False, f"The PDF could not be read as a sealed document ({error}).")
    except Exception as error:  # pyHanko raises many kinds on a damaged file
        return SealCheck(False, f"The PDF is damaged ({type(error).__name__}).")
    if not (status.intact and status.valid):
        return SealCheck(False, "The seal does not match the content: the file was changed.")
    if not status.trusted:
        return SealCheck(False, "The seal was not made with this organisation's certificate.")
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return SealCheck(False, "Something was added to the file after it was sealed.")
    return SealCheck(True, sealed_at=status.signer_reported_dt)
