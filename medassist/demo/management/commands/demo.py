"""`medassist demo`: load the demo clinic (Riverside Family Medicine) and print its logins."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from medassist.core.errors import ApplicationError
from medassist.core.management.commands.serve import unapplied_migrations
from medassist.demo import clinic as demodata
from medassist.demo import two_step


class Command(BaseCommand):
    help = (
        "Load the demo clinic: 2 locations, 6 providers, staff logins, 500 patients with their "
        "charts and four weeks of appointments around today. Does nothing if it is already "
        "loaded."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo clinic and all its data (demo data only), then load it again.",
        )
        parser.add_argument(
            "--code",
            metavar="USERNAME",
            help="Print the current two-step sign-in code of a demo login (admin, biller).",
        )

    def handle(self, *args, reset: bool = False, code: str | None = None, **options):
        if code:
            clinic = demodata.find()
            if clinic is None:
                raise CommandError("The demo clinic is not loaded: run `medassist demo` first.")
            try:
                self.stdout.write(two_step.current_code(clinic, code))
            except ApplicationError as exc:
                raise CommandError(exc.message) from exc
            return
        pending = unapplied_migrations()
        if pending:
            raise CommandError(
                f"The database is not set up yet ({pending} migrations to apply). "
                "Run `medassist migrate` first."
            )
        existing = demodata.find()
        if existing is not None and not reset:
            counts = demodata.counts(existing)
            self.stdout.write(
                f"The demo clinic “{existing.name}” is already loaded "
                f"({counts['patients']} patients, {counts['appointments']} appointments). "
                "Nothing changed. Use --reset to delete it and load it fresh."
            )
            loaded_on = timezone.localdate(existing.created_at, timezone=existing.tz)
            if loaded_on != timezone.localdate(timezone=existing.tz):
                self.stdout.write(
                    f"It was loaded for {loaded_on:%A %B %d}, so its “today” is not today: "
                    "`medassist demo --reset` moves it to today."
                )
            self._print_logins()
            return
        started = time.monotonic()
        try:
            if existing is not None:
                self.stdout.write(f"Deleting the demo clinic “{existing.name}”…")
                demodata.delete()
            self.stdout.write("Loading the demo clinic…")
            loaded = demodata.load()
            two_step.enrol_demo_logins(loaded.clinic)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        except DatabaseError as exc:
            raise CommandError(f"The database refused the demo data: {exc}") from exc
        c = loaded.counts
        local = loaded.pivot.astimezone(loaded.clinic.tz)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded “{loaded.clinic.name}” in {time.monotonic() - started:.1f} s: "
                f"{c['locations']} locations, {c['rooms']} rooms, {c['providers']} providers, "
                f"{c['patients']} patients with charts, {c['appointments']} appointments, "
                f"{c['encounters']} encounters with notes "
                f"(today's clinic is shown as of {local:%H:%M} {local.tzname()})."
            )
        )
        self._print_logins()

    def _print_logins(self) -> None:
        rows = demodata.logins()
        width = max(len(r[0]) for r in rows)
        self.stdout.write("\nDemo logins (every password is the same):")
        self.stdout.write(f"  {'username'.ljust(width)}  {'password'.ljust(14)}  role")
        for username, role, password in rows:
            self.stdout.write(f"  {username.ljust(width)}  {password.ljust(14)}  {role}")
        self.stdout.write(
            "admin and biller also sign in with a second step (their role requires it): "
            "`medassist demo --code admin` prints the code their authenticator would show."
        )
        self.stdout.write("See docs/demo.md for what the demo clinic contains.")
