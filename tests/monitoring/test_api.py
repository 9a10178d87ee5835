"""The measurements API end to end: tokens, scope, validation, retries, rate limits."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client

from agreements import demo as agreements_demo
from monitoring import selectors, services
from monitoring.models import ApiToken, Measurement
from monitoring.periods import due_periods
from monitoring.services import MonitoringError
from notifications.models import Outbox
from organisation.demo import build_people

URL = "/api/v1/measurements"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def demo(db):
    people = build_people()
    sla = agreements_demo.build(people)
    return people, sla


def token_for(people, department, by=None):
    _, secret = services.api_token_create(
        department=department, by=by or people.fiona, name="Service desk"
    )
    return secret


def post(secret, body, key=None):
    headers = {"Authorization": f"Bearer {secret}"}
    if key:
        headers["Idempotency-Key"] = key
    return Client().post(
        URL, json.dumps(body, default=str), content_type="application/json", headers=headers
    )


def test_the_demo_agreement_receives_its_measurements_through_the_api(
    demo, django_capture_on_commit_callbacks
):
    people, sla = demo
    version = selectors.signed_version(sla)
    keys = {
        people.finance.pk: token_for(people, people.finance, people.fiona),
        people.sales.pk: token_for(people, people.sales, people.sam),
    }
    listed = Client().get(
        "/api/v1/services", headers={"Authorization": f"Bearer {keys[people.sales.pk]}"}
    )
    assert listed.status_code == 200
    assert {s["id"] for s in listed.json()} == set(
        version.services.filter(provider=people.sales).values_list("pk", flat=True)
    )
    sent = 0
    with django_capture_on_commit_callbacks(execute=True):
        for service in version.services.all():
            import datetime as dt

            today = service.start_date + dt.timedelta(days=100)
            for n, period in enumerate(
                due_periods(service.measure_frequency, service.start_date, today)
            ):
                # A miss in the second period of every service: 50% against targets of 90% to 100%.
                value = "50" if n == 1 else "100"
                response = post(
                    keys[service.provider_id],
                    {"service": service.pk, "period_start": period.start, "value": value},
                    key=f"{service.pk}-{period.start}",
                )
                assert response.status_code in (201, 400), response.json()
                if response.status_code == 400:  # the period has not ended yet today
                    assert response.json()["detail"][0]["loc"] == ["body", "period_start"]
                    continue
                sent += 1
                assert response.json()["met"] is (value != "50")
                assert response.json()["explanation_asked"] is (value == "50")
    pushed = Measurement.objects.filter(service__version=version, source="pushed")
    assert pushed.count() == sent > 0
    misses = pushed.filter(met=False)
    # Each miss asks the provider for an explanation, on the home page and by email.
    providers = {people.finance.pk: people.fergus, people.sales.pk: people.sean}
    for miss in misses:
        assert miss in selectors.attention_for(providers[miss.service.provider_id]).to_explain
    assert Outbox.objects.filter(subject__startswith="Missed:").exists()  # emailed by the worker


@pytest.fixture
def sales(demo):
    people, sla = demo
    version = selectors.signed_version(sla)
    service = version.services.filter(provider=people.sales).first()
    period = due_periods(service.measure_frequency, service.start_date, _later(service))[0]
    return people, service, period


def _later(service):
    import datetime as dt

    return service.start_date + dt.timedelta(days=70)


def test_a_retry_never_doubles_a_figure(sales, monkeypatch):
    people, service, period = sales
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: _later(service))
    secret = token_for(people, people.sales, people.sam)
    body = {"service": service.pk, "period_start": period.start, "value": 97}
    first = post(secret, body, key="abc-1")
    again = post(secret, body, key="abc-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Measurement.objects.filter(service=service).count() == 1
    assert post(secret, body | {"value": 12}, key="abc-1").status_code == 409
    # Sending the period again with a new key is a correction, kept in the history.
    corrected = post(secret, body | {"value": 93.5}, key="abc-2")
    assert corrected.status_code == 200 and corrected.json()["result"] == "corrected"
    measurement = Measurement.objects.get(service=service)
    assert [c.kind for c in measurement.changes.all()] == ["recorded", "corrected"]
    assert measurement.changes.last().reason == "Sent again by Service desk"
    same = post(secret, body | {"value": 93.5}, key="abc-3")
    assert same.json()["result"] == "unchanged"
    assert measurement.changes.count() == 2


def test_bad_revoked_and_foreign_tokens_are_refused(sales, monkeypatch):
    people, service, period = sales
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: _later(service))
    body = {"service": service.pk, "period_start": period.start, "value": 97}
    assert post("exm_not-a-real-token", body).status_code == 401
    assert Client().post(URL, body, content_type="application/json").status_code == 401
    finance_key = token_for(people, people.finance, people.fiona)
    refused = post(finance_key, body)  # Finance does not provide this service
    assert refused.status_code == 404
    assert refused.json()["detail"][0]["loc"] == ["body", "service"]
    secret = token_for(people, people.sales, people.sam)
    token = ApiToken.objects.get(token_sha256=ApiToken.digest(secret))
    assert token.token_sha256 != secret and secret not in token.hint
    services.api_token_revoke(token=token, by=people.sam)
    assert post(secret, body).status_code == 401
    assert not Measurement.objects.exists()
    with pytest.raises(MonitoringError):
        services.api_token_create(department=people.sales, by=people.sean, name="x")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"value": "lots"}, "value"),
        ({"value": 150}, "value"),
        ({"period_start": "2026-13-01"}, "period_start"),
        ({"service": "abc"}, "service"),
        ({"value": None}, "value"),
    ],
)
def test_validation_errors_name_the_field(sales, monkeypatch, change, field):
    people, service, period = sales
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: _later(service))
    secret = token_for(people, people.sales, people.sam)
    body = {"service": service.pk, "period_start": period.start, "value": 97} | change
    response = post(secret, body)
    assert response.status_code in (400, 422)
    assert field in response.json()["detail"][0]["loc"]
    assert not Measurement.objects.exists()


def test_requests_are_rate_limited_per_token(demo):
    people, _ = demo
    secret = token_for(people, people.sales, people.sam)
    headers = {"Authorization": f"Bearer {secret}"}
    answers = [Client().get("/api/v1/services", headers=headers).status_code for _ in range(125)]
    assert answers[:120] == [200] * 120
    assert answers[-1] == 429


def test_the_openapi_schema_describes_the_api(db):
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/measurements" in schema["paths"]
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_a_head_makes_and_revokes_keys_on_the_page(demo, as_user):
    people, _ = demo
    page = as_user(people.sam).post(
        "/monitoring/keys/", {"name": "Zammad", "department": people.sales.pk}
    )
    assert page.status_code == 200
    assert "Copy it now" in page.readable
    token = ApiToken.objects.get(name="Zammad")
    listed = as_user(people.sam).get("/monitoring/keys/")
    assert "Zammad" in listed.readable and "Copy it now" not in listed.readable
    assert "Only a department's head" in as_user(people.sean).get("/monitoring/keys/").readable
    assert as_user(people.sean).post("/monitoring/keys/", {"name": "x"}).status_code == 403
    assert as_user(people.fiona).post("/monitoring/keys/", {"revoke": token.pk}).status_code == 404
    as_user(people.sam).post("/monitoring/keys/", {"revoke": token.pk})
    token.refresh_from_db()
    assert not token.is_active
