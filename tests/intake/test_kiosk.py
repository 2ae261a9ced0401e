"""Kiosk self check-in: the tablet unlocked by staff, identification that reveals nothing
(the same answer for no match and for several), demographics, insurance with card photos,
consents, check-in on the flow board, the due questionnaires."""

from __future__ import annotations

import io
from datetime import datetime, time

import pytest
from django.test import Client
from PIL import Image

from medassist.intake.models import ConsentSignature, KioskCheckIn
from medassist.intake.services.kiosk import NO_MATCH
from medassist.practice.models import Location
from medassist.scheduling.selectors import clinic_today
from tests import factories


@pytest.fixture
def visit_today(clinic, front_desk, provider):
    start = datetime.combine(clinic_today(clinic), time(23, 0), tzinfo=clinic.tz)
    who = factories.make_patient(
        front_desk, first_name="Kim", last_name="Tablet", phone_mobile="(518) 555-0199"
    )
    factories.add_coverage(front_desk, who)
    return factories.book(front_desk, who, provider, start=start)


@pytest.fixture
def tablet(client_for, front_desk, clinic):
    staff = client_for(front_desk)
    location = Location.objects.filter(clinic=clinic).first()
    reply = staff.post("/intake/kiosk/unlock/", {"location": str(location.public_id)})
    assert reply.status_code == 302
    device = Client()
    device.cookies["medassist_kiosk"] = reply.cookies["medassist_kiosk"].value
    # the staff member's own session ended on that device
    assert staff.get("/intake/questionnaires/").status_code == 302
    return device


def _identify(device, **over):
    data = {
        "first_name": "kim",
        "last_name": "TABLET",
        "born": "1980-05-17",
        "phone": "518-555-0199",
    }
    data.update(over)
    return device.post("/intake/kiosk/", data)


def _photo() -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", (40, 25), "white").save(buf, "JPEG")
    buf.seek(0)
    buf.name = "card.jpg"
    return buf


def test_a_locked_tablet_shows_nothing(client, db):
    reply = client.get("/intake/kiosk/")
    assert reply.status_code == 403 and b"not in check-in mode" in reply.content
    client.cookies["medassist_kiosk"] = "forged"
    assert client.get("/intake/kiosk/").status_code == 403


def test_only_staff_with_permission_unlock(client_for, biller, medical_assistant):
    assert client_for(biller).get("/intake/kiosk/unlock/").status_code == 403
    assert client_for(medical_assistant).get("/intake/kiosk/unlock/").status_code == 200


def test_no_match_and_several_matches_get_the_same_answer(tablet, visit_today, front_desk):
    wrong = _identify(tablet, phone="518-555-0000")
    twin = factories.make_patient(
        front_desk, first_name="Kim", last_name="Tablet", phone_mobile="(518) 555-0199"
    )
    assert twin.pk
    several = _identify(tablet)
    assert wrong.status_code == several.status_code == 200
    for reply in (wrong, several):
        assert NO_MATCH.encode() in reply.content
        assert b"Kim Tablet" not in reply.content.replace(b'value="kim"', b"")
    assert not KioskCheckIn.objects.exists()


def test_no_visit_today_is_no_match(tablet, front_desk):
    factories.make_patient(
        front_desk, first_name="Kim", last_name="Tablet", phone_mobile="(518) 555-0199"
    )
    assert NO_MATCH.encode() in _identify(tablet).content


def test_full_check_in_updates_the_board(tablet, visit_today, client_for, front_desk):
    assert _identify(tablet).status_code == 302
    page = tablet.get("/intake/kiosk/visit/")
    assert b"Is this information right?" in page.content and b"12 Elm St" in page.content
    assert (
        tablet.post("/intake/kiosk/visit/", {"step": "demographics", "correct": "yes"}).status_code
        == 302
    )
    page = tablet.get("/intake/kiosk/visit/")
    assert b'capture="environment"' in page.content
    reply = tablet.post(
        "/intake/kiosk/visit/", {"step": "insurance", "answer": "same", "card_front": _photo()}
    )
    assert reply.status_code == 302
    page = tablet.get("/intake/kiosk/visit/")
    assert b"Forms to sign" in page.content
    from medassist.intake.models import ConsentForm

    ids = [str(f.public_id) for f in ConsentForm.objects.filter(clinic=visit_today.clinic)]
    bad = tablet.post(
        "/intake/kiosk/visit/", {"step": "consent", "form": ids, "signed_name": "Someone Else"}
    )
    assert bad.status_code == 422 and b"full name" in bad.content
    ok = tablet.post(
        "/intake/kiosk/visit/", {"step": "consent", "form": ids, "signed_name": "Kim Tablet"}
    )
    assert ok.status_code == 302
    assert ConsentSignature.objects.filter(patient=visit_today.patient).count() == len(ids)
    visit_today.refresh_from_db()
    assert visit_today.status == "arrived"
    row = KioskCheckIn.objects.get()
    assert row.checked_in and row.card_front.name.endswith(".jpg")
    forms_page = tablet.get("/intake/kiosk/visit/")
    assert b"Visit intake" in forms_page.content and b"I&#x27;m finished" in forms_page.content
    board = client_for(front_desk).get("/desk/board/")
    assert b"Tablet" in board.content
    finished = tablet.post("/intake/kiosk/done/")
    assert b"You are checked in" in finished.content
    assert tablet.get("/intake/kiosk/visit/").status_code == 302  # the next patient starts over


def test_changed_insurance_goes_to_the_desk(tablet, visit_today):
    _identify(tablet)
    tablet.post("/intake/kiosk/visit/", {"step": "demographics", "correct": "yes"})
    missing = tablet.post("/intake/kiosk/visit/", {"step": "insurance", "answer": "changed"})
    assert missing.status_code == 422
    bad_file = io.BytesIO(b"%PDF-1.4 not an image")
    bad_file.name = "card.jpg"
    refused = tablet.post(
        "/intake/kiosk/visit/", {"step": "insurance", "answer": "changed", "card_front": bad_file}
    )
    assert refused.status_code == 422 and b"JPEG" in refused.content
    tablet.post(
        "/intake/kiosk/visit/", {"step": "insurance", "answer": "changed", "card_front": _photo()}
    )
    from medassist.intake.models import ConsentForm

    ids = [str(f.public_id) for f in ConsentForm.objects.filter(clinic=visit_today.clinic)]
    tablet.post(
        "/intake/kiosk/visit/", {"step": "consent", "form": ids, "signed_name": "kim tablet"}
    )
    row = KioskCheckIn.objects.get()
    visit_today.refresh_from_db()
    assert row.needs_desk and not row.checked_in and visit_today.status == "booked"
