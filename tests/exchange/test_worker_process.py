"""The real worker command, as a process: it seals a signed agreement and sends the mail.

Needs PostgreSQL, which the worker process and the tests can share.
"""

from __future__ import annotations

import time

import pytest
from django.db import connection

from agreements import sealing, services
from agreements.models import SLAVersion
from notifications.models import Outbox
from notifications.services import notice_send
from tests import processes
from tests.agreements.conftest import make_ready_sla

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker process needs a database it can share with the test: PostgreSQL",
    ),
]


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_worker_seals_the_pdf_and_sends_the_mail(meeting, org, database_queue):
    sla = make_ready_sla(meeting, org)
    version = services.latest_version(sla)
    for head in (org.fiona, org.sam):
        services.sla_sign(version=version, by=head, password=org.password, ip_address=None)
    notice_send(
        to=[org.fiona, org.sam], subject="Worker test notice", body="Hello.", key="w:1", kind="t"
    )
    worker = processes.worker(processes.environment(connection.settings_dict), "--batch")
    try:
        worker.popen.wait(timeout=180)
    finally:
        worker.stop()
    assert worker.popen.returncode == 0, worker.output
    version = SLAVersion.objects.get(pk=version.pk)
    assert version.has_pdf, worker.output
    assert sealing.check_seal(bytes(version.pdf)).ok
    assert not Outbox.objects.filter(sent_at__isnull=True).exists()
    assert worker.output.count("Subject: Worker test notice") == 2


def test_the_worker_keeps_the_timetable(meeting, org, database_queue):
    from django_tasks_db.models import DBTaskResult

    worker = processes.worker(processes.environment(connection.settings_dict))
    try:
        worker.wait_for("Starting worker", timeout=120)
        for _ in range(100):
            paths = set(DBTaskResult.objects.values_list("task_path", flat=True))
            if {
                "notifications.tasks.sweep_outbox",
                "agreements.tasks.sweep_unsealed",
                "monitoring.tasks.send_daily_reminders",
            } <= paths:
                break
            time.sleep(0.3)
        else:
            raise AssertionError(f"timetable not enqueued: {paths}\n{worker.output}")
    finally:
        worker.stop()
    assert worker.popen.returncode is not None
