"""Patient sign-in without staff: a code through the reminders queue, the same answer for
everyone, rate limits, code rules, and the patient session that opens the patient's page."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.portal.models import PortalSettings, SignInCode
from medassist.portal.signin import SENT, SESSION_COOKIE
from medassist.reminders.models import Message
from medassist.scheduling.selectors import clinic_today
from tests import factories
from tests.availability.conftest import add_session

ASK = "/portal/c/{clinic}/sign-in/"
CODE = "/portal/c/{clinic}/sign-in/code/"


@pytest.fixture
def portal(clinic, provider):
    """Online booking on; the cast's provider works 08–17 every day."""
    for weekday in range(7):
        add_session(clinic, provider, weekday, (8, 0), (17, 0))
    return PortalSettings.objects.create(clinic=clinic, enabled=True)


def book(actor, patient, provider, days: int = 2, hour: int = 9):
    day = clinic_today(patient.clinic) + timedelta(days=days)
    start = datetime.combine(day, time(hour), tzinfo=patient.clinic.tz)
    return factories.book(actor, patient, provider, start=start)


def ask(client, clinic, patient, *, contact=None, addr="10.0.0.1", **extra):
    data = {
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "contact": contact if contact is not None else patient.email,
        **extra,
    }
    return client.post(ASK.format(clinic=clinic.public_id), data, REMOTE_ADDR=addr)


def sent_code(patient) -> str:
    msg = Message.objects.filter(patient=patient, kind=Message.Kind.SIGN_IN_CODE).latest(
        "created_at"
    )
    return re.search(r"\b(\d{6})\b", msg.body).group(1)


def enter(client, clinic, contact, code):
    return client.post(CODE.format(clinic=clinic.public_id), {"contact": contact, "code": code})


def test_a_matching_patient_gets_a_code_through_the_reminders_queue(
    client, portal, clinic, patient
):
    # given an active patient with an e-mail on file
    # when they ask for a code with their name, birth date and e-mail
    response = ask(client, clinic, patient)
    # then the page says the neutral answer and one e-mail with a 6-digit code is queued
    assert response.status_code == 200 and SENT in response.content.decode()
    msg = Message.objects.get(patient=patient, kind=Message.Kind.SIGN_IN_CODE)
    assert msg.to == patient.email and msg.status == Message.Status.QUEUED
    code = sent_code(patient)
    row = SignInCode.objects.get(patient=patient)
    assert code not in row.code_hash and patient.email not in row.contact_key
    assert AuditEvent.objects.filter(object_type="portal.SignInCode", patient=patient).exists()


def test_unknown_and_several_matches_get_the_same_answer_and_no_message(
    client, portal, clinic, front_desk, patient
):
    # given a patient, and twins with the same name, birth date and e-mail
    twin = dict(first_name="Ann", last_name="Twin", email="twins@example.org")
    a = factories.make_patient(front_desk, **twin)
    factories.make_patient(front_desk, **twin)
    # when a stranger, the twins and the real patient ask
    stranger = ask(client, clinic, patient, contact="nobody@example.org")
    several = ask(client, clinic, a, addr="10.0.0.2")
    found = ask(client, clinic, patient, addr="10.0.0.3")
    # then the three pages are the same, and only the real patient got a message
    for r in (stranger, several, found):
        assert r.status_code == 200 and SENT in r.content.decode()
    assert stranger.context["sent"] == several.context["sent"] == found.context["sent"]
    assert list(Message.objects.values_list("patient_id", flat=True)) == [patient.pk]


def test_the_code_opens_the_patients_page_once(client, portal, clinic, patient, provider):
    # given a patient with a visit who asked for a code
    book(factories.make_user(clinic, "front_desk", "desk2"), patient, provider)
    ask(client, clinic, patient)
    code = sent_code(patient)
    # when they enter it, then enter it again from another browser
    signed_in = enter(client, clinic, patient.email, code)
    page = client.get("/portal/me/")
    again = enter(Client(), clinic, patient.email, code)
    # then the first opens their page, the reused code is refused
    assert signed_in.status_code == 302 and signed_in["Location"] == "/portal/me/"
    assert page.status_code == 200 and "Your booked visits" in page.content.decode()
    assert again.status_code == 422 and SESSION_COOKIE not in again.cookies
    assert "_auth_user_id" not in client.session  # not a staff session


def test_an_expired_code_is_refused(client, portal, clinic, patient):
    # given a code asked for more than 10 minutes ago
    ask(client, clinic, patient)
    code = sent_code(patient)
    SignInCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    # when it is entered
    response = enter(client, clinic, patient.email, code)
    # then it is refused and no session is given
    assert response.status_code == 422 and "expired" in response.content.decode()
    assert client.get("/portal/me/").status_code == 404


def test_five_wrong_codes_lock_the_code(client, portal, clinic, patient):
    # given a code sent to the patient
    ask(client, clinic, patient)
    code = sent_code(patient)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    # when a wrong code is entered five times, then the right one
    for _ in range(5):
        assert enter(client, clinic, patient.email, wrong).status_code == 422
    response = enter(client, clinic, patient.email, code)
    # then the right one no longer works; every try is audited
    assert response.status_code == 422
    assert SignInCode.objects.get().wrong_tries == 5
    assert (
        AuditEvent.objects.filter(
            object_type="portal.SignInCode", action=AuditEvent.Action.LOGIN_FAILED
        ).count()
        == 6
    )


@pytest.mark.parametrize("limit_by", ["contact", "address"])
def test_codes_are_limited_to_five_an_hour(limit_by, client, portal, clinic, patient):
    # given five codes asked for already by one contact, or from one address
    for n in range(5):
        if limit_by == "contact":
            ask(client, clinic, patient, addr=f"10.0.1.{n}")
        else:
            ask(client, clinic, patient, contact=f"other{n}@example.org")
    sent = Message.objects.count()
    # when a sixth is asked for
    response = ask(client, clinic, patient)
    # then it is refused and nothing is sent
    assert response.status_code == 429 and "Too many codes" in response.content.decode()
    assert Message.objects.count() == sent


def test_a_mobile_number_gets_a_text(client, portal, clinic, patient):
    # given a patient with a mobile number on file
    # when they ask with it, written as people do
    ask(client, clinic, patient, contact="518-555-0142")
    # then a text is queued to that number
    msg = Message.objects.get(patient=patient)
    assert msg.channel == "sms" and msg.to == patient.phone_mobile


def test_a_patient_never_sees_another_patients_visits(
    client, portal, clinic, front_desk, patient, provider
):
    # given another patient with a visit
    other = factories.make_patient(front_desk, first_name="Zed", last_name="Other")
    visit = book(front_desk, other, provider)
    # when the patient signs in and opens their page
    ask(client, clinic, patient)
    enter(client, clinic, patient.email, sent_code(patient))
    page = client.get("/portal/me/")
    # then the other patient's visit is not on it
    assert page.status_code == 200
    assert visit not in page.context["upcoming"] and "Zed" not in page.content.decode()


def test_a_forged_or_missing_session_opens_nothing(client, portal):
    # given no session, then a forged one
    # when each opens the patient page
    missing = client.get("/portal/me/")
    client.cookies[SESSION_COOKIE] = "eyJwIjoiMSJ9:forged:sig"
    forged = client.get("/portal/me/")
    # then both are refused
    assert missing.status_code == 404 and forged.status_code == 404
