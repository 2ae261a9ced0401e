"""Twilio's request signature (X-Twilio-Signature) on the SMS webhooks.

Twilio signs each webhook call with its account auth token: base64(HMAC-SHA1(auth_token,
url + name1 + value1 + name2 + value2 ...)), where `url` is the full URL Twilio called, query
string included, and the POST parameters come sorted by name (a name sent more than once: its
distinct values sorted). Like Twilio's own libraries, the URL is tried as it is, with the
default port added and with it removed, since Twilio may sign either form.

Settings (read through medassist.reminders.conf):
- MEDASSIST_SMS_AUTH_TOKEN: the account's (primary) auth token, also used to send texts.
  Empty: no signature is checked, and the shared secret is the only way in.
- MEDASSIST_SMS_WEBHOOK_BASE_URL: the public address Twilio calls, e.g.
  https://clinic.example.org (or https://example.org/medassist when a proxy strips a path
  prefix). The request's path and query string are appended to it. Empty: the URL is rebuilt
  from the request itself (scheme, Host header), which behind a proxy needs Django's
  SECURE_PROXY_SSL_HEADER / USE_X_FORWARDED_HOST set right.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest

from medassist.reminders import conf

DEFAULT_PORTS = {"https": 443, "http": 80}


def compute(auth_token: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """The signature Twilio sends for a call to `url` with these POST parameters."""
    values: dict[str, set[str]] = {}
    for name, value in params:
        values.setdefault(name, set()).add(value)
    payload = url + "".join(
        name + value for name in sorted(values) for value in sorted(values[name])
    )
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def url_variants(url: str) -> list[str]:
    """The URL as given, with its scheme's default port, and without a port."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    userinfo = parts.netloc.rpartition("@")[0]
    prefix = f"{userinfo}@" if userinfo else ""
    try:
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return [url]
    bare = urlunsplit(parts._replace(netloc=prefix + host))
    found = [url, bare]
    if port is not None:
        found.append(urlunsplit(parts._replace(netloc=f"{prefix}{host}:{port}")))
    return list(dict.fromkeys(found))


def valid(auth_token: str, url: str, params: Iterable[tuple[str, str]], signature: str) -> bool:
    params = list(params)
    given = signature.encode()
    return any(
        hmac.compare_digest(compute(auth_token, candidate, params).encode(), given)
        for candidate in url_variants(url)
    )


def request_url(request: HttpRequest) -> str:
    """The URL Twilio called: MEDASSIST_SMS_WEBHOOK_BASE_URL + path and query when set, else
    the request's own absolute URL."""
    base = conf.get("MEDASSIST_SMS_WEBHOOK_BASE_URL").strip()
    if base:
        return base.rstrip("/") + request.get_full_path()
    return request.build_absolute_uri()


def signed_by_twilio(request: HttpRequest, signature: str | None) -> bool:
    """True when an auth token is configured and the request carries its valid signature."""
    token = conf.get("MEDASSIST_SMS_AUTH_TOKEN")
    if not token or not signature:
        return False
    try:
        url = request_url(request)
    except DisallowedHost:
        return False
    params = [(name, value) for name, values in request.POST.lists() for value in values]
    return valid(token, url, params, signature)
