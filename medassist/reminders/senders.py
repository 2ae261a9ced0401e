"""How a text message leaves the building. Pluggable: MEDASSIST_SMS_SENDER names the class.

- `FileSender` (default): writes each message as a JSON file in MEDASSIST_SMS_DIR
  (default var/sms/) — for development, tests and demos.
- `ConsoleSender`: prints the message.
- `HttpSmsSender`: a Twilio-style HTTP API: POST form fields To, From, Body to
  `{base}/2010-04-01/Accounts/{sid}/Messages.json` with HTTP basic auth (sid, token).

`send(to=..., body=...)` returns the provider's message id or raises `SendFailed` with a
message fit for the staff screen."""

from __future__ import annotations

import base64
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from django.utils.module_loading import import_string

from medassist.reminders import conf


class SendFailed(Exception):
    pass


class SmsSender:
    def send(self, *, to: str, body: str) -> str:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleSender(SmsSender):
    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stdout

    def send(self, *, to: str, body: str) -> str:
        message_id = f"console-{uuid.uuid4().hex[:12]}"
        self.stream.write(f"SMS to {to} ({message_id}):\n{body}\n\n")
        return message_id


class FileSender(SmsSender):
    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = Path(folder or conf.sms_dir())

    def send(self, *, to: str, body: str) -> str:
        message_id = f"file-{uuid.uuid4().hex}"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f"{message_id}.json"
            path.write_text(json.dumps({"id": message_id, "to": to, "body": body}, indent=1))
        except OSError as exc:
            raise SendFailed(f"Could not write the message file: {exc}") from exc
        return message_id


class HttpSmsSender(SmsSender):
    """A Twilio-compatible REST API, with only the standard library."""

    def __init__(
        self,
        *,
        base_url: str | None = None,
        account_sid: str | None = None,
        auth_token: str | None = None,
        from_number: str | None = None,
        timeout: float | None = None,
    ) -> None:
        self.base_url = (base_url or conf.get("MEDASSIST_SMS_BASE_URL")).rstrip("/")
        self.account_sid = account_sid or conf.get("MEDASSIST_SMS_ACCOUNT_SID")
        self.auth_token = auth_token or conf.get("MEDASSIST_SMS_AUTH_TOKEN")
        self.from_number = from_number or conf.get("MEDASSIST_SMS_FROM")
        self.timeout = timeout or float(conf.get("MEDASSIST_SMS_TIMEOUT"))

    def send(self, *, to: str, body: str) -> str:
        if not (self.base_url and self.account_sid and self.auth_token and self.from_number):
            raise SendFailed("The text message service is not configured (MEDASSIST_SMS_*).")
        sid = urllib.parse.quote(self.account_sid, safe="")
        url = f"{self.base_url}/2010-04-01/Accounts/{sid}/Messages.json"
        data = urllib.parse.urlencode({"To": to, "From": self.from_number, "Body": body}).encode()
        credentials = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310 - the URL is the operator's setting
            url,
            data=data,
            method="POST",
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                payload = response.read(65536)
        except urllib.error.HTTPError as exc:
            detail = exc.read(300).decode("utf-8", "replace").strip()
            raise SendFailed(f"Text service answered {exc.code}: {detail[:200]}") from exc
        except TimeoutError as exc:
            raise SendFailed(f"Text service did not answer within {self.timeout:g} s.") from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise SendFailed(f"Text service did not answer within {self.timeout:g} s.") from exc
            raise SendFailed(f"Text service unreachable: {exc.reason}") from exc
        except OSError as exc:
            raise SendFailed(f"Text service connection failed: {exc}") from exc
        try:
            message_id = str(json.loads(payload)["sid"])
        except (ValueError, KeyError, TypeError) as exc:
            raise SendFailed("Text service answered without a message id.") from exc
        return message_id


def get_sender() -> SmsSender:
    return import_string(conf.get("MEDASSIST_SMS_SENDER"))()
