"""Downloading the sealed PDF: stored bytes, never re-rendered, only for those involved."""

from __future__ import annotations

import hashlib
import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from agreements import links, services


def pdf_url(sla, number=1):
    return reverse("agreements:pdf", args=[sla.pk, number])


@pytest.mark.parametrize("who", ["margaret", "fiona", "sam", "priya", "fergus"])
def test_those_involved_download_the_stored_bytes(signed_sla, org, as_user, who):
    response = as_user(getattr(org, who)).get(pdf_url(signed_sla))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    version = services.latest_version(signed_sla)
    assert response.content == bytes(version.pdf)
    assert hashlib.sha256(response.content).hexdigest() == version.pdf_sha256


def test_downloads_never_re_render(signed_sla, org, as_user, monkeypatch):
    def explode(*args, **kwargs):
        raise AssertionError("re-rendered")

    monkeypatch.setattr("agreements.pdf.sla_pdf", explode)
    monkeypatch.setattr("agreements.sealing.seal", explode)
    first = as_user(org.margaret).get(pdf_url(signed_sla)).content
    assert as_user(org.fiona).get(pdf_url(signed_sla)).content == first


def test_an_arbiter_involved_can_download(signed_sla, org, as_user, monkeypatch):
    monkeypatch.setattr(
        "escalation.selectors.is_arbiter_in_meeting",
        lambda *, user, meeting: user == org.arthur,
    )
    assert as_user(org.arthur).get(pdf_url(signed_sla)).status_code == 200


@pytest.mark.parametrize("who", ["olive", "arthur"])
def test_others_cannot_download(signed_sla, org, as_user, who):
    assert as_user(getattr(org, who)).get(pdf_url(signed_sla)).status_code == 403


def test_anonymous_visitors_cannot_download(signed_sla, client):
    assert client.get(pdf_url(signed_sla)).status_code == 302


def test_an_unsigned_version_has_no_pdf(sla, org, as_user):
    assert as_user(org.fiona).get(pdf_url(sla)).status_code == 404
    assert as_user(org.fiona).get(pdf_url(sla, 9)).status_code == 404


def test_managers_download_only_within_their_remit(signed_sla, org, as_user):
    from organisation.models import OrgRole
    from tests.factories import give_role, make_department, make_user

    outside, inside = make_user("mo"), make_user("mi")
    give_role(outside, OrgRole.Role.MANAGER, remit=[make_department("Logistics")])
    give_role(inside, OrgRole.Role.MANAGER, remit=[org.finance])
    assert as_user(outside).get(pdf_url(signed_sla)).status_code == 403
    assert as_user(inside).get(pdf_url(signed_sla)).status_code == 200


def test_the_one_query_check_agrees_with_the_permission_helper(signed_sla, org):
    from agreements import permissions, selectors

    for user in (
        org.fiona,
        org.fergus,
        org.sam,
        org.sean,
        org.priya,
        org.arthur,
        org.margaret,
        org.olive,
    ):
        version = selectors.version_for_download(user.pk, signed_sla.pk, 1)
        assert version.visible == permissions.can_view_sla(user, signed_sla), user


def test_a_download_takes_few_queries(signed_sla, org, as_user, django_assert_max_num_queries):
    client = as_user(org.margaret)
    with django_assert_max_num_queries(3):  # session, user, the version with its permission
        assert client.get(pdf_url(signed_sla)).status_code == 200


def signed_link(client, sla) -> str:
    """The download link exactly as the agreement page shows it to this person."""
    page = client.get(reverse("agreements:detail", args=[sla.pk])).content.decode()
    match = re.search(r'href="(/agreements/\d+/v\d+/pdf/\?t=[^"]+)"', page)
    assert match, "the agreement page links to its PDF with a signed token"
    return unescape(match.group(1))


def test_the_pages_signed_link_downloads_in_its_persons_session_with_three_queries(
    signed_sla, org, as_user, django_assert_num_queries
):
    client = as_user(org.margaret)
    link = signed_link(client, signed_sla)
    with django_assert_num_queries(3):  # session, person, the version with its permission
        response = client.get(link)
    assert response.status_code == 200
    assert response.content == bytes(signed_sla.versions.get().pdf)


def test_a_signed_link_opened_signed_out_leads_to_the_login_page(signed_sla, org, as_user):
    link = signed_link(as_user(org.margaret), signed_sla)
    response = Client().get(link)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert b"%PDF" not in response.content


def test_a_forwarded_link_is_refused_to_someone_unrelated(signed_sla, org, as_user):
    """A COO's link forwarded to a member of an unrelated department gives nothing."""
    link = signed_link(as_user(org.margaret), signed_sla)
    response = as_user(org.olive).get(link)
    assert response.status_code == 403
    assert "made for someone else" in response.readable
    assert b"%PDF" not in response.content


def test_a_forwarded_link_is_refused_even_to_someone_who_may_see_the_agreement(
    signed_sla, org, as_user
):
    link = signed_link(as_user(org.margaret), signed_sla)
    assert as_user(org.fergus).get(link).status_code == 403
    # Their own way in still works.
    assert as_user(org.fergus).get(pdf_url(signed_sla)).status_code == 200


def test_a_link_stops_working_when_its_person_is_deactivated(signed_sla, org, as_user):
    from organisation import services as organisation_services
    from organisation.models import OrgRole
    from tests.factories import give_role, make_user

    client = as_user(org.margaret)
    link = signed_link(client, signed_sla)
    admin = make_user("ada")
    give_role(admin, OrgRole.Role.ADMINISTRATOR)
    organisation_services.person_deactivate(by=admin, user=org.margaret)
    response = client.get(link)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_signed_link_is_for_one_person_and_one_version(signed_sla, org, as_user):
    link = signed_link(as_user(org.fiona), signed_sla)
    other_version = link.replace("/v1/pdf/", "/v2/pdf/")
    assert Client().get(other_version).status_code == 302  # not valid there: sign in
    tampered = link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb")
    response = Client().get(tampered)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_signed_link_expires(signed_sla, org, as_user, monkeypatch):
    link = signed_link(as_user(org.fiona), signed_sla)
    import time

    later = time.time() + links.MAX_AGE_SECONDS + 5
    monkeypatch.setattr(time, "time", lambda: later)
    response = Client().get(link)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_signed_link_still_checks_permission(signed_sla, org, as_user):
    token_link = links.download_url(org.olive, signed_sla.pk, 1)
    assert as_user(org.olive).get(token_link).status_code == 403
