"""Make an organisation's whole history at scale: ``manage.py generate_history [--scale 0.01]``."""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from exchange import history


class Command(BaseCommand):
    help = (
        "On an empty database, make 10,000 exchanges, 100,000 requests, 225,000 "
        "measurements and their events (times --scale), the same every time."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="1 is the full history.")
        parser.add_argument("--seed", type=int, default=12)

    def handle(self, *args, scale: float, seed: int, **options) -> None:
        if get_user_model().objects.exists():
            raise CommandError("The database has people already: use an empty one.")
        started = time.monotonic()
        counts = history.generate(scale=scale, seed=seed, log=self.stdout.write)
        made = ", ".join(f"{n:,} {name}" for name, n in counts.items())
        self.stdout.write(f"Made {made} in {time.monotonic() - started:.0f} s.")
