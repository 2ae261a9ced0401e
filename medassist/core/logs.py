"""Log filters. Django's own request logger already names the path only; the development
server (`runserver`) logs the whole request line, query string and all."""

from __future__ import annotations

import logging


class PathOnly(logging.Filter):
    """Drops the query string from the request line the development server logs
    (`"GET /fhir/r4/Patient?name=Wood HTTP/1.1" 200 512`): a search there names a patient."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and args and isinstance(args[0], str):
            method, space, rest = args[0].partition(" ")
            target, sep, version = rest.partition(" ")
            record.args = (f"{method}{space}{target.split('?', 1)[0]}{sep}{version}", *args[1:])
        return True
