"""No log line holds a query string: a patient's name or birth date can be in one (FHIR's GET
search, an old bookmark of a search)."""

from __future__ import annotations

import logging
import uuid

from medassist.core.logs import PathOnly


def _server_line(request_line: str) -> str:
    """What the development server's configured handler writes for one request."""
    logger = logging.getLogger("django.server")
    # settings.LOGGING's handler (the test run adds its own capturing handlers beside it)
    handler = next(h for h in logger.handlers if any(isinstance(f, PathOnly) for f in h.filters))
    record = logger.makeRecord(
        "django.server", logging.INFO, __file__, 1, '"%s" %s %s', (request_line, "200", "512"), None
    )
    assert handler.filter(record)
    return handler.format(record)


def test_the_development_servers_request_lines_lose_their_query_string():
    # when
    line = _server_line("GET /fhir/r4/Patient?name=Wood&birthdate=1969-10-18 HTTP/1.1")
    # then
    assert line.endswith('"GET /fhir/r4/Patient HTTP/1.1" 200 512')
    assert "Wood" not in line and "1969" not in line


def test_a_request_line_without_a_query_string_is_left_as_it_is():
    assert _server_line("POST /patients/ HTTP/1.1").endswith('"POST /patients/ HTTP/1.1" 200 512')


def test_the_filter_leaves_other_messages_alone():
    # given
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s patients?", (3,), None)
    # when
    PathOnly().filter(record)
    # then
    assert record.getMessage() == "3 patients?"


def test_djangos_request_log_names_the_path_without_the_query(client_for, front_desk, caplog):
    # given
    url = f"/patients/{uuid.uuid4()}/"
    # when
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client_for(front_desk).get(url, {"q": "Judith Wood", "dob": "1969-10-18"})
    # then
    assert response.status_code == 404
    messages = [r.getMessage() for r in caplog.records if r.name == "django.request"]
    assert messages == [f"Not Found: {url}"]
