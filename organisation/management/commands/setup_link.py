"""Print the one-time link that creates the first administrator: ``manage.py setup_link``."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse

from organisation.models import OrgRole
from organisation.views import first_run_token


class Command(BaseCommand):
    help = "Print the link that creates the organisation's first administrator."

    def handle(self, *args, **options) -> None:
        if OrgRole.objects.filter(role=OrgRole.Role.ADMINISTRATOR, user__is_active=True).exists():
            self.stdout.write("The organisation has an administrator: sign in as them.")
            return
        link = settings.SITE_URL.rstrip("/") + reverse(
            "organisation:first_run", args=[first_run_token()]
        )
        self.stdout.write(
            "\nNo administrator yet. Open this link to create the first one "
            f"(it works until then, for 7 days):\n  {link}\n"
        )
