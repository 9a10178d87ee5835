"""Crash test: SIGKILL the web process mid-signature and the worker mid-render, restart.

After the restart every signed version has exactly one sealed PDF that
validates, and every email that was committed is sent exactly once; nothing
from the transaction that was killed exists. PostgreSQL only: real processes
share the database.
"""

from __future__ import annotations

import time

import pytest
from django.db import connection

from agreements import sealing, services
from agreements.models import SLAVersion, VersionStatus
from notifications.models import Outbox
from notifications.services import notice_send
from tests import processes
from tests.agreements.conftest import make_ready_sla
from tests.factories import make_meeting

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="killing real processes mid-transaction needs a shared database: PostgreSQL",
    ),
]

# The "web" process: the second head signs, and a notice goes with it, in one transaction.
SIGN = """
from django.conf import settings
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as the tests'
from django.db import transaction
from agreements import services
from agreements.models import SLAVersion
from django.contrib.auth import get_user_model
from notifications.services import notice_send

version = SLAVersion.objects.get(pk={version_id})
sam = get_user_model().objects.get(username="sam")
with transaction.atomic():
    notice_send(to=sam, subject="{subject}", body="Signed.", key="crash:{version_id}", kind="t")
    services.sla_sign(version=version, by=sam, password="{password}", ip_address=None)
print("COMMITTED", flush=True)
"""

# Killed inside the transaction, just before it commits.
PAUSE_IN_TRANSACTION = """
import time
from agreements import services
_record = services._record
def slow_record(version, **kwargs):
    change = _record(version, **kwargs)
    if kwargs.get("kind") == "fully_signed":
        print("IN_TRANSACTION", flush=True)
        time.sleep(120)
    return change
services._record = slow_record
"""

# Killed after the commit, before any on-commit hook enqueued the tasks.
PAUSE_AFTER_COMMIT = """
import time
from django.db.backends.base.base import BaseDatabaseWrapper
def stall(self):
    print("AFTER_COMMIT", flush=True)
    time.sleep(120)
BaseDatabaseWrapper.run_and_clear_commit_hooks = stall
"""

# The worker, killed while it renders a PDF (holding the version's row).
PAUSE_IN_RENDER = """
import time
from agreements import pdf
_render = pdf.render_in_child
def slow_render(html):
    print("RENDERING", flush=True)
    time.sleep(120)
    return _render(html)
pdf.render_in_child = slow_render
"""


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def first_signed(meeting, org):
    sla = make_ready_sla(meeting, org)
    version = services.latest_version(sla)
    services.sla_sign(version=version, by=org.fiona, password=org.password, ip_address=None)
    return version


def test_killed_web_and_worker_lose_nothing_and_duplicate_nothing(org, database_queue):
    env = processes.environment(connection.settings_dict, SWEEP_AFTER_SECONDS="1")
    meetings = [
        make_meeting(department_a=org.finance, department_b=org.sales, facilitator=org.priya)
        for _ in range(3)
    ]
    killed_in_transaction, killed_after_commit, sealed_by_worker = (
        first_signed(m, org) for m in meetings
    )

    # 1. The web process dies inside the signing transaction: nothing of it remains.
    web = processes.python(
        PAUSE_IN_TRANSACTION
        + SIGN.format(
            version_id=killed_in_transaction.pk, subject="Notice A", password=org.password
        ),
        env,
    )
    web.wait_for("IN_TRANSACTION", timeout=120)
    web.kill()

    # 2. The web process dies just after committing, before it enqueued anything.
    web = processes.python(
        PAUSE_AFTER_COMMIT
        + SIGN.format(version_id=killed_after_commit.pk, subject="Notice B", password=org.password),
        env,
    )
    web.wait_for("AFTER_COMMIT", timeout=120)
    web.kill()

    # 3. A signature that commits normally enqueues its sealing; the worker dies rendering it.
    services.sla_sign(version=sealed_by_worker, by=org.sam, password=org.password, ip_address=None)
    notice_send(to=org.fergus, subject="Notice C", body="Signed.", key="crash:c", kind="t")
    first_worker = processes.worker(env, "--no-schedule", patch=PAUSE_IN_RENDER)
    first_worker.wait_for("RENDERING", timeout=120)
    first_worker.kill()

    assert SLAVersion.objects.get(pk=killed_in_transaction.pk).status == VersionStatus.AWAITING
    assert SLAVersion.objects.get(pk=killed_after_commit.pk).status == VersionStatus.SIGNED
    assert not SLAVersion.objects.exclude(pdf_sha256="").exists()

    # 4. Restart: a fresh worker with its timetable (the sweeps) picks everything up.
    second_worker = processes.worker(env)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            unsealed = SLAVersion.objects.filter(
                status=VersionStatus.SIGNED, pdf_sha256=""
            ).exists()
            unsent = Outbox.objects.filter(sent_at__isnull=True).exists()
            if not unsealed and not unsent:
                break
            time.sleep(0.5)
        else:
            raise AssertionError(
                "not everything was done after the restart:\n" + second_worker.output
            )
    finally:
        second_worker.stop()

    signed = SLAVersion.objects.filter(status=VersionStatus.SIGNED)
    assert {v.pk for v in signed} == {killed_after_commit.pk, sealed_by_worker.pk}
    for version in signed:
        assert sealing.check_seal(bytes(version.pdf)).ok
        assert version.changes.filter(kind="sealed").count() == 1
    # Every committed email sent exactly once; the killed transaction's never existed.
    output = first_worker.output + second_worker.output
    assert not Outbox.objects.filter(subject="Notice A").exists()
    assert output.count("Subject: Notice A") == 0
    for subject in ("Notice B", "Notice C"):
        (row,) = Outbox.objects.filter(subject=subject)
        assert row.sent_at is not None
        assert output.count(f"Subject: {subject}") == 1, output
