"""The worker's side of agreements: seal a signed version, and sweep up any left unsealed."""

from __future__ import annotations

from django.tasks import task

from agreements import producing
from agreements.models import SLAVersion
from notifications import retry


@task()
def seal_version(version_id: int) -> str:
    """Render, seal and store one signed version's PDF; after a failure, retry with backoff."""
    outcome = producing.version_seal(version_id=version_id)
    if outcome == producing.Outcome.FAILED:
        version = SLAVersion.objects.defer("pdf").filter(pk=version_id).first()
        if version is not None and version.seal_retry_at is not None:
            retry.enqueue_at(seal_version, version.seal_retry_at, version_id=version_id)
    return str(outcome)


@task()
def sweep_unsealed() -> int:
    """Queue sealing again for every signed version still without its PDF when it is overdue."""
    ids = producing.unsealed_version_ids()
    producing.mark_swept(ids)
    for version_id in ids:
        seal_version.enqueue(version_id=version_id)
    return len(ids)
