"""Out of the box (a laptop, the demo), e-mail is written to files in <data dir>/mail/, as texts
go to <data dir>/sms/: `worker --once` prints no message bodies. MEDASSIST_EMAIL_BACKEND picks
another backend."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SEND = (
    "import django; django.setup();"
    "from django.core.mail import send_mail;"
    "send_mail('Your visit', 'See you on Monday at 9:00.', 'clinic@example.org',"
    " ['pat@example.org'])"
)


def _run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {
        k: v for k, v in os.environ.items() if not k.startswith(("MEDASSIST_", "DATABASE_URL"))
    }
    environ |= {
        "DJANGO_SETTINGS_MODULE": "medassist.settings",
        "MEDASSIST_DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        **env,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", SEND], env=environ, capture_output=True, text=True, check=True
    )


def test_by_default_email_is_written_to_files_in_the_data_dir_and_not_printed(tmp_path):
    # when a message is sent with the default settings
    done = _run(tmp_path)
    # then it is a file under <data dir>/mail/, and nothing reached the console
    files = list((tmp_path / "mail").iterdir())
    assert len(files) == 1
    assert "See you on Monday at 9:00." in files[0].read_text()
    assert done.stdout == ""


def test_the_email_backend_and_folder_are_configurable(tmp_path):
    # when the console backend is chosen
    console = _run(
        tmp_path, MEDASSIST_EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend"
    )
    # then the message is printed and no file is written
    assert "See you on Monday at 9:00." in console.stdout
    assert not (tmp_path / "mail").exists()
    # when another folder is named
    _run(tmp_path, MEDASSIST_EMAIL_DIR=str(tmp_path / "outbox"))
    # then the message goes there
    assert len(list((tmp_path / "outbox").iterdir())) == 1
