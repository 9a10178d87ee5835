"""Sealing in the worker: once, idempotent, retried with backoff, and swept up if lost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.tasks import default_task_backend
from django.utils import timezone

from agreements import producing, sealing, services, tasks
from agreements.models import SLAVersion
from tests.agreements.conftest import sign_both
from tests.tasks import queued


@pytest.fixture
def signed_unsealed(ready_sla, org) -> SLAVersion:
    return sign_both(ready_sla, org)


def test_the_second_signature_enqueues_sealing_on_commit(
    ready_sla, org, django_capture_on_commit_callbacks
):
    version = services.latest_version(ready_sla)
    services.sla_sign(version=version, by=org.fiona, password=org.password, ip_address=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.sla_sign(version=version, by=org.sam, password=org.password, ip_address=None)
    (result,) = queued()
    assert result.task.name == "seal_version"
    assert result.kwargs == {"version_id": version.pk}


def test_sealing_stores_one_pdf_that_validates(signed_unsealed, run_tasks):
    assert tasks.seal_version.call(version_id=signed_unsealed.pk) == "sealed"
    assert tasks.seal_version.call(version_id=signed_unsealed.pk) == "already sealed"
    signed_unsealed.refresh_from_db()
    assert sealing.check_seal(bytes(signed_unsealed.pdf)).ok
    assert signed_unsealed.changes.filter(kind="sealed").count() == 1


def test_a_failure_is_recorded_and_retried_with_backoff(signed_unsealed, monkeypatch, run_tasks):
    calls = []
    real = producing._render_and_seal

    def flaky(version):
        calls.append(version.pk)
        if len(calls) == 1:
            raise RuntimeError("render process died")
        return real(version)

    monkeypatch.setattr(producing, "_render_and_seal", flaky)
    assert tasks.seal_version.call(version_id=signed_unsealed.pk) == "failed"
    signed_unsealed.refresh_from_db()
    assert signed_unsealed.seal_attempts == 1
    assert "render process died" in signed_unsealed.seal_error
    assert signed_unsealed.seal_retry_at > timezone.now()
    (retry,) = queued()
    assert retry.task.run_after == signed_unsealed.seal_retry_at
    run_tasks()  # not due yet: nothing runs
    assert len(calls) == 1
    run_tasks(now=signed_unsealed.seal_retry_at + dt.timedelta(seconds=1))
    signed_unsealed.refresh_from_db()
    assert signed_unsealed.has_pdf
    assert signed_unsealed.seal_error == "" and signed_unsealed.seal_retry_at is None


def test_the_sweep_finds_a_signed_version_never_sealed(signed_unsealed, run_tasks):
    default_task_backend.clear()  # the task was lost (worker killed, never enqueued)
    assert tasks.sweep_unsealed.call() == 0  # just signed: its own task may still come
    SLAVersion.objects.filter(pk=signed_unsealed.pk).update(
        signed_at=timezone.now() - producing.grace() - dt.timedelta(seconds=1)
    )
    assert tasks.sweep_unsealed.call() == 1
    assert tasks.sweep_unsealed.call() == 0  # queued again: not again until overdue
    run_tasks()
    signed_unsealed.refresh_from_db()
    assert signed_unsealed.has_pdf


def test_the_sweep_leaves_drafts_and_sealed_versions_alone(signed_sla, sla):
    SLAVersion.objects.update(signed_at=timezone.now() - dt.timedelta(days=1))
    assert tasks.sweep_unsealed.call() == 0


@pytest.mark.django_db(transaction=True)
def test_a_version_locked_by_another_worker_is_left_to_it(ready_sla, org):
    """Two workers racing: while one holds the version's row, the other does not render."""
    import threading

    from django.db import connection, connections

    if not connection.features.has_select_for_update_skip_locked:
        pytest.skip("SQLite has no row locks; this race needs PostgreSQL")
    version = sign_both(ready_sla, org)
    locked, release = threading.Event(), threading.Event()

    def other_worker() -> None:
        try:
            with transaction.atomic():
                SLAVersion.objects.select_for_update().defer("pdf").get(pk=version.pk)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(10)
        assert producing.version_seal(version_id=version.pk) == producing.Outcome.BUSY
    finally:
        release.set()
        thread.join()
    assert producing.version_seal(version_id=version.pk) == producing.Outcome.SEALED
    version.refresh_from_db()
    assert version.changes.filter(kind="sealed").count() == 1


def test_a_version_not_signed_is_not_sealed(ready_sla):
    version = services.latest_version(ready_sla)
    assert tasks.seal_version.call(version_id=version.pk) == "not signed"
