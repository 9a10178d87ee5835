"""Demo: six months of measurements on the signed Finance–Sales agreement, one miss explained."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from agreements.models import SLA, VersionStatus
from monitoring import selectors, services

# Actual values per period, oldest first; the third period of the first service is the miss.
VALUES = [
    ["96", "97", "91", "95", "98", "97"],
    ["92", "94", "90", "93", "95", "96"],
    ["99", "98", "99", "100", "99", "98"],
    ["100", "100", "100", "100", "100", "100"],
]
MONTHS = 6


def build(people: SimpleNamespace) -> SLA | None:
    sla = (
        SLA.objects.filter(
            meeting__department_a=people.finance,
            meeting__department_b=people.sales,
            versions__status=VersionStatus.SIGNED,
        )
        .order_by("-created_at")
        .first()
    )
    if sla is None:
        return None
    version = selectors.signed_version(sla)
    today = timezone.localdate()
    recorders = {people.finance.pk: people.fergus, people.sales.pk: people.sean}
    heads = {people.finance.pk: people.fiona, people.sales.pk: people.sam}
    for values, service in zip(VALUES, version.services.order_by("position", "id"), strict=False):
        periods = selectors.measured_periods(service, today)[-MONTHS:]
        for period, value in zip(periods, values[-len(periods) :], strict=False):
            measurement = services.measurement_record(
                service=service,
                period_start=period.start,
                by=recorders[service.provider_id],
                value_text=f"{value}%",
                today=today,
            )
            if measurement.met:
                continue
            explanation = services.explanation_write(
                measurement=measurement,
                by=heads[service.provider_id],
                what_happened=(
                    "Two of the four sales administrators were off sick for most of the month, "
                    "and orders taken by phone went out before their forms were signed."
                ),
                fix=(
                    "The team lead checks the day's orders for signed forms every afternoon and "
                    "chases the missing ones the same day."
                ),
                prevention=(
                    "A second person in each team is trained on the order paperwork, and phone "
                    "orders cannot be released without a signed form."
                ),
                fix_by=period.end + dt.timedelta(days=21),
            )
            services.explanation_respond(
                explanation=explanation,
                by=heads[service.recipient_id],
                acknowledge=True,
                note="Thank you; the cross-training is what we needed.",
            )
    return sla
