"""Every staff page (GET and POST) × every role × an object of the user's own clinic and one of
another clinic: nobody gets a server error; another clinic's objects are never served; every
refusal (401/403/404) is an audited `refused` event and changes nothing; no page shows another
clinic's patient.

The routes are read from the URL configuration, so a new screen is walked the day it is added.
Path parameters are filled with the public id of one object of each kind the world holds (a
page that expects a patient and is given a visit's id must answer 404, like any unknown id)."""

from __future__ import annotations

import re
import uuid

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Max
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from medassist.audit.models import AuditEvent
from medassist.frontdesk.services import check_in
from medassist.intake.services import rooming_complete
from medassist.practice.models import Room
from medassist.records.services.clinical.problems import problem_create
from medassist.records.services.notes import note_create
from medassist.records.services.visits import visit_start
from tests import factories
from tests.api.conftest import today_at

# Pages anybody may open (sign-in, the patient's own token and portal pages, the health
# check): walked for server errors only.
PUBLIC = re.compile(
    r"^/(login/|logout/|health|account/reset/|reminders/r/|waitlist/o/|portal/|admin/login/)"
)
# The Django admin has its own matrix (tests/practice/test_admin*.py) and the JSON API and FHIR
# server theirs (tests/api/test_role_matrix.py, tests/fhir); the static files are not pages.
SKIPPED = re.compile(r"^/(admin/|api/|fhir/|static/)")
PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
SLUGS = {"section": "problems", "item_type": "problems"}
MARKER = "Quarrington"  # the other clinic's patient's surname: no page of ours may show it


def routes() -> list[str]:
    """Every URL pattern as a template with its <converter:name> parameters."""

    def walk(resolver: URLResolver, prefix: str):
        for entry in resolver.url_patterns:
            pattern = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry, pattern)
            elif isinstance(entry, URLPattern):
                yield "/" + pattern.lstrip("^").rstrip("$")

    return sorted({r for r in walk(get_resolver(), "") if not SKIPPED.match(r)})


def fill(route: str, value: str) -> str:
    def one(match: re.Match) -> str:
        converter, name = match.group(1) or "str", match.group(2)
        if converter == "uuid":
            return value
        if converter == "slug":
            return SLUGS.get(name, "problems")
        if converter == "int":
            return "987654"  # no such number: the page must say so (an audited 404)
        return "x"

    return PARAM.sub(one, route)


def chart_items(doctor, patient, encounter) -> None:
    problem_create(actor=doctor, patient=patient, code="J20.9", display="Acute bronchitis")
    note_create(actor=doctor, encounter=encounter, title="Progress note", body="Seen today.")


def visit_in_progress(desk, ma, doctor, patient, provider):
    appt = factories.book(desk, patient, provider, start=today_at(patient.clinic, 6 * 60))
    check_in(
        actor=desk, appointment=appt, demographics_confirmed=True,
        coverage=patient.coverages.first(),
    )  # fmt: skip
    room = Room.objects.filter(location__clinic=patient.clinic).first()
    rooming_complete(actor=ma, appointment=appt, room=room, reason_for_visit="Cough")
    chart_items(doctor, patient, visit_start(actor=doctor, appointment=appt))
    return appt


def public_ids_since(marks: dict) -> dict[str, list[str]]:
    """model name → public ids (up to two) of the rows created after `marks` (max pk per model)."""
    found: dict[str, list[str]] = {}
    for model in apps.get_models():
        if not any(f.name == "public_id" for f in model._meta.fields):
            continue
        rows = (
            model.objects.filter(pk__gt=marks.get(model._meta.label, 0) or 0)
            .order_by("pk")
            .values_list("public_id", flat=True)[:2]
        )
        if rows:
            found[model._meta.model_name] = [str(r) for r in rows]
    return found


# The path segment before an id names the kind of object the page expects; where it does not
# (an unknown segment: a new screen), every kind is tried.
ALIASES = {
    "visit": "appointment", "freed": "appointment", "entrie": "waitlistentry",
    "replie": "patientreply", "kind": "resourcekind", "session": "weeklysession",
    "exception": "availabilityexception", "holiday": "clinicholiday", "item": "problem",
    "visittype": "visittype",
}  # fmt: skip


def ids_for(route: str, ids: dict[str, list[str]]) -> list[str]:
    match = re.search(r"/([\w-]+)/<(?:\w+:)?\w+>", route)
    word = match.group(1).replace("-", "").rstrip("s") if match else ""
    kind = ALIASES.get(word, word)
    if kind in ids:
        return ids[kind][:1]
    return [value for values in ids.values() for value in values[:1]]


def high_water() -> dict:
    return {
        m._meta.label: m.objects.aggregate(n=Max("pk"))["n"]
        for m in apps.get_models()
        if any(f.name == "public_id" for f in m._meta.fields)
    }


WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
UNWATCHED = ("audit_", "django_session")  # the audit trail itself, and the session store


