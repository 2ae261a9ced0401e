"""`medassist serve`: collect static files, then run gunicorn (a production WSGI server).

The command replaces itself with gunicorn (exec), so Ctrl-C and SIGTERM go straight to
gunicorn's master process, which stops its workers cleanly."""

from __future__ import annotations

import os
import socket
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

DEFAULT_WORKERS = 2
MAX_WORKERS = 64


def unapplied_migrations() -> int:
    """How many migrations the database still needs (CommandError if it cannot be reached)."""
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    except DatabaseError as exc:
        raise CommandError(f"Cannot open the database: {exc}") from exc


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise CommandError(f"--port must be a number from 1 to 65535, not {value!r}.") from None
    if not 1 <= port <= 65535:
        raise CommandError(f"--port must be a number from 1 to 65535, not {port}.")
    return port


def _workers(value: str) -> int:
    try:
        workers = int(value)
    except ValueError:
        raise CommandError(f"--workers must be a whole number, not {value!r}.") from None
    if not 1 <= workers <= MAX_WORKERS:
        raise CommandError(f"--workers must be between 1 and {MAX_WORKERS}, not {workers}.")
    return workers


def _gunicorn_has(setting: str) -> bool:
    from gunicorn.config import KNOWN_SETTINGS

    return any(s.name == setting for s in KNOWN_SETTINGS)


def _check_free(host: str, port: int) -> None:
    """Fail early, with a plain message, when the address cannot be listened on."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise CommandError(f"Cannot listen on {host!r}: {exc.strerror}.") from exc
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise CommandError(
                f"Cannot listen on {host}:{port} ({exc.strerror}). Is another server running "
                "there? Choose another port with --port."
            ) from exc


class Command(BaseCommand):
    help = "Serve medassist with gunicorn (collects static files first)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--port", default="8000", help="Port to listen on (default 8000).")
        parser.add_argument(
            "--workers",
            default=str(DEFAULT_WORKERS),
            help=f"Worker processes (default {DEFAULT_WORKERS}).",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start the background worker (reminders, waitlist offers) beside the "
            "server; run `medassist worker` yourself.",
        )

    def handle(self, *args, host: str, port: str, workers: str, no_worker=False, **options):
        port_number, worker_count = _port(port), _workers(workers)
        host = host.strip().strip("[]")
        if not host:
            raise CommandError("--host must not be empty.")
        pending = unapplied_migrations()
        if pending:
            raise CommandError(
                f"The database is not set up yet ({pending} migrations to apply). "
                "Run `medassist migrate` first."
            )
        _check_free(host, port_number)
        try:
            call_command("collectstatic", interactive=False, verbosity=0)
        except OSError as exc:
            raise CommandError(
                f"Could not collect static files into {settings.STATIC_ROOT}: {exc}"
            ) from exc
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{port_number}/"
        self.stdout.write(
            f"medassist is running at {url} — log in with the demo logins printed by "
            "`medassist demo` (see docs/demo.md)"
        )
        for note in self._notes(host):
            self.stdout.write(note)
        os.environ["MEDASSIST_SERVE_WORKER"] = "0" if no_worker else "1"
        self.stdout.write(
            "The background worker (reminders, waitlist offers) is not started: run "
            "`medassist worker`."
            if no_worker
            else "The background worker (reminders, waitlist offers) runs beside it; "
            "`--no-worker` leaves it out."
        )
        # Links in reminders point at this server unless MEDASSIST_PUBLIC_URL says otherwise.
        local = f"http://localhost:{port_number}" if host in ("0.0.0.0", "::") else url  # noqa: S104
        os.environ.setdefault("MEDASSIST_PUBLIC_URL", local.rstrip("/"))
        self.stdout.flush()
        sys.stdout.flush()
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "medassist.wsgi:application",
            "--bind",
            f"{shown}:{port_number}",
            "--workers",
            str(worker_count),
            "--graceful-timeout",
            "10",
            "--error-logfile",
            "-",
            "--config",
            "python:medassist.core.gunicorn_hooks",
        ]
        if _gunicorn_has("control_socket_disable"):
            # Recent gunicorn (27 here) opens a control socket in ~/.gunicorn that every
            # instance shares; two servers on one machine (a demo and the tests) would clash.
            argv.append("--no-control-socket")
        os.execvp(argv[0], argv)  # noqa: S606 - a fixed argv, no shell

    def _notes(self, host: str) -> list[str]:
        notes = []
        allowed = settings.ALLOWED_HOSTS
        if host in ("0.0.0.0", "::") and "*" not in allowed:  # noqa: S104
            notes.append(
                "Listening on every interface; requests are accepted only for the host names in "
                f"MEDASSIST_ALLOWED_HOSTS (now: {', '.join(allowed)})."
            )
        elif host not in allowed and f"[{host}]" not in allowed and "*" not in allowed:
            notes.append(
                f"Note: {host} is not in MEDASSIST_ALLOWED_HOSTS ({', '.join(allowed)}); "
                "requests for it will be refused until it is added."
            )
        if not os.environ.get("MEDASSIST_SECRET_KEY"):
            notes.append(
                "Using the built-in development secret key: fine for the demo; set "
                "MEDASSIST_SECRET_KEY before real patient data goes in."
            )
        return notes
