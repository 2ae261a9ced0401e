"""Reading a JSON request body safely: UTF-8 only, no NUL characters in any string, and a
bounded nesting depth, so bad input is refused with a clear message before any code (or
database) sees it. Used by the JSON API and the FHIR server."""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 64  # no FHIR resource or API body nests deeper than a few dozen levels


class BadJson(ValueError):
    """The body can't be taken as JSON; the message says why, fit for the caller."""


def loads(raw: bytes) -> Any:
    """The parsed body, or BadJson naming the fault."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadJson("The request body is not UTF-8 text.") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadJson(
            f"The request body is not valid JSON: {exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}."
        ) from exc
    except RecursionError as exc:
        raise BadJson(f"The JSON nests deeper than {MAX_DEPTH} levels.") from exc
    check(data)
    return data


def check(data: Any) -> None:
    """BadJson for nesting deeper than MAX_DEPTH or a NUL character in a key or string."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise BadJson("A text value contains a NUL character (\\u0000); remove it.")
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise BadJson(f"The JSON nests deeper than {MAX_DEPTH} levels.")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str) and "\x00" in key:
                    raise BadJson("A key contains a NUL character (\\u0000); remove it.")
                stack.append((item, depth + 1))
