"""Email everyone who owes a measurement, an explanation or an answer.

Run it once a day. With cron, for example (as the user the site runs as, in
the project's directory, with the same environment as the web process):

    15 7 * * *  cd /srv/exchange && .venv/bin/python manage.py send_monitoring_reminders

or as a systemd timer (OnCalendar=*-*-* 07:15) or a scheduled job of your
platform (a Kubernetes CronJob, a Heroku Scheduler job...). It is safe to run
more than once: it only reads, and each run tells people what they owe then.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.urls import reverse

from monitoring.selectors import Attention, people_owing

logger = logging.getLogger(__name__)


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
    lines.append("Expectations Exchange")
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "Email everyone who owes a measurement (overdue), an explanation of a missed target, "
        "or an answer to an explanation. Schedule it daily, e.g. with cron: "
        "'15 7 * * * cd /srv/exchange && .venv/bin/python manage.py send_monitoring_reminders'."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Print who would be emailed; send nothing."
        )
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, help="Pretend today is this date (YYYY-MM-DD)."
        )

    def handle(self, *args, dry_run: bool = False, today: dt.date | None = None, **options):
        sent = 0
        for user, attention in people_owing(today):
            if not user.email:
                continue
            if dry_run:
                self.stdout.write(f"{user.email}: {attention.count} item(s)")
                continue
            try:
                send_mail(
                    f"Expectations Exchange: {attention.count} thing(s) waiting for you",
                    reminder_body(attention),
                    None,
                    [user.email],
                )
            except Exception:  # one bad address must not stop the others
                logger.exception("Could not send the monitoring reminder to %s", user.email)
                continue
            sent += 1
        self.stdout.write(f"{sent} reminder(s) sent.")
