"""The demo gains a finished Finance–Sales exchange with a signed SLA, which the worker seals."""

from __future__ import annotations

from agreements import demo, sealing, services
from agreements.models import VersionStatus
from organisation.demo import build_people


def test_the_demo_builds_a_signed_agreement_the_worker_seals(
    db, django_capture_on_commit_callbacks, run_tasks
):
    people = build_people()
    with django_capture_on_commit_callbacks(execute=True):
        sla = demo.build(people)
    run_tasks()
    version = services.latest_version(sla)
    assert version.status == VersionStatus.SIGNED
    assert {s.signer for s in version.signatures.all()} == {people.fiona, people.sam}
    assert version.services.count() == 4
    assert {s.provider for s in version.services.all()} == {people.finance, people.sales}
    assert sealing.check_seal(bytes(version.pdf)).ok
    assert sla.meeting.events.exists()
