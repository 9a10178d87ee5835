"""What monitoring does when something happens in the apps below it."""

from __future__ import annotations

from agreements.models import SLAVersion
from monitoring import services


def refresh_signed_agreement(sender, *, version_id: int, **kwargs) -> None:
    """``agreements.signals.version_signed``: the version in force changed, so its kept
    figures and what its providers owe are worked out for it (sent after the commit)."""
    sla_id = SLAVersion.objects.filter(pk=version_id).values_list("sla_id", flat=True).first()
    if sla_id is not None:
        services.health_refresh(sla_ids=[sla_id])
