"""Load the demo organisation: ``manage.py demo`` (``--if-empty``, ``--logins``)."""

from __future__ import annotations

import importlib

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from organisation.demo import DEMO_PASSWORD, PEOPLE, build_people

# Each app extends the demo in turn; later ones build on earlier ones.
EXTENSIONS = ["meetings.demo", "escalation.demo", "agreements.demo", "monitoring.demo"]


class Command(BaseCommand):
    help = "Create the demo organisation (Finance and Sales) and print its logins."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if there are users already."
        )
        parser.add_argument("--logins", action="store_true", help="Only print the demo logins.")

    def handle(self, *args, if_empty: bool = False, logins: bool = False, **options) -> None:
        if logins:
            self.print_logins()
            return
        if if_empty and get_user_model().objects.exists():
            self.stdout.write(
                "The database already has people in it; the demo is not loaded again."
            )
            return
        with transaction.atomic():
            people = build_people()
            for module_name in EXTENSIONS:
                try:
                    module = importlib.import_module(module_name)
                except ModuleNotFoundError:
                    continue
                module.build(people)
        self.stdout.write(self.style.SUCCESS("Demo organisation loaded."))
        self.print_logins()

    def print_logins(self) -> None:
        usernames = [username for username, *_ in PEOPLE]
        if get_user_model().objects.filter(username__in=usernames).count() < len(usernames):
            return  # not the demo organisation: no demo logins to print
        self.stdout.write(f"\nDemo logins (password for everyone: {DEMO_PASSWORD})")
        for username, first, last, what in PEOPLE:
            self.stdout.write(f"  {username:<10} {first} {last}: {what}")
        self.stdout.write("")
