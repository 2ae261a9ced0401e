"""`medassist worker`: runs reminders and the waitlist loop from the database (no broker)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from medassist.reminders import conf
from medassist.worker.loop import Stopper, run_forever, run_once


class Command(BaseCommand):
    help = (
        "Run the background worker: plan and send appointment reminders, offer freed slots to "
        "the waitlist, expire offers. Stops cleanly on SIGTERM/SIGINT. --once for cron/tests."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="Run one pass and exit.")
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="Seconds between passes (default MEDASSIST_WORKER_INTERVAL or 30).",
        )

    def handle(self, *args, once: bool = False, interval: float | None = None, **options):
        if once:
            result = run_once()
            self.stdout.write(self._line(result))
            return
        interval = interval if interval is not None else conf.get_int("MEDASSIST_WORKER_INTERVAL")
        if interval <= 0:
            raise CommandError("--interval must be more than 0 seconds.")
        stopper = Stopper()
        stopper.install()
        self.stdout.write(f"worker: running every {interval:g} s; Ctrl-C or SIGTERM stops it.")
        verbose = options.get("verbosity", 1) > 1
        passes = run_forever(
            interval=interval,
            stopper=stopper,
            on_pass=(lambda r: self.stdout.write(self._line(r))) if verbose else None,
        )
        self.stdout.write(f"worker: stopped after {passes} pass(es).")

    @staticmethod
    def _line(result: dict[str, int]) -> str:
        return "worker: " + ", ".join(f"{k} {v}" for k, v in result.items())
