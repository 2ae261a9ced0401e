"""A real medassist server for HTTP tests and benchmarks: a dedicated database (a SQLite file,
or a uniquely named PostgreSQL database), migrated and seeded by subprocesses with the same
environment as a gunicorn server of several workers and threads."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.pop("MEDASSIST_TEST_DB_NAME", None)
    env["DJANGO_SETTINGS_MODULE"] = "medassist.settings"
    env["MEDASSIST_TESTING"] = "1"
    env["PYTHONPATH"] = str(ROOT)
    return env


@contextlib.contextmanager
def dedicated_database(tmp_path: Path):
    """The environment of a fresh, empty database of the kind DATABASE_URL selects."""
    env = _base_env()
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        env.pop("DATABASE_URL", None)
        env["MEDASSIST_DATA_DIR"] = str(tmp_path)
        env["MEDASSIST_SQLITE_PATH"] = str(tmp_path / "http.sqlite3")
        yield env, "sqlite"
        return
    import psycopg

    name = f"calendar_http_{uuid.uuid4().hex[:10]}"
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    env["MEDASSIST_DATA_DIR"] = str(tmp_path)
    try:
        yield env, "postgresql"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [str(VENV_BIN / "medassist"), "migrate", "--no-input", "-v", "0"],
        env=env, cwd=ROOT, check=True, timeout=300,
    )  # fmt: skip


def seed(env: dict[str, str], *, patients: int, slots: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "tests.concurrency.seed", "--patients", str(patients),
         "--slots", str(slots)],
        env=env, cwd=ROOT, check=True, timeout=300, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(out.stdout)


@contextlib.contextmanager
def gunicorn(env: dict[str, str], *, workers: int = 4, threads: int = 4):
    """A running gunicorn of `workers` processes × `threads` threads; yields its base URL."""
    port = free_port()
    log = open(Path(env["MEDASSIST_DATA_DIR"]) / "gunicorn.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "medassist.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
         "--preload", "--no-control-socket", "--graceful-timeout", "5", "--error-logfile", "-"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=30):  # noqa: S310
                    break
            except (urllib.error.URLError, ConnectionError, OSError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start (see {log.name})") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def post_json(url: str, body: dict, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 - our own http:// server
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as err:
        raw = err.read()
        try:
            return err.code, json.loads(raw or b"{}")
        except ValueError:
            return err.code, {"raw": raw[:500].decode(errors="replace")}


def book_concurrently(base: str, seeded: dict, targets: list[int], *, threads: int = 32):
    """POST one booking per target slot index (patient i books targets[i]), all at once."""

    def attempt(i: int):
        body = {
            "patient": seeded["patients"][i],
            "provider": seeded["provider"],
            "visit_type": seeded["visit_type"],
            "location": seeded["location"],
            "start": seeded["slots"][targets[i]],
        }
        return post_json(f"{base}/api/appointments", body, seeded["token"])

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(attempt, range(len(targets))))


def active_appointments(env: dict[str, str]) -> list[tuple]:
    """(provider_id, start, end) of every active appointment, read straight from the database."""
    sql = (
        'SELECT provider_id, start, "end" FROM scheduling_appointment WHERE status IN '
        "('booked', 'arrived', 'roomed', 'with_provider', 'checked_out')"
    )
    if "DATABASE_URL" in env:
        import psycopg

        with psycopg.connect(env["DATABASE_URL"].replace("postgres://", "postgresql://", 1)) as c:
            return list(c.execute(sql).fetchall())
    import sqlite3

    with contextlib.closing(sqlite3.connect(env["MEDASSIST_SQLITE_PATH"])) as c:
        return list(c.execute(sql).fetchall())


def overlaps(rows: list[tuple]) -> int:
    """How many pairs of one provider's active appointments overlap."""
    count = 0
    by_provider: dict = {}
    for provider, start, end in rows:
        by_provider.setdefault(provider, []).append((str(start), str(end)))
    for spans in by_provider.values():
        spans.sort()
        for i in range(len(spans)):
            for j in range(i + 1, len(spans)):
                if spans[j][0] < spans[i][1]:
                    count += 1
    return count
