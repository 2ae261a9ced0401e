"""The optional OpenAI-compatible backend, against a fake endpoint on 127.0.0.1: it may only
understand; the safety layer checks the patient's words and the backend's answer."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from medassist.assistant.backend import OpenAICompatible, parse_answer
from medassist.assistant.engine import conversation_start, respond
from medassist.assistant.models import Channel, Task, Turn


class Fake(BaseHTTPRequestHandler):
    answer: object = {"intent": "clinic_info", "entities": {}}
    raw: bytes | None = None
    seen: list = []

    def do_POST(self):  # noqa: N802 - the stdlib's name
        length = int(self.headers.get("Content-Length", 0))
        Fake.seen.append(json.loads(self.rfile.read(length)))
        body = Fake.raw if Fake.raw is not None else json.dumps(
            {"choices": [{"message": {"content": json.dumps(Fake.answer)}}]}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def endpoint():
    server = HTTPServer(("127.0.0.1", 0), Fake)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Fake.raw, Fake.seen = None, []
    yield OpenAICompatible(base_url=f"http://127.0.0.1:{server.server_port}/v1", timeout=5)
    server.shutdown()


def test_the_backend_reading_is_used_and_recorded(clinic, endpoint):
    Fake.answer = {"intent": "clinic_info", "entities": {}}
    c = conversation_start(clinic=clinic, channel=Channel.PORTAL)
    reply = respond(conversation=c, text="are you guys open saturday", backend=endpoint)
    turn = Turn.objects.filter(conversation=c, speaker="patient").get()
    assert turn.intent == "clinic_info"
    assert reply.template in ("info", "info_missing")
    assert Fake.seen[0]["response_format"] == {"type": "json_object"}


def test_a_backend_that_calls_an_emergency_operational_is_overruled(clinic, endpoint):
    Fake.answer = {"intent": "book", "entities": {}}
    c = conversation_start(clinic=clinic, channel=Channel.PORTAL)
    reply = respond(conversation=c, text="my chest hurts and I can't breathe", backend=endpoint)
    assert reply.emergency
    assert Task.objects.filter(kind=Task.Kind.EMERGENCY).exists()


def test_a_clinical_entity_from_the_backend_routes_the_message(clinic, endpoint):
    words = "should I stop my metformin"
    Fake.answer = {"intent": "refill", "entities": {"medication_text": words}}
    c = conversation_start(clinic=clinic, channel=Channel.PORTAL)
    reply = respond(conversation=c, text="about my pills", backend=endpoint)
    assert reply.template.startswith("clinical") or "clinical" in reply.template


@pytest.mark.parametrize(
    "raw",
    [b"not json", b"{}", json.dumps({"choices": [{"message": {"content": "{\"intent\": \"diagnose\"}"}}]}).encode()],  # noqa: E501
)
def test_a_malformed_backend_answer_falls_back_to_the_local_classifier(clinic, endpoint, raw):
    Fake.raw = raw
    c = conversation_start(clinic=clinic, channel=Channel.PORTAL)
    respond(conversation=c, text="what are your hours", backend=endpoint)
    assert Turn.objects.filter(conversation=c, speaker="patient").get().intent == "clinic_info"


def test_an_unreachable_backend_falls_back(clinic):
    dead = OpenAICompatible(base_url="http://127.0.0.1:9/v1", timeout=1)
    c = conversation_start(clinic=clinic, channel=Channel.PORTAL)
    respond(conversation=c, text="what are your hours", backend=dead)
    assert Turn.objects.filter(conversation=c, speaker="patient").get().intent == "clinic_info"


def test_parse_answer_refuses_unknown_intents():
    content = json.dumps({"intent": "advice"})
    body = json.dumps({"choices": [{"message": {"content": content}}]}).encode()
    assert parse_answer(body) is None
