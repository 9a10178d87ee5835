"""Producing the sealed PDF of a signed version, once, in the worker.

``version_seal`` is idempotent: a stored PDF is never re-rendered, and two
workers that race on one version store a single PDF (the version row is locked
while one of them renders; the other skips it). A failure is recorded on the
version with the time of the next attempt, so its page can say so.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from agreements import pdf, sealing, services
from agreements.models import SLAVersion, VersionStatus
from notifications import retry

logger = logging.getLogger(__name__)

SEALED_STATUSES = (VersionStatus.SIGNED, VersionStatus.SUPERSEDED)


class Outcome(enum.StrEnum):
    SEALED = "sealed"
    ALREADY = "already sealed"
    BUSY = "another worker is sealing it"
    FAILED = "failed"
    NOT_SIGNED = "not signed"


def _render_and_seal(version: SLAVersion) -> bytes:
    document = pdf.sla_pdf(version)
    return sealing.seal(
        document, reason=f"Service level agreement {version.sla_id}, version {version.number}"
    )


def version_seal(*, version_id: int) -> Outcome:
    """Render, seal and store the PDF of a signed version, unless it has one already."""
    try:
        with transaction.atomic():
            version = (
                SLAVersion.objects.select_for_update(skip_locked=True)
                .defer("pdf")
                .filter(pk=version_id)
                .first()
            )
            if version is None:
                # Locked by a worker sealing it now (or gone): that worker stores the PDF.
                exists = SLAVersion.objects.filter(pk=version_id).exists()
                return Outcome.BUSY if exists else Outcome.NOT_SIGNED
            if version.has_pdf:
                return Outcome.ALREADY
            if version.status not in SEALED_STATUSES:
                return Outcome.NOT_SIGNED
            services.sla_pdf_store(version=version, pdf=_render_and_seal(version))
            return Outcome.SEALED
    except Exception as error:  # any failure is retried; the page says so meanwhile
        logger.exception("Sealing version %s failed", version_id)
        seal_failed(version_id=version_id, error=error)
        return Outcome.FAILED


@transaction.atomic
def seal_failed(*, version_id: int, error: BaseException) -> SLAVersion | None:
    """Record a failed attempt and when the next one is due."""
    version = SLAVersion.objects.select_for_update().defer("pdf").filter(pk=version_id).first()
    if version is None or version.has_pdf:
        return version
    version.seal_attempts += 1
    version.seal_error = f"{type(error).__name__}: {error}"[:2000]
    version.seal_retry_at = retry.next_attempt_at(version.seal_attempts)
    version.save(update_fields=["seal_attempts", "seal_error", "seal_retry_at"])
    return version


def unsealed_version_ids(*, now: dt.datetime | None = None, limit: int = 100) -> list[int]:
    """Signed versions without a PDF whose sealing is overdue: failed, lost or never queued."""
    now = now or timezone.now()
    overdue = now - grace()
    return list(
        SLAVersion.objects.filter(status__in=SEALED_STATUSES, pdf_sha256="")
        .exclude(seal_retry_at__gt=overdue)
        .exclude(seal_retry_at__isnull=True, signed_at__gt=overdue)
        .order_by("signed_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def mark_swept(ids: list[int]) -> None:
    """Queued again now: the next sweep leaves them alone for another ``grace()``."""
    SLAVersion.objects.filter(pk__in=ids, pdf_sha256="").update(seal_retry_at=timezone.now())


def grace() -> dt.timedelta:
    """How long after its attempt was due unfinished work counts as lost (its task gone)."""
    return dt.timedelta(seconds=settings.SWEEP_AFTER_SECONDS)
