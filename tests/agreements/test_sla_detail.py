"""The SLA page: both directions, parties, facilitator, route, origin; only for those involved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agreements import permissions, services
from organisation.models import OrgRole
from tests.factories import give_role, make_department, make_user


def url(sla, number=None):
    if number is None:
        return reverse("agreements:detail", args=[sla.pk])
    return reverse("agreements:version", args=[sla.pk, number])


@pytest.mark.parametrize("who", ["fiona", "fergus", "sam", "sean", "priya", "margaret"])
def test_both_departments_facilitator_and_managers_see_it(sla, org, as_user, who):
    response = as_user(getattr(org, who)).get(url(sla))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "What Sales provides Finance" in html
    assert "What Finance provides Sales" in html
    assert "Priya Nair" in html
    assert "Escalation route" in html
    assert "Counter-offer" in html
    assert "Monthly forecast" in html  # the pending escalation


@pytest.mark.parametrize("who", ["olive", "arthur"])
def test_others_are_refused(sla, org, as_user, who):
    assert as_user(getattr(org, who)).get(url(sla)).status_code == 403


def test_a_manager_outside_the_remit_is_refused(sla, org, as_user):
    elsewhere = make_department("Logistics")
    manager = make_user("mo")
    give_role(manager, OrgRole.Role.MANAGER, remit=[elsewhere])
    assert as_user(manager).get(url(sla)).status_code == 403
    inside = make_user("mi")
    give_role(inside, OrgRole.Role.MANAGER, remit=[org.sales])
    assert as_user(inside).get(url(sla)).status_code == 200


def test_an_arbiter_involved_sees_it(sla, org, as_user, monkeypatch):
    monkeypatch.setattr(
        "escalation.selectors.is_arbiter_in_meeting",
        lambda *, user, meeting: user == org.arthur,
    )
    assert as_user(org.arthur).get(url(sla)).status_code == 200


def test_another_app_can_widen_who_sees_it(sla, org, as_user, monkeypatch):
    monkeypatch.setattr(permissions, "VIEW_CHECKS", [lambda user, sla: user == org.olive])
    assert as_user(org.olive).get(url(sla)).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(sla, client):
    response = client.get(url(sla))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_missing_version_is_not_found(sla, org, as_user):
    assert as_user(org.fiona).get(url(sla, 7)).status_code == 404


def test_heads_see_what_is_left_to_complete_and_no_sign_button_until_it_is(sla, org, as_user):
    html = as_user(org.fiona).get(url(sla, 1)).content.decode()
    assert "needs who measures" in html
    assert "This version cannot be signed yet. Still missing:" in html
    assert "Sign the agreement" not in html
    assert 'id="id_password"' not in html
    first = sla.versions.get().services.first()
    assert reverse("agreements:service_edit", args=[sla.pk, 1, first.pk]) in html


def test_the_sign_button_shows_once_nothing_is_missing(ready_sla, org, as_user):
    html = as_user(org.fiona).get(url(ready_sla, 1)).content.decode()
    assert "Sign for Finance" in html
    assert "Sign the agreement" in html
    assert "cannot be signed yet" not in html


def test_a_head_who_has_signed_sees_no_sign_button(ready_sla, org, as_user):
    version = services.latest_version(ready_sla)
    services.sla_sign(version=version, by=org.fiona, password=org.password, ip_address=None)
    assert "Sign the agreement" not in as_user(org.fiona).get(url(ready_sla)).content.decode()
    assert "Sign the agreement" in as_user(org.sam).get(url(ready_sla)).content.decode()


def test_a_head_of_a_signed_version_sees_neither_button_nor_what_is_missing(
    signed_sla, org, as_user
):
    html = as_user(org.fiona).get(url(signed_sla)).content.decode()
    assert "Sign the agreement" not in html
    assert "cannot be signed yet" not in html


def test_members_see_no_edit_or_sign_controls(sla, org, as_user):
    html = as_user(org.fergus).get(url(sla)).content.decode()
    assert "Sign for" not in html
    assert "Complete<" not in html


def test_the_facilitator_can_complete_but_not_sign(sla, org, as_user):
    html = as_user(org.priya).get(url(sla)).content.decode()
    assert "Complete<" in html
    assert "Sign for" not in html


def test_a_signed_version_offers_the_pdf(signed_sla, org, as_user):
    html = as_user(org.margaret).get(url(signed_sla)).content.decode()
    assert reverse("agreements:pdf", args=[signed_sla.pk, 1]) in html
    assert services.latest_version(signed_sla).pdf_sha256 in html
