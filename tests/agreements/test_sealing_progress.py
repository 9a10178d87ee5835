"""The agreement page while the worker seals the PDF: progress, failure, then the link.

The documents card polls itself (htmx) while the PDF is awaited, on every
screen of the agreement; the link appears there without a reload.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from agreements import services
from tests.agreements.conftest import sign_both

DOCUMENTS = {"HX-Request": "true", "HX-Target": "sla-documents"}


def url(sla, number=1):
    return reverse("agreements:version", args=[sla.pk, number])


@pytest.fixture
def sealing_sla(ready_sla, org):
    """Both heads have signed; the worker has not sealed the PDF yet."""
    sign_both(ready_sla, org)  # on-commit hooks do not run here: nothing is enqueued
    return ready_sla


def test_the_page_says_it_is_being_sealed_and_polls(sealing_sla, org, as_user):
    page = as_user(org.sam).get(url(sealing_sla)).readable
    assert "The PDF is being sealed; its download link appears here when it is ready." in page
    assert "Download the signed PDF" not in page
    assert 'hx-trigger="every 3s"' in page
    assert f'hx-get="{url(sealing_sla)}"' in page


def test_the_poll_answers_with_the_documents_card_only(sealing_sla, org, as_user, run_tasks):
    client = as_user(org.margaret)
    fragment = client.get(url(sealing_sla), headers=DOCUMENTS)
    assert fragment.status_code == 200
    html = fragment.readable
    assert "<h1" not in html and 'id="sla-documents"' in html
    assert "being sealed" in html
    version = services.latest_version(sealing_sla)
    from agreements import tasks

    tasks.seal_version.call(version_id=version.pk)
    html = client.get(url(sealing_sla), headers=DOCUMENTS).readable
    assert "Download the signed PDF" in html
    assert "hx-trigger" not in html  # sealed: the polling stops


def test_a_failed_seal_says_so_and_that_it_will_retry(
    sealing_sla, org, as_user, monkeypatch, run_tasks
):
    from agreements import producing, tasks

    def broken(version):
        raise RuntimeError("font cache unreadable")

    monkeypatch.setattr(producing, "_render_and_seal", broken)
    version = services.latest_version(sealing_sla)
    assert tasks.seal_version.call(version_id=version.pk) == "failed"
    html = as_user(org.fiona).get(url(sealing_sla), headers=DOCUMENTS).readable
    assert "Sealing the PDF failed; it will be tried again automatically at about" in html
    assert "the signatures stand" in html
    assert 'hx-trigger="every 3s"' in html


def test_an_unsigned_version_waiting_for_a_head_polls_slowly(ready_sla, org, as_user):
    version = services.latest_version(ready_sla)
    services.sla_sign(version=version, by=org.fiona, password=org.password, ip_address=None)
    page = as_user(org.fiona).get(url(ready_sla)).readable
    assert 'hx-trigger="every 10s"' in page
    assert "produced when both heads have signed" in page


def test_a_draft_does_not_poll(sla, org, as_user):
    assert "hx-trigger" not in as_user(org.fiona).get(url(sla)).readable


def test_outsiders_cannot_poll(sealing_sla, org, as_user):
    assert as_user(org.olive).get(url(sealing_sla), headers=DOCUMENTS).status_code == 403
