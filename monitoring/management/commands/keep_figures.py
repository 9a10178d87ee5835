"""Keep every agreement's figures and what is owed afresh: ``manage.py keep_figures``.

The worker does it daily just after midnight; run it by hand after restoring a backup,
or where no worker runs.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from monitoring import services


class Command(BaseCommand):
    help = "Work out and keep every agreement's figures and what its departments owe, for today."

    def handle(self, *args, **options) -> None:
        kept = services.health_refresh()
        self.stdout.write(f"Kept the figures of {kept:,} agreement{'s' if kept != 1 else ''}.")