class Writes:
    """The tables a request wrote to (every INSERT, UPDATE or DELETE it sent the database,
    rolled back or not) but the audit trail's and the session store's: what a refused request
    must not touch. One cheap hook on the connection instead of counting every table."""

    def __init__(self) -> None:
        self.tables: set[str] = set()

    def __call__(self, execute, sql, params, many, context):
        match = WRITE.match(sql)
        if match and not match.group(1).lower().startswith(UNWATCHED):
            self.tables.add(match.group(1))
        return execute(sql, params, many, context)


def refused_count() -> int:
    return AuditEvent.objects.filter(action=AuditEvent.Action.REFUSED).count()


@pytest.fixture
def world(cast, patient, provider, other_clinic):
    other = {
        role: factories.make_user(other_clinic, role, f"other_{role}")
        for role in ("front_desk", "medical_assistant")
    }
    other_doctor = cast["other_clinic_physician"]
    marks = high_water()
    stranger = factories.make_patient(other["front_desk"], first_name="Zed", last_name=MARKER)
    factories.add_coverage(other["front_desk"], stranger)
    visit_in_progress(
        other["front_desk"], other["medical_assistant"], other_doctor, stranger,
        other_doctor.provider,
    )  # fmt: skip
    factories.book(other["front_desk"], stranger, other_doctor.provider)
    theirs = public_ids_since(marks)
    marks = high_water()
    visit_in_progress(cast["front_desk"], cast["medical_assistant"], cast["physician"], patient,
                      provider)  # fmt: skip
    factories.book(cast["front_desk"], patient, provider)
    ours = public_ids_since(marks)
    ours["patient"] = [str(patient.public_id)]
    return {"theirs": theirs, "ours": ours}


STAFF = ["front_desk", "medical_assistant", "physician", "biller", "clinic_admin"]


def call(client: Client, method: str, path: str, writes: Writes | None = None):
    with connection.execute_wrapper(writes or Writes()):
        if method == "GET":
            return client.get(path)
        return client.post(path, {})


calls: list[str] = []


def check(client: Client, method: str, path: str, problems: list[str], *, foreign: bool):
    calls.append(path)
    refused_before, writes = refused_count(), Writes()
    response = call(client, method, path, writes)
    status = response.status_code
    where = f"{method} {path} -> {status}"
    if status >= 500:
        problems.append(f"server error: {where}")
        return
    body = ""
    if status == 200:
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        body = raw.decode(errors="replace")
    if MARKER in body:
        problems.append(f"another clinic's patient shown: {where}")
    if foreign and status not in (302, 401, 403, 404, 405):
        problems.append(f"another clinic's object served: {where}")
    if status in (401, 403, 404):
        if refused_count() != refused_before + 1:
            problems.append(f"refusal not audited: {where}")
        if writes.tables:
            problems.append(f"refusal wrote to {sorted(writes.tables)}: {where}")


@pytest.mark.parametrize("role", STAFF)
def test_every_page_as_each_role(role, cast, world, client_for):
    client = client_for(cast[role])
    problems: list[str] = []
    calls.clear()
    for route in routes():
        if PUBLIC.match(route):
            continue
        if "<" not in route:
            for method in ("GET", "POST"):
                check(client, method, route, problems, foreign=False)
            continue
        for value in ids_for(route, world["theirs"]):
            for method in ("GET", "POST"):
                check(client, method, fill(route, value), problems, foreign=True)
        for value in [*ids_for(route, world["ours"]), str(uuid.uuid4())]:
            check(client, "GET", fill(route, value), problems, foreign=False)
    assert problems == [], "\n".join(problems)


def test_every_page_refuses_nobody_signed_in(world):
    client = Client()
    problems: list[str] = []
    for route in routes():
        ids = ids_for(route, world["ours"])
        paths = [route] if "<" not in route else [fill(route, v) for v in ids]
        for path in paths:
            writes = Writes()
            for method in ("GET", "POST"):
                response = call(client, method, path, writes)
                if response.status_code >= 500:
                    problems.append(f"server error: {method} {path}")
                elif not PUBLIC.match(route) and response.status_code not in (302, 401, 403,
                                                                               404, 405):
                    problems.append(f"served without sign-in: {method} {path}")
            if not PUBLIC.match(route) and writes.tables:
                problems.append(f"wrote to {sorted(writes.tables)} without sign-in: {path}")
    assert problems == [], "\n".join(problems)


def test_the_write_hook_sees_what_a_request_writes(cast, patient):
    # given the hook the refusal checks rely on
    writes = Writes()
    client = Client()
    client.force_login(cast["front_desk"])
    # when a service writes (a coverage is added to the patient)
    with connection.execute_wrapper(writes):
        factories.add_coverage(cast["front_desk"], patient)
    # then the table it wrote is seen, and the audit trail's is not counted
    assert any(t.startswith("patients_") for t in writes.tables)
    assert not any(t.startswith("audit_") for t in writes.tables)
