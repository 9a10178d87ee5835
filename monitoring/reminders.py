"""The daily reminders: everyone who owes a measurement, an explanation or an answer.

The worker runs ``reminders_send`` once a day (see ``exchange.schedule``). Each
person's reminder is keyed by the day, so running it twice on one day queues
nothing twice.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from monitoring.selectors import Attention, people_owing
from notifications.services import notice_key, notice_send


def reminder_body(attention: Attention) -> str:
    site = settings.SITE_URL.rstrip("/")

    def link(sla_id: int) -> str:
        return site + reverse("monitoring:performance", kwargs={"pk": sla_id})

    lines = ["Hello,", "", "Here is what the agreements you take part in are waiting for:", ""]
    if attention.overdue:
        lines.append("Measurements overdue:")
        for service, period in attention.overdue:
            lines.append(
                f"- {service.measure_what} ({service.provider} for {service.recipient}), period "
                f"{period.start:%d %b %Y} to {period.last_day:%d %b %Y}, due {period.due:%d %b %Y}:"
                f" {link(service.version.sla_id)}"
            )
        lines.append("")
    if attention.to_explain:
        lines.append("Missed targets to explain:")
        for m in attention.to_explain:
            lines.append(
                f"- {m.service.measure_what}, period from {m.period_start:%d %b %Y} "
                f"(actual {m.value_text}, target {m.service.measure.target_words()}): "
                f"{link(m.service.version.sla_id)}"
            )
        lines.append("")
    if attention.to_answer:
        lines.append("Explanations waiting for your answer:")
        for e in attention.to_answer:
            service = e.measurement.service
            lines.append(
                f"- {service.measure_what} from {service.provider}, period from "
                f"{e.measurement.period_start:%d %b %Y}: {link(service.version.sla_id)}"
            )
        lines.append("")
    return "\n".join(lines).rstrip()


def reminder_subject(attention: Attention) -> str:
    return f"Expectations Exchange: {attention.count} thing(s) waiting for you"


@transaction.atomic
def reminders_send(*, today: dt.date | None = None) -> int:
    """Queue today's reminder for everyone who owes something; returns how many were queued."""
    today = today or timezone.localdate()
    queued = 0
    for user, attention in people_owing(today):
        queued += len(
            notice_send(
                to=user,
                subject=reminder_subject(attention),
                body=reminder_body(attention),
                key=notice_key("monitoring-reminder", today.isoformat()),
                kind="monitoring-reminder",
            )
        )
    return queued
