"""What monitoring does when something happens in the apps below it."""

from __future__ import annotations

import datetime as dt
import logging

from agreements.models import SLA, SLAVersion
from monitoring import services
from monitoring.models import AgreementHealth

logger = logging.getLogger(__name__)


def refresh_signed_agreement(sender, *, version_id: int, **kwargs) -> None:
    """``agreements.signals.version_signed``: the version in force changed, so its kept
    figures and what its providers owe are worked out for it (sent after the commit)."""
    sla_id = SLAVersion.objects.filter(pk=version_id).values_list("sla_id", flat=True).first()
    if sla_id is None:
        return
    try:
        services.health_refresh(sla_ids=[sla_id])
    except Exception:  # the signing is done: its figures are worked out until kept again
        logger.exception("Could not keep the figures of agreement %s after a signing", sla_id)
        services.health_forget(sla_id=sla_id)


def keep_new_agreement(
    sender, *, instance: SLA, created: bool, raw: bool = False, **kwargs
) -> None:
    """``post_save`` of an agreement: a drafted agreement gets its row of kept figures at
    once (none yet, dated never, so pages work them out), and the overview lists it."""
    if created and not raw:
        AgreementHealth.objects.get_or_create(
            sla=instance,
            defaults={"computed_on": dt.date.min, "name": services.health_name(instance)},
        )
