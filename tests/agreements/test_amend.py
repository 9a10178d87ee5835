"""Starting a new version of a signed agreement (for instance after a review)."""

from __future__ import annotations

from django.urls import reverse

from agreements import services
from agreements.models import VersionStatus


def amend_url(sla):
    return reverse("agreements:amend", args=[sla.pk])


def test_a_head_starts_version_two_and_version_one_stays_in_force(signed_sla, org, as_user):
    response = as_user(org.fiona).post(amend_url(signed_sla), {"reason": "Annual review"})
    assert response.status_code == 302
    assert response["Location"] == reverse("agreements:version", args=[signed_sla.pk, 2])
    first, second = signed_sla.versions.order_by("number")
    assert first.status == VersionStatus.SIGNED
    assert (second.status, second.reason) == (VersionStatus.DRAFT, "Annual review")
    assert second.services.count() == first.services.count()
    assert not second.signatures.exists()


def test_old_versions_stay_readable_and_are_marked_superseded(
    signed_sla, org, as_user, django_capture_on_commit_callbacks
):
    from tests.agreements.conftest import sign_both

    as_user(org.fiona).post(amend_url(signed_sla), {"reason": "Annual review"})
    sign_both(signed_sla, org, django_capture_on_commit_callbacks)
    page = as_user(org.margaret).get(reverse("agreements:version", args=[signed_sla.pk, 1]))
    html = page.content.decode()
    assert "This version was superseded" in html
    assert reverse("agreements:pdf", args=[signed_sla.pk, 1]) in html
    assert (
        as_user(org.margaret).get(reverse("agreements:pdf", args=[signed_sla.pk, 1])).status_code
        == 200
    )


def test_an_unsigned_agreement_is_changed_not_amended(sla, org, as_user):
    response = as_user(org.fiona).post(amend_url(sla), {"reason": "Again"})
    assert response.status_code == 409
    assert sla.versions.count() == 1


def test_a_reason_is_needed(signed_sla, org, as_user):
    response = as_user(org.fiona).post(amend_url(signed_sla), {"reason": ""})
    assert response.status_code == 400
    assert signed_sla.versions.count() == 1


def test_members_and_managers_cannot_amend(signed_sla, org, as_user):
    assert as_user(org.fergus).post(amend_url(signed_sla), {"reason": "x"}).status_code == 403
    assert as_user(org.margaret).post(amend_url(signed_sla), {"reason": "x"}).status_code == 403
    assert as_user(org.olive).post(amend_url(signed_sla), {"reason": "x"}).status_code == 403
    assert services.latest_version(signed_sla).number == 1
