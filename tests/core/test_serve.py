"""`medassist serve`: a real gunicorn serving pages and static files, stopped by Ctrl-C; and
plain refusals of bad options (these never start a server)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

MEDASSIST = str(Path(sys.executable).parent / "medassist")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - local test URL
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def _wait_for_health(base: str, server: subprocess.Popen) -> int:
    """Poll /health until it answers (bounded: the server may be slow to boot, never hang)."""
    for _ in range(600):
        if server.poll() is not None:
            return -1
        try:
            return _get(base + "health")[0]
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    return 0


@pytest.fixture
def server_env(tmp_path):
    """A fresh SQLite file and static root, run the way a user runs it (not test settings)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "MEDASSIST_TESTING", "MEDASSIST_TEST_DB_NAME")
    }
    env.update(
        MEDASSIST_SQLITE_PATH=str(tmp_path / "serve.sqlite3"),
        MEDASSIST_DATA_DIR=str(tmp_path),
        MEDASSIST_STATIC_ROOT=str(tmp_path / "static"),
    )
    subprocess.run([MEDASSIST, "migrate", "--no-input", "-v0"], env=env, check=True, timeout=600)
    return env


def test_serve_runs_gunicorn_serving_pages_and_static_files_until_ctrl_c(server_env):
    # given a migrated database and a free port
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"

    # when `medassist serve` is started
    server = subprocess.Popen(
        [MEDASSIST, "serve", "--port", str(port), "--workers", "1"],
        env=server_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        health = _wait_for_health(base, server)
        login = _get(base + "login/")
        css = _get(base + "static/medassist/app.css")
        # and Ctrl-C is pressed
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    output = server.stdout.read()

    # then it said where it runs, served the health check, the login page and the stylesheet,
    # and stopped cleanly
    assert f"medassist is running at {base}" in output
    assert health == 200, output
    assert login[0] == 200 and b"<form" in login[2]
    assert css[0] == 200 and css[1]["Content-Type"].startswith("text/css")
    assert (Path(server_env["MEDASSIST_STATIC_ROOT"]) / "medassist" / "app.css").exists()
    assert server.returncode == 0, output
    # and the background worker ran beside it, and stopped with it
    assert "background worker started" in output and "background worker stopped" in output
    assert "worker: running every" in output


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"port": "eighty"}, "--port must be a number"),
        ({"port": "0"}, "--port must be a number from 1 to 65535"),
        ({"port": "70000"}, "--port must be a number from 1 to 65535"),
        ({"workers": "0"}, "--workers must be between 1"),
        ({"workers": "many"}, "--workers must be a whole number"),
        ({"host": " "}, "--host must not be empty"),
    ],
)
def test_serve_refuses_bad_options_with_a_plain_message(options, message):
    # when serve is called with a bad option
    with pytest.raises(CommandError) as refused:
        call_command("serve", **options)

    # then it says what is wrong (and no server was started)
    assert message in str(refused.value)


def test_serve_refuses_a_port_that_is_in_use(db):
    # given a port someone is listening on
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]

        # when serve is asked to use it
        with pytest.raises(CommandError) as refused:
            call_command("serve", port=str(port))

    # then it says the port is taken and how to choose another
    assert f"Cannot listen on 127.0.0.1:{port}" in str(refused.value)
    assert "--port" in str(refused.value)
