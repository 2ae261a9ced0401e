"""The screens: role matrix (status, and a refused request changes nothing), the find-and-book
flow, set-up pages, and clear messages for bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.availability.models import (
    AvailabilityException,
    ClinicHoliday,
    ResourceBooking,
    WeeklySession,
)
from medassist.scheduling.models import Appointment
from tests import factories
from tests.availability.conftest import at

ROLES = [*factories.STAFF_ROLES, "other_clinic_physician", None]  # None: nobody logged in
STAFF = {"front_desk", "medical_assistant", "physician", "biller", "clinic_admin"}
BOOKERS = {"front_desk", "medical_assistant", "clinic_admin"}


def snapshot() -> dict:
    return {
        "appointments": sorted(
            Appointment.objects.values_list("public_id", "status", "updated_at")
        ),
        "sessions": sorted(WeeklySession.objects.values_list("public_id", "active", "updated_at")),
        "exceptions": sorted(AvailabilityException.objects.values_list("public_id", "active")),
        "holidays": sorted(ClinicHoliday.objects.values_list("public_id", "active")),
        "resource_bookings": ResourceBooking.objects.count(),
        "audit": AuditEvent.objects.exclude(
            action__in=[AuditEvent.Action.LIST, AuditEvent.Action.REFUSED]
        ).count(),
    }


@pytest.fixture
def world(cast, clinic, templated, follow_up, monday, patient):
    session = WeeklySession.objects.filter(provider=templated).first()
    exc = AvailabilityException.objects.create(
        clinic=clinic,
        provider=templated,
        start_date=monday + timedelta(days=7),
        end_date=monday + timedelta(days=7),
    )
    holiday = ClinicHoliday.objects.create(
        clinic=clinic, date=monday + timedelta(days=8), name="Staff day"
    )
    return {
        "session": session,
        "exception": exc,
        "holiday": holiday,
        "provider": templated,
        "vt": follow_up,
        "monday": monday,
        "patient": patient,
        "clinic": clinic,
    }


def _request(case, w):
    p, m = w["provider"], w["monday"]
    loc = w["clinic"].locations.first()
    match case:
        case "find":
            return "get", "/availability/find/", None
        case "find_search":
            return (
                "get",
                "/availability/find/",
                {
                    "visit_type": w["vt"].public_id,
                    "date_from": m,
                    "date_to": m,
                    "patient": w["patient"].public_id,
                },
            )
        case "find_book":
            return (
                "post",
                "/availability/find/book/",
                {
                    "visit_type": w["vt"].public_id,
                    "provider": p.public_id,
                    "location": loc.public_id,
                    "start": at(w["clinic"], m, 8).isoformat(),
                    "patient": w["patient"].public_id,
                },
            )
        case "setup":
            return "get", "/availability/", None
        case "template":
            return "get", f"/availability/providers/{p.public_id}/", None
        case "session_create":
            return (
                "post",
                f"/availability/providers/{p.public_id}/sessions/",
                {
                    "location": loc.public_id,
                    "weekday": 5,
                    "start_time": "09:00",
                    "end_time": "12:00",
                },
            )
        case "session_delete":
            return "post", f"/availability/sessions/{w['session'].public_id}/remove/", {}
        case "exception_create":
            return (
                "post",
                f"/availability/providers/{p.public_id}/exceptions/",
                {"kind": "time_off", "start_date": m.isoformat()},
            )
        case "exception_delete":
            return "post", f"/availability/exceptions/{w['exception'].public_id}/remove/", {}
        case "holidays":
            return "get", "/availability/holidays/?year=2027", None
        case "holidays_load":
            return "post", "/availability/holidays/load/", {"year": "2027"}
        case "holiday_create":
            return (
                "post",
                "/availability/holidays/add/",
                {"date": (m + timedelta(days=9)).isoformat(), "name": "Flood"},
            )
        case "holiday_delete":
            return "post", f"/availability/holidays/{w['holiday'].public_id}/remove/", {}
    raise AssertionError(case)


# (case, roles allowed, status when allowed, status for another clinic's physician)
CASES = [
    ("find", STAFF, 200, 200),
    ("find_search", STAFF, 200, 422),
    ("find_book", BOOKERS, 200, 403),
    ("setup", {"clinic_admin"}, 200, 403),
    ("template", {"clinic_admin"}, 200, 403),
    ("session_create", {"clinic_admin"}, 302, 403),
    ("session_delete", {"clinic_admin"}, 302, 403),
    ("exception_create", {"clinic_admin"}, 302, 403),
    ("exception_delete", {"clinic_admin"}, 302, 403),
    ("holidays", {"clinic_admin"}, 200, 403),
    ("holidays_load", {"clinic_admin"}, 302, 403),
    ("holiday_create", {"clinic_admin"}, 302, 403),
    ("holiday_delete", {"clinic_admin"}, 302, 403),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("case", "allowed", "ok", "other"), CASES, ids=[c[0] for c in CASES])
def test_role_matrix(role, case, allowed, ok, other, world, cast, client_for):
    # given a user in a role (or nobody)
    client = client_for(cast[role] if role else None)
    method, url, data = _request(case, world)
    before = snapshot()
    # when they open or post
    response = (
        getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
    )
    # then the status is exact, and a refused request changed nothing
    if role is None:
        assert response.status_code == 302 and "/login/" in response["Location"]
    elif role == "other_clinic_physician":
        assert response.status_code == other
    elif role in allowed:
        assert response.status_code == ok, response.content[:500]
    else:
        assert response.status_code == 403
    refused = role is None or role not in allowed or role == "other_clinic_physician"
    if refused or method == "get":
        assert snapshot() == before


def test_find_lists_ranked_slots_and_books_one(
    front_desk, client_for, clinic, templated, follow_up, monday, patient
):
    client = client_for(front_desk)
    # when the front desk searches (htmx) for a follow-up for the patient
    response = client.get(
        "/availability/find/",
        {
            "visit_type": follow_up.public_id,
            "date_from": monday,
            "date_to": monday,
            "patient": patient.public_id,
        },
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Mon Dec" in html or monday.strftime("%a") in html
    assert "08:00–08:20" in html and ">Book</button>" in html
    # and books the first slot
    response = client.post(
        "/availability/find/book/",
        {
            "visit_type": follow_up.public_id,
            "provider": templated.public_id,
            "location": clinic.locations.first().public_id,
            "start": at(clinic, monday, 8).isoformat(),
            "patient": patient.public_id,
            "search": f"visit_type={follow_up.public_id}",
        },
        headers={"HX-Request": "true"},
    )
    appt = Appointment.objects.get(patient=patient)
    assert response.status_code == 200
    assert f"/schedule/appointments/{appt.public_id}/" in response.content.decode()
    assert appt.start == at(clinic, monday, 8)


def test_booking_a_slot_just_taken_says_so_and_shows_a_fresh_list(
    front_desk, client_for, clinic, templated, follow_up, monday, patient
):
    factories.book(
        front_desk, factories.make_patient(front_desk), templated, start=at(clinic, monday, 8)
    )
    search = (
        f"visit_type={follow_up.public_id}&date_from={monday}&date_to={monday}"
        f"&patient={patient.public_id}"
    )
    before = Appointment.objects.count()
    response = client_for(front_desk).post(
        "/availability/find/book/",
        {
            "visit_type": follow_up.public_id,
            "provider": templated.public_id,
            "location": clinic.locations.first().public_id,
            "start": at(clinic, monday, 8).isoformat(),
            "patient": patient.public_id,
            "search": search,
        },
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "that slot was just taken" in html
    assert "08:20–08:40" in html  # the fresh list
    assert Appointment.objects.count() == before


def test_no_slots_and_bad_ranges_get_clear_messages(
    front_desk, client_for, clinic, follow_up, monday
):
    client = client_for(front_desk)
    # nobody has a template: no slots
    r = client.get(
        "/availability/find/",
        {"visit_type": follow_up.public_id, "date_from": monday, "date_to": monday},
    )
    assert r.status_code == 200 and "No open slots in those dates" in r.content.decode()
    # end before start
    r = client.get(
        "/availability/find/",
        {
            "visit_type": follow_up.public_id,
            "date_from": monday,
            "date_to": monday - timedelta(days=1),
        },
    )
    assert r.status_code == 422 and "The last date is before the first date" in r.content.decode()
    # the past
    past = timezone.localdate(timezone=clinic.tz) - timedelta(days=5)
    r = client.get(
        "/availability/find/",
        {"visit_type": follow_up.public_id, "date_from": past, "date_to": past},
    )
    assert r.status_code == 422 and "in the past" in r.content.decode()
    # nonsense
    r = client.get(
        "/availability/find/", {"visit_type": "nope", "date_from": "31/31/2027", "date_to": "x"}
    )
    assert r.status_code == 422
    assert (
        "That visit type is not offered here" in r.content.decode()
        or "YYYY-MM-DD" in r.content.decode()
    )


def test_search_without_patient_offers_no_book_button(
    front_desk, client_for, templated, follow_up, monday
):
    r = client_for(front_desk).get(
        "/availability/find/",
        {"visit_type": follow_up.public_id, "date_from": monday, "date_to": monday},
    )
    html = r.content.decode()
    assert "Choose a patient to book" in html and ">Book</button>" not in html


def test_search_query_count_is_bounded(
    front_desk,
    client_for,
    clinic,
    templated,
    follow_up,
    monday,
    patient,
    django_assert_max_num_queries,
):
    for h in (9, 10, 11):
        factories.book(front_desk, patient, templated, start=at(clinic, monday, h))
    client = client_for(front_desk)
    with django_assert_max_num_queries(25):
        r = client.get(
            "/availability/find/",
            {
                "visit_type": follow_up.public_id,
                "date_from": monday,
                "date_to": monday + timedelta(days=60),
                "patient": patient.public_id,
            },
        )
    assert r.status_code == 200


def test_template_page_adds_and_refuses_overlapping_sessions(
    clinic_admin, client_for, clinic, templated
):
    client = client_for(clinic_admin)
    loc = clinic.locations.first()
    url = f"/availability/providers/{templated.public_id}/sessions/"
    # an overlapping session is refused in place
    r = client.post(
        url, {"location": loc.public_id, "weekday": 0, "start_time": "11:00", "end_time": "14:00"}
    )
    assert r.status_code == 422 and "overlaps the 08:00–12:00 session" in r.content.decode()
    # an end before the start
    r = client.post(
        url, {"location": loc.public_id, "weekday": 5, "start_time": "11:00", "end_time": "10:00"}
    )
    assert r.status_code == 422 and "must end after it starts" in r.content.decode()
    # a Saturday morning is added
    r = client.post(
        url, {"location": loc.public_id, "weekday": 5, "start_time": "09:00", "end_time": "12:00"}
    )
    assert r.status_code == 302
    page = client.get(f"/availability/providers/{templated.public_id}/").content.decode()
    assert "09:00–12:00" in page and "Saturday" in page


def test_exception_form_errors(clinic_admin, client_for, clinic, templated, monday):
    client = client_for(clinic_admin)
    url = f"/availability/providers/{templated.public_id}/exceptions/"
    r = client.post(url, {"kind": "extra", "start_date": monday.isoformat()})
    assert r.status_code == 422 and "An extra session needs its hours" in r.content.decode()
    r = client.post(
        url, {"kind": "time_off", "start_date": monday.isoformat(), "start_time": "10:00"}
    )
    assert r.status_code == 422 and "Give both a start and an end time" in r.content.decode()
    assert not AvailabilityException.objects.exists()


def test_load_us_holidays_button(clinic_admin, client_for):
    client = client_for(clinic_admin)
    r = client.post("/availability/holidays/load/", {"year": "2027"})
    assert r.status_code == 302
    names = set(ClinicHoliday.objects.filter(date__year=2027).values_list("name", flat=True))
    assert {"Independence Day", "Thanksgiving Day", "Christmas Day"} <= names
    n = ClinicHoliday.objects.count()
    client.post("/availability/holidays/load/", {"year": "2027"})
    assert ClinicHoliday.objects.count() == n  # loading twice adds nothing
    page = client.get("/availability/holidays/?year=2027").content.decode()
    assert "Load US holidays for 2027" in page and "Thanksgiving Day" in page
    r = client.post("/availability/holidays/load/", {"year": "1066"})
    assert r.status_code == 422 and ClinicHoliday.objects.count() == n


def test_search_without_a_visit_type_says_so_in_place(front_desk, client_for, monday):
    r = client_for(front_desk).get(
        "/availability/find/",
        {"visit_type": "", "date_from": monday, "date_to": monday},
        headers={"HX-Request": "true"},
    )
    html = r.content.decode()
    assert r.status_code == 422
    assert "Choose a visit type." in html and "<html" not in html
