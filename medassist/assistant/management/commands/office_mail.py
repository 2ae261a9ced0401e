"""medassist office-mail --clinic NAME --folder DIR [--watch]: the watched folder for scanned
letters and faxes. Each PDF dropped into DIR becomes an office-mail item in the clinic's inbox
(stored once, by content hash) and moves to DIR/done/; anything else moves to DIR/rejected/
with a reason file. The worker does the same for MEDASSIST_OFFICE_MAIL_DIR/<clinic name>/."""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from medassist.assistant.mail import SETTLE_SECONDS, office_mail_scan_folder
from medassist.core.errors import ApplicationError
from medassist.practice.models import Clinic


class Command(BaseCommand):
    help = (
        "Take the PDFs dropped into a folder into the clinic's inbox as office mail "
        "(one pass, or --watch to keep watching)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--clinic", required=True, help="the clinic's name")
        parser.add_argument("--folder", required=True, help="the folder the scanner writes to")
        parser.add_argument("--watch", action="store_true", help="keep watching until Ctrl-C")
        parser.add_argument("--interval", type=float, default=10.0,
                            help="seconds between passes with --watch (default 10)")
        parser.add_argument("--settle", type=float, default=SETTLE_SECONDS,
                            help="leave files changed in the last N seconds for the next pass")

    def handle(self, *args, **opts) -> None:
        matches = list(Clinic.objects.filter(name__iexact=opts["clinic"].strip())[:2])
        if len(matches) != 1:
            names = ", ".join(Clinic.objects.order_by("name").values_list("name", flat=True)[:20])
            raise CommandError(f"No clinic named {opts['clinic']!r}. Clinics: {names or 'none'}")
        if opts["interval"] <= 0 or opts["settle"] < 0:
            raise CommandError("--interval must be more than 0 and --settle at least 0.")
        clinic = matches[0]
        stop = threading.Event()
        if opts["watch"]:
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: stop.set())
        while True:
            try:
                result = office_mail_scan_folder(
                    clinic=clinic, folder=opts["folder"], settle_seconds=opts["settle"]
                )
            except ApplicationError as exc:
                raise CommandError(exc.message) from exc
            for name in result.stored:
                self.stdout.write(f"stored   {name}")
            for name in result.duplicates:
                self.stdout.write(f"already  {name} (the same file is in the inbox)")
            for name, reason in result.rejected:
                self.stdout.write(f"rejected {name}: {reason}")
            if not opts["watch"]:
                counts = ", ".join(f"{k} {v}" for k, v in result.counts().items())
                self.stdout.write(f"office mail: {counts}")
                return
            if stop.wait(opts["interval"]):
                return
