"""`medassist hl7-listen --as USERNAME [--port N] [--host H] [--folder DIR]... [--labs]`

Receives results by themselves: an MLLP server on host:port and/or drop folders (DIR/in is
read, each file's ACK written to DIR/out, the file moved to DIR/in/done or DIR/in/failed;
`--labs` watches every file-drop lab's folder set on *Lab connections*). Each message is
filed as USERNAME (the interface account) exactly as `hl7-receive` does. One log line per
message, no PHI. Stops cleanly on SIGTERM or Ctrl-C."""

from __future__ import annotations

import signal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from medassist.orders.listen import Listener
from medassist.practice.roles import can


class Command(BaseCommand):
    help = "Listen for HL7 v2 results (MLLP and/or drop folders) and file them."

    def add_arguments(self, parser):
        parser.add_argument("--as", dest="as_user", required=True, help="username filing them")
        parser.add_argument("--host", default="127.0.0.1", help="MLLP address (127.0.0.1)")
        parser.add_argument("--port", type=int, default=None, help="MLLP port, e.g. 2575")
        parser.add_argument(
            "--folder", action="append", default=[], help="a drop folder (DIR/in, DIR/out)"
        )
        parser.add_argument(
            "--labs", action="store_true", help="watch every file-drop lab's folder"
        )
        parser.add_argument(
            "--interval", type=float, default=2.0, help="seconds between folder checks"
        )

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["as_user"]).first()
        if user is None:
            raise CommandError(f"No user {options['as_user']!r}.")
        if not (can(user, "result.receive") and can(user, "chart.edit")):
            raise CommandError(f"{user.username} ({user.role}) may not file results.")
        port = options["port"]
        if port is not None and not 0 <= port <= 65535:
            raise CommandError("The port is a number from 1 to 65535.")
        if port is None and not options["folder"] and not options["labs"]:
            raise CommandError("Give --port, --folder or --labs: there is nothing to listen to.")
        if options["interval"] <= 0:
            raise CommandError("The interval is a number of seconds above 0.")

        def log(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        listener = Listener(
            actor=user,
            log=log,
            host=options["host"],
            port=port,
            folders=[Path(f) for f in options["folder"]],
            labs=options["labs"],
            interval=options["interval"],
        )

        def stop(signum, frame):
            listener.stop()

        previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            listener.run()
        except OSError as exc:
            raise CommandError(f"Cannot listen: {exc}.") from exc
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
