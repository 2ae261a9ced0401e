"""gunicorn server hooks for `medassist serve`: the background worker (reminders, waitlist
offers, audit seals) runs beside the web server, started and stopped with it, so one command
runs the whole clinic on a laptop. `medassist serve --no-worker` leaves it out (run
`medassist worker` yourself, e.g. on another machine, or one per network of clinics)."""

from __future__ import annotations

import os
import subprocess
import sys

_worker: subprocess.Popen | None = None

# When the access log is turned on (--access-logfile), it records the path only: a query
# string or a referrer can hold a patient's name or date of birth (FHIR searches use GET).
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'


def on_starting(server) -> None:
    global _worker
    if os.environ.get("MEDASSIST_SERVE_WORKER", "1") != "1":
        return
    _worker = subprocess.Popen(  # noqa: S603 - a fixed argv, no shell
        [sys.executable, "-m", "medassist", "worker"], stdin=subprocess.DEVNULL
    )
    server.log.info("background worker started (pid %s)", _worker.pid)


def on_exit(server) -> None:
    if _worker is None or _worker.poll() is not None:
        return
    _worker.terminate()  # SIGTERM: the worker finishes its pass and exits
    try:
        _worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        _worker.kill()
    server.log.info("background worker stopped")
