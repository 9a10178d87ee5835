"""sla_sign: each head signs their department's part by confirming their password."""

from __future__ import annotations

import hashlib

import pytest

from agreements import sealing, services, tasks
from agreements.models import VersionStatus
from agreements.services import AgreementError, WrongPassword


def version_of(sla):
    return services.latest_version(sla)


def test_the_first_head_signs_and_the_version_awaits_the_other(ready_sla, org):
    version = version_of(ready_sla)
    signature = services.sla_sign(
        version=version, by=org.fiona, password=org.password, ip_address="192.0.2.7"
    )
    version.refresh_from_db()
    assert version.status == VersionStatus.AWAITING
    assert signature.department == org.finance
    assert signature.signer_name == "Fiona Marsh"
    assert signature.ip_address == "192.0.2.7"
    assert signature.content_sha256 == hashlib.sha256(services.canonical_bytes(version)).hexdigest()
    assert version.changes.filter(kind="signed").count() == 1


def test_a_wrong_password_changes_nothing(ready_sla, org):
    version = version_of(ready_sla)
    with pytest.raises(WrongPassword) as refused:
        services.sla_sign(version=version, by=org.fiona, password="nope", ip_address=None)
    assert "password" in refused.value.message
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT
    assert not version.signatures.exists()


@pytest.mark.parametrize("who", ["priya", "fergus", "sean", "margaret", "olive"])
def test_only_the_two_heads_can_sign(ready_sla, org, who):
    with pytest.raises(AgreementError) as refused:
        services.sla_sign(
            version=version_of(ready_sla),
            by=getattr(org, who),
            password=org.password,
            ip_address=None,
        )
    assert refused.value.status == 403


def test_a_head_signs_once(ready_sla, org):
    version = version_of(ready_sla)
    services.sla_sign(version=version, by=org.fiona, password=org.password, ip_address=None)
    with pytest.raises(AgreementError) as refused:
        services.sla_sign(version=version, by=org.fiona, password=org.password, ip_address=None)
    assert refused.value.status == 409


def test_an_incomplete_agreement_cannot_be_signed(sla, org):
    with pytest.raises(AgreementError) as refused:
        services.sla_sign(
            version=version_of(sla), by=org.fiona, password=org.password, ip_address=None
        )
    assert "needs who measures" in refused.value.message
    assert not version_of(sla).signatures.exists()


def test_signing_what_one_did_not_read_is_refused(ready_sla, org):
    with pytest.raises(AgreementError) as refused:
        services.sla_sign(
            version=version_of(ready_sla),
            by=org.fiona,
            password=org.password,
            ip_address=None,
            expected_sha256="0" * 64,
        )
    assert "changed while you were reading" in refused.value.message


def test_the_second_signature_signs_the_version_and_seals_the_pdf_once(signed_sla, org):
    version = version_of(signed_sla)
    assert version.status == VersionStatus.SIGNED
    assert version.signed_at is not None
    data = bytes(version.pdf)
    assert data.startswith(b"%PDF-")
    assert version.pdf_sha256 == hashlib.sha256(data).hexdigest()
    assert sealing.check_seal(data).ok
    assert version.changes.filter(kind="sealed").count() == 1


def test_the_pdf_task_never_re_renders(signed_sla):
    version = version_of(signed_sla)
    before = version.pdf_sha256
    tasks.seal_version.call(version_id=version.pk)
    version.refresh_from_db()
    assert version.pdf_sha256 == before
    assert version.changes.filter(kind="sealed").count() == 1


def test_a_signed_version_cannot_be_signed_again(signed_sla, org):
    with pytest.raises(AgreementError):
        services.sla_sign(
            version=version_of(signed_sla), by=org.fiona, password=org.password, ip_address=None
        )
