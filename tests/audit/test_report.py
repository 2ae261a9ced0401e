"""The audit report (/audit/, clinic admin only): the clinic's events filtered by patient
(name or MRN, sent by POST), user, action and clinic-local time, a page at a time, and the
CSV export of the filtered rows, itself audited."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from medassist.audit.models import AuditEvent
from tests import factories

ROLES = [
    "front_desk",
    "medical_assistant",
    "physician",
    "biller",
    "clinic_admin",
    "other_clinic_physician",
    "anonymous",
]
Action = AuditEvent.Action


def event(clinic, *, at: datetime, patient=None, username="doctor", action=Action.READ, **kw):
    return AuditEvent.objects.create(
        at=at,
        clinic=clinic,
        patient=patient,
        actor_username=username,
        action=action,
        object_type=kw.pop("object_type", "patients.Patient"),
        **kw,
    )


def shown(response) -> list[str]:
    """The events listed, but for the report's own (each page view lists its patients)."""
    return [e.object_id for e in response.context["page"] if e.object_type != "audit.report"]


def not_refusals() -> list:
    return list(AuditEvent.objects.exclude(action=Action.REFUSED).values_list("id", flat=True))


@pytest.fixture
def actor(cast):
    return lambda role: None if role == "anonymous" else cast[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, url", [("get", "/audit/"), ("post", "/audit/export.csv")])
def test_only_the_clinic_admin_may_see_or_export_the_report(
    role, method, url, actor, client_for, clinic, patient
):
    # given an event of the clinic
    event(clinic, at=datetime(2026, 3, 10, 14, 0, tzinfo=UTC), patient=patient, object_id="x")
    before = not_refusals()
    # when
    response = getattr(client_for(actor(role)), method)(url)
    # then
    expected = {"clinic_admin": 200, "anonymous": 302}.get(role, 403)
    assert response.status_code == expected
    if expected != 200:
        assert not_refusals() == before  # nothing listed, nothing exported


def test_the_report_shows_the_clinics_events_newest_first_and_never_another_clinics(
    client_for, clinic_admin, clinic, other_clinic
):
    # given events of this clinic and of another
    event(clinic, at=datetime(2026, 3, 10, 14, 0, tzinfo=UTC), object_id="older")
    event(clinic, at=datetime(2026, 3, 11, 14, 0, tzinfo=UTC), object_id="newer")
    event(other_clinic, at=datetime(2026, 3, 12, 14, 0, tzinfo=UTC), object_id="theirs")
    # when the admin opens the report
    response = client_for(clinic_admin).get("/audit/")
    # then
    assert shown(response) == ["newer", "older"]


def test_patient_filter_by_name_or_mrn_comes_by_post_and_lists_that_patients_events(
    client_for, clinic_admin, clinic, patient, front_desk
):
    # given events about two patients
    other = factories.make_patient(front_desk, first_name="Sam", last_name="Okafor")
    at = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
    event(clinic, at=at, patient=patient, object_id="jordan")
    event(clinic, at=at, patient=other, object_id="sam")
    admin = client_for(clinic_admin)
    # when filtered by "reyes, jo", "jordan reyes" and the MRN
    by_name = admin.post("/audit/", {"patient": "reyes, jo"})
    by_words = admin.post("/audit/", {"patient": "Jordan REYES"})
    by_mrn = admin.post("/audit/", {"patient": patient.mrn.lower()})
    # then each shows only Jordan Reyes's events, and the form never puts the name in a URL
    for response in (by_name, by_words, by_mrn):
        assert {e.patient for e in response.context["page"]} == {patient}
        assert "jordan" in shown(response) and "sam" not in shown(response)
    page = by_name.content.decode()
    assert 'method="post" action="/audit/"' in page
    assert "?patient=" not in page


def test_user_action_and_clinic_local_time_filters(
    client_for, clinic_admin, clinic, medical_assistant
):
    # given (New York is UTC-4 on 10 March 2026)
    event(clinic, at=datetime(2026, 3, 10, 14, 30, tzinfo=UTC), object_id="a", username="doctor")
    event(clinic, at=datetime(2026, 3, 10, 14, 40, tzinfo=UTC), object_id="b", username="ma")
    event(
        clinic,
        at=datetime(2026, 3, 10, 14, 50, tzinfo=UTC),
        object_id="c",
        action=Action.EXPORT,
    )
    admin = client_for(clinic_admin)
    # when
    by_user = admin.post("/audit/", {"user": medical_assistant.username})
    by_action = admin.post("/audit/", {"action": "export"})
    local = admin.post("/audit/", {"since": "2026-03-10T10:35", "until": "2026-03-10T11:00"})
    as_utc = admin.post("/audit/", {"since": "2026-03-10T14:00", "until": "2026-03-10T15:00"})
    backwards = admin.post("/audit/", {"since": "2026-03-11T10:00", "until": "2026-03-10T10:00"})
    # then
    assert shown(by_user) == ["b"]
    assert shown(by_action) == ["c"]
    assert shown(local) == ["c", "b"]
    assert shown(as_utc) == []
    assert backwards.status_code == 422
    assert "must be after" in backwards.content.decode()


def test_the_report_pages_by_post_and_its_query_count_does_not_grow_with_the_page(
    client_for, clinic_admin, clinic, patient
):
    # given a few events, then many
    at = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
    for i in range(3):
        event(clinic, at=at, patient=patient, object_id=f"{i:03}")
    admin = client_for(clinic_admin)
    admin.get("/audit/")  # the session, the user's first visit
    with CaptureQueriesContext(connection) as few:
        admin.post("/audit/", {"action": "read"})
    for i in range(3, 70):
        event(clinic, at=at, patient=patient, object_id=f"{i:03}")
    with CaptureQueriesContext(connection) as many:
        first = admin.post("/audit/", {"action": "read"})
    # when the next page is asked for
    second = admin.post("/audit/", {"action": "read", "page": "2"})
    # then
    assert len(shown(first)) == 50 and len(shown(second)) == 20
    assert len(many) == len(few)
    assert "Page 2 of 2" in second.content.decode()


def test_the_csv_export_has_the_filtered_rows_and_is_audited(
    client_for, clinic_admin, clinic, patient
):
    # given events, one with a value a spreadsheet would run as a formula
    at = datetime(2026, 3, 10, 14, 30, tzinfo=UTC)
    event(clinic, at=at, patient=patient, object_id="=HYPERLINK(1)", action=Action.EXPORT)
    event(clinic, at=at, patient=patient, object_id="plain")
    # when the admin downloads the export-action rows
    response = client_for(clinic_admin).post("/audit/export.csv", {"action": "export"})
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    # then the header and one row: clinic-local time, escaped formula, the patient
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert rows[0][:4] == ["time", "user", "role", "action"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["time"] == "2026-03-10T10:30:00-04:00"
    assert row["object id"] == "'=HYPERLINK(1)"
    assert (row["patient MRN"], row["patient"]) == (patient.mrn, "Reyes, Jordan")
    # and the export is an audit event of its own, with its filters and row count
    export = AuditEvent.objects.filter(action=Action.EXPORT, object_type="audit.report").get()
    assert (export.actor, export.clinic) == (clinic_admin, clinic)
    assert export.detail == {"format": "csv", "rows": 1, "filters": {"action": "export"}}
