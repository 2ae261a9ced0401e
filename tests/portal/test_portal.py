"""Patient self-booking through the clinic's signed link: the clinic's rules, open slots from
the availability search, the same booking services, and the desk's "Booked online" list."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.core import signing
from django.urls import reverse

from medassist.audit.models import AuditEvent
from medassist.availability.services import provider_age_rule_save
from medassist.portal.models import PortalSettings
from medassist.portal.selectors import LINK_SALT, portal_user
from medassist.portal.services import portal_link_make
from medassist.practice.models import VisitType
from medassist.scheduling.models import Appointment
from medassist.scheduling.selectors import clinic_today
from tests.availability.conftest import add_session
from tests.factories import book

FOOTER = "For medical questions call the clinic. In an emergency call 911."


@pytest.fixture
def portal(clinic, provider):
    settings = PortalSettings.objects.create(
        clinic=clinic, enabled=True, min_days_ahead=1, max_days_ahead=30, link_valid_days=14
    )
    follow_up = VisitType.objects.get(clinic=clinic, code="follow-up")
    settings.visit_types.add(follow_up)
    for weekday in range(7):
        add_session(clinic, provider, weekday, (9, 0), (12, 0))
    return settings


@pytest.fixture
def link(portal, front_desk, patient):
    return portal_link_make(actor=front_desk, patient=patient)


def follow_up(clinic):
    return VisitType.objects.get(clinic=clinic, code="follow-up")


def first_slot(client, link, clinic):
    response = client.get(link, {"visit_type": follow_up(clinic).public_id})
    return response.context["slots"][0]


def test_the_link_opens_the_booking_page_without_login(client, link, patient):
    response = client.get(link)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Follow-up" in html
    assert FOOTER in html
    assert response["Cache-Control"] == "no-store"


def test_open_times_come_from_the_availability_search_within_the_clinics_window(
    client, link, clinic
):
    response = client.get(link, {"visit_type": follow_up(clinic).public_id})
    slots = response.context["slots"]
    assert slots
    today = clinic_today(clinic)
    for s in slots:
        local = s.start.astimezone(clinic.tz)
        assert today + timedelta(days=1) <= local.date() <= today + timedelta(days=30)
        assert 9 <= local.hour < 12


def test_booking_an_open_time_books_through_the_same_services_and_tells_the_desk(
    client, link, clinic, patient, front_desk, client_for
):
    # given
    slot = first_slot(client, link, clinic)
    # when
    response = client.post(link, {"visit_type": follow_up(clinic).public_id, "slot": slot.key})
    # then
    assert response.status_code == 201
    assert "You are booked" in response.content.decode()
    appt = Appointment.objects.get(patient=patient)
    assert appt.booked_online is True and appt.start == slot.start
    assert appt.changes.get().by == portal_user(clinic)
    assert AuditEvent.objects.filter(
        object_id=str(appt.public_id), detail__channel="portal"
    ).exists()
    desk = client_for(front_desk).get(reverse("portal:desk")).content.decode()
    assert "Booked online" in desk and patient.display_name in desk
    calendar = client_for(front_desk).get(
        "/schedule/calendar/",
        {"date": appt.start.astimezone(clinic.tz).date().isoformat()},
    )
    assert "Booked online" in calendar.content.decode()


def test_a_time_someone_just_took_is_refused_cleanly(
    client, link, clinic, patient, provider, front_desk
):
    from tests import factories

    slot = first_slot(client, link, clinic)
    book(front_desk, factories.make_patient(front_desk), provider, start=slot.start)
    before = Appointment.objects.count()
    response = client.post(link, {"visit_type": follow_up(clinic).public_id, "slot": slot.key})
    assert response.status_code == 409
    assert "Choose another" in response.content.decode()
    assert Appointment.objects.count() == before


@pytest.mark.parametrize(
    "slot_key,message",
    [
        ("garbage", "Choose one of the open times shown."),
        ("a|b|c", "Choose one of the open times shown."),
    ],
)
def test_bad_slot_keys_are_refused(client, link, clinic, slot_key, message):
    response = client.post(link, {"visit_type": follow_up(clinic).public_id, "slot": slot_key})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Appointment.objects.count() == 0


def test_a_time_outside_the_clinics_window_is_refused(client, link, clinic, provider):
    slot = first_slot(client, link, clinic)
    far = slot.start + timedelta(days=60)
    key = f"{provider.public_id}|{slot.location.public_id}|{far.isoformat()}"
    response = client.post(link, {"visit_type": follow_up(clinic).public_id, "slot": key})
    assert response.status_code == 422
    assert "Online booking is open from" in response.content.decode()
    assert Appointment.objects.count() == 0


def test_a_visit_type_the_clinic_did_not_open_is_refused(client, link, clinic):
    new_patient = VisitType.objects.get(clinic=clinic, code="new")
    response = client.get(link, {"visit_type": new_patient.public_id})
    assert "Choose one of the visit types listed." in response.content.decode()
    response = client.post(link, {"visit_type": new_patient.public_id, "slot": "x"})
    assert Appointment.objects.count() == 0


@pytest.mark.parametrize("mangle", [lambda t: t[:-3] + "abc", lambda t: "nonsense"])
def test_an_altered_link_is_not_found(client, link, mangle):
    token = link.rstrip("/").split("/")[-1]
    response = client.get(reverse("portal:book", args=[mangle(token)]))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()
    assert FOOTER in response.content.decode()


def test_an_expired_link_says_so(client, portal, patient, clinic):
    old = (clinic_today(clinic) - timedelta(days=20)).isoformat()
    token = signing.dumps(
        {"p": str(patient.public_id), "c": str(clinic.public_id), "d": old}, salt=LINK_SALT
    )
    response = client.get(reverse("portal:book", args=[token]))
    assert response.status_code == 404
    assert "expired" in response.content.decode()


def test_turned_off_online_booking_says_call_the_clinic(client, link, portal, clinic):
    portal.enabled = False
    portal.save()
    response = client.get(link, {"visit_type": follow_up(clinic).public_id})
    assert "Online booking is not available" in response.content.decode()
    assert FOOTER in response.content.decode()


def test_the_portal_account_cannot_log_in(clinic, client):
    user = portal_user(clinic)
    assert not user.has_usable_password()


def test_the_page_asks_no_medical_questions(client, link):
    html = client.get(link).content.decode().lower()
    for word in ("symptom", "reason for visit", "diagnos", "medication"):
        assert word not in html


# ---------------------------------------------------------------------------- the desk


@pytest.mark.parametrize(
    "role,get_status,post_status",
    [
        ("anonymous", 302, 302),
        ("front_desk", 200, 200),
        ("medical_assistant", 200, 200),
        ("physician", 200, 403),
        ("biller", 200, 403),
        ("clinic_admin", 200, 200),
    ],
)
def test_desk_role_matrix(role, get_status, post_status, actor, client_for, portal, patient):
    client = client_for(actor(role))
    assert client.get(reverse("portal:desk")).status_code == get_status
    events = AuditEvent.objects.filter(object_type="portal.BookingLink").count()
    response = client.post(reverse("portal:desk"), {"mrn": patient.mrn})
    assert response.status_code == post_status
    made = AuditEvent.objects.filter(object_type="portal.BookingLink").count() - events
    assert made == (1 if post_status == 200 else 0)
    if post_status == 200:
        assert "/portal/b/" in response.content.decode()


def test_desk_link_for_an_unknown_mrn_is_refused(client_for, front_desk, portal):
    response = client_for(front_desk).post(reverse("portal:desk"), {"mrn": "NOPE"})
    assert response.status_code == 422
    assert "no patient with MRN" in response.content.decode()


def test_no_link_while_online_booking_is_off(client_for, front_desk, patient, clinic):
    response = client_for(front_desk).post(reverse("portal:desk"), {"mrn": patient.mrn})
    assert response.status_code == 422
    assert "turned off" in response.content.decode()


# ---------------------------------------------------------------------------- API


@pytest.mark.parametrize(
    "role,list_status,link_status",
    [
        ("anonymous", 401, 401),
        ("front_desk", 200, 201),
        ("physician", 200, 403),
        ("biller", 200, 403),
        ("clinic_admin", 200, 201),
    ],
)
def test_portal_api_role_matrix(role, list_status, link_status, actor, portal, patient):
    from tests.api.conftest import Api

    api = Api(actor(role))
    assert api.get("/api/portal/bookings").status_code == list_status
    events = AuditEvent.objects.filter(object_type="portal.BookingLink").count()
    response = api.post("/api/portal/links", {"patient": str(patient.public_id)})
    assert response.status_code == link_status, response.content
    made = AuditEvent.objects.filter(object_type="portal.BookingLink").count() - events
    assert made == (1 if link_status == 201 else 0)
    if link_status == 201:
        assert "/portal/b/" in response.json()["url"]


def test_the_portal_offers_an_adult_no_time_with_the_pediatrician(
    client, link, clinic, clinic_admin, provider, patient
):
    # given the clinic's provider who sees only patients under 18, and an adult patient
    provider_age_rule_save(actor=clinic_admin, provider=provider, max_age=18)
    # when the adult opens their link and asks for follow-up times
    response = client.get(link, {"visit_type": follow_up(clinic).public_id})
    # then no time is offered, and posting a time with that provider is refused with why
    assert response.context["slots"] == []
    start = clinic_today(clinic) + timedelta(days=2)
    key = f"{provider.public_id}|{clinic.locations.get().public_id}|"
    key += datetime.combine(start, time(9, 0), tzinfo=clinic.tz).isoformat()
    refused = client.post(link, {"visit_type": follow_up(clinic).public_id, "slot": key})
    assert refused.status_code == 422
    assert "sees patients under 18" in refused.content.decode()
    assert not Appointment.objects.filter(patient=patient).exists()
