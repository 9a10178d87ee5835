"""Background work: the sealed PDF of a signed agreement, produced once."""

from __future__ import annotations

from django.tasks import task

from agreements import pdf, sealing, services
from agreements.models import SLAVersion


@task()
def produce_sla_pdf(version_id: int) -> str:
    """Render, seal and store the PDF of a signed version; never re-render a stored one."""
    version = SLAVersion.objects.defer("pdf").get(pk=version_id)
    if version.has_pdf:
        return version.pdf_sha256
    document = pdf.sla_pdf(version)
    sealed = sealing.seal(
        document, reason=f"Service level agreement {version.sla_id}, version {version.number}"
    )
    return services.sla_pdf_store(version=version, pdf=sealed).pdf_sha256
