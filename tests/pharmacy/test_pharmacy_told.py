"""Telling the pharmacy a refill's answer: staff send the reviewed message outside medassist
(fax, phone, e-prescribing, a printout) and record it; the queue keeps an answered request on
the "pharmacy to tell" worklist until someone does."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from medassist.audit.models import AuditEvent
from medassist.core.errors import PermissionDenied, ValidationFailed
from medassist.pharmacy import selectors, services
from medassist.pharmacy.errors import Duplicate, RefillState
from medassist.pharmacy.models import PharmacyNotice, RefillRequest
from tests.api.conftest import Api
from tests.pharmacy.test_refills import _request, prescription  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def _answered(front_desk, physician, patient, *, approve=True, **extra):
    refill = _request(front_desk, patient, **extra)
    if approve:
        services.refill_approve(actor=physician, refill=refill, quantity=30, refills=1)
    else:
        services.refill_deny(actor=physician, refill=refill, reason="Needs a visit for labs")
    refill.refresh_from_db()
    return refill


# --- the service ------------------------------------------------------------------------------


def test_recording_keeps_channel_who_when_and_the_message_as_sent_and_audits_it(
    front_desk, medical_assistant, physician, patient
):
    # given
    refill = _answered(front_desk, physician, patient)
    # when
    notice = services.refill_pharmacy_told(
        actor=medical_assistant, refill=refill, channel="fax", note="fax 518-555-0111"
    )
    # then
    assert (notice.channel, notice.sent_by, notice.note) == (
        "fax",
        medical_assistant,
        "fax 518-555-0111",
    )
    assert notice.message == refill.pharmacy_message and "APPROVED" in notice.message
    assert abs(notice.sent_at - timezone.now()) < timedelta(minutes=1)
    event = AuditEvent.objects.get(object_id=str(notice.public_id))
    assert event.action == "create" and event.patient_id == patient.pk
    assert event.detail["channel"] == "fax" and event.detail["refill"] == str(refill.public_id)


def test_a_time_given_is_kept_and_may_not_be_in_the_future_or_before_the_answer(
    front_desk, medical_assistant, physician, patient
):
    # given: answered an hour ago
    refill = _answered(front_desk, physician, patient, approve=False)
    RefillRequest.objects.filter(pk=refill.pk).update(
        decided_at=timezone.now() - timedelta(hours=1)
    )
    refill.refresh_from_db()
    # when / then
    with pytest.raises(ValidationFailed, match="future"):
        services.refill_pharmacy_told(
            actor=medical_assistant,
            refill=refill,
            channel="phone",
            sent_at=timezone.now() + timedelta(hours=1),
        )
    with pytest.raises(ValidationFailed, match="before the prescriber"):
        services.refill_pharmacy_told(
            actor=medical_assistant,
            refill=refill,
            channel="phone",
            sent_at=refill.decided_at - timedelta(minutes=1),
        )
    assert not PharmacyNotice.objects.exists()
    at = refill.decided_at + timedelta(minutes=10)
    notice = services.refill_pharmacy_told(
        actor=medical_assistant, refill=refill, channel="phone", sent_at=at
    )
    assert notice.sent_at == at and "DENIED" in notice.message


def test_it_is_recorded_once(front_desk, medical_assistant, physician, patient):
    refill = _answered(front_desk, physician, patient)
    services.refill_pharmacy_told(actor=medical_assistant, refill=refill, channel="erx")
    with pytest.raises(Duplicate, match="already"):
        services.refill_pharmacy_told(actor=front_desk, refill=refill, channel="fax")
    assert PharmacyNotice.objects.count() == 1


@pytest.mark.parametrize(
    "case,error",
    [("open", RefillState), ("no pharmacy", ValidationFailed), ("bad channel", ValidationFailed)],
)
def test_nothing_to_tell_or_bad_input_records_nothing(
    front_desk, medical_assistant, physician, patient, case, error
):
    # given
    if case == "open":
        refill = _request(front_desk, patient)
    elif case == "no pharmacy":
        refill = _answered(front_desk, physician, patient, pharmacy_text="")
    else:
        refill = _answered(front_desk, physician, patient)
    channel = "carrier pigeon" if case == "bad channel" else "fax"
    # when / then
    with pytest.raises(error):
        services.refill_pharmacy_told(actor=medical_assistant, refill=refill, channel=channel)
    assert not PharmacyNotice.objects.exists()


@pytest.mark.parametrize("role", ["biller", "clinic_admin"])
def test_roles_that_do_not_tell_pharmacies_are_refused(cast, front_desk, physician, patient, role):
    refill = _answered(front_desk, physician, patient)
    with pytest.raises(PermissionDenied):
        services.refill_pharmacy_told(actor=cast[role], refill=refill, channel="fax")
    assert not PharmacyNotice.objects.exists()


def test_another_clinics_staff_cannot_record_it(
    front_desk, physician, patient, other_clinic_physician
):
    refill = _answered(front_desk, physician, patient)
    with pytest.raises(ValidationFailed):
        services.refill_pharmacy_told(actor=other_clinic_physician, refill=refill, channel="fax")
    assert not PharmacyNotice.objects.exists()


# --- the worklist -----------------------------------------------------------------------------


def test_the_worklist_holds_answered_requests_whose_pharmacy_is_untold(
    front_desk, medical_assistant, physician, patient
):
    # given
    still_open = _request(front_desk, patient)
    approved = _answered(front_desk, physician, patient)
    denied = _answered(front_desk, physician, patient, approve=False)
    no_pharmacy = _answered(front_desk, physician, patient, pharmacy_text="")
    told = _answered(front_desk, physician, patient)
    services.refill_pharmacy_told(actor=medical_assistant, refill=told, channel="phone")
    # when
    rows = list(selectors.pharmacy_to_tell(user=medical_assistant))
    # then
    assert rows == [approved, denied]
    assert still_open not in rows and no_pharmacy not in rows and told not in rows
    assert selectors.pharmacy_to_tell_count(user=front_desk) == 2


def test_another_clinics_worklist_does_not_show_them(
    front_desk, physician, patient, other_clinic_physician
):
    _answered(front_desk, physician, patient)
    assert list(selectors.pharmacy_to_tell(user=other_clinic_physician)) == []


def test_the_queue_page_filters_to_pharmacy_to_tell(
    client_for, front_desk, medical_assistant, physician, patient, django_assert_max_num_queries
):
    # given
    waiting = _answered(front_desk, physician, patient)
    told = _answered(front_desk, physician, patient, medication_text="atorvastatin 20 mg")
    services.refill_pharmacy_told(actor=medical_assistant, refill=told, channel="fax")
    client = client_for(medical_assistant)
    # when
    with django_assert_max_num_queries(20):
        page = client.get("/pharmacy/refills/?show=pharmacy")
    # then
    html = page.content.decode()
    assert page.status_code == 200
    assert f"/pharmacy/refills/{waiting.public_id}/" in html
    assert f"/pharmacy/refills/{told.public_id}/" not in html
    assert "Pharmacy to tell (1)" in html
    assert "Pharmacy to tell (1)" in client.get("/pharmacy/refills/").content.decode()


# --- the refill page --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,status",
    [
        ("front_desk", 302),
        ("medical_assistant", 302),
        ("physician", 302),
        ("clinic_admin", 403),
        ("biller", 403),
        ("other_clinic_physician", 404),
        (None, 302),
    ],
)
def test_who_may_record_it_on_the_refill_page(
    client_for, cast, front_desk, physician, patient, role, status
):
    # given
    refill = _answered(front_desk, physician, patient)
    url = f"/pharmacy/refills/{refill.public_id}/"
    # when
    response = client_for(cast[role] if role else None).post(
        url, {"action": "pharmacy_told", "channel": "fax", "note": "to Sam"}
    )
    # then
    assert response.status_code == status
    told = PharmacyNotice.objects.filter(refill=refill).exists()
    assert told is (role in {"front_desk", "medical_assistant", "physician"})
    if role is None:
        assert "/login/" in response["Location"]


def test_the_page_offers_the_action_then_shows_who_told_when_in_the_clinic_zone(
    client_for, front_desk, medical_assistant, physician, patient, clinic
):
    # given
    refill = _answered(front_desk, physician, patient)
    client = client_for(medical_assistant)
    url = f"/pharmacy/refills/{refill.public_id}/"
    before = client.get(url).content.decode()
    assert 'id="pharmacy-told-form"' in before and "Pharmacy to tell" in before
    assert f"/pharmacy/refills/{refill.public_id}/fax.pdf" in before
    # when: sent at 09:15 clinic time, typed as the clinic's local time
    local = refill.decided_at.astimezone(clinic.tz) + timedelta(minutes=5)
    response = client.post(
        url,
        {"action": "pharmacy_told", "channel": "phone", "sent_at": f"{local:%Y-%m-%dT%H:%M}"},
    )
    # then
    assert response.status_code == 302
    notice = PharmacyNotice.objects.get()
    assert notice.sent_at == local.replace(second=0, microsecond=0)
    after = client.get(url).content.decode()
    assert 'id="pharmacy-told-form"' not in after
    assert f"Phone call on {local:%b} {local.day}, {local:%Y %H:%M}" in after
    assert medical_assistant.display_name in after


def test_a_bad_record_says_why_and_saves_nothing(
    client_for, front_desk, medical_assistant, physician, patient
):
    refill = _answered(front_desk, physician, patient)
    response = client_for(medical_assistant).post(
        f"/pharmacy/refills/{refill.public_id}/", {"action": "pharmacy_told", "channel": ""}
    )
    assert response.status_code == 422
    assert not PharmacyNotice.objects.exists()


def test_the_fax_sheet_holds_the_message_for_the_pharmacy(
    client_for, cast, front_desk, physician, patient
):
    # given
    refill = _answered(front_desk, physician, patient)
    url = f"/pharmacy/refills/{refill.public_id}/fax.pdf"
    # when
    response = client_for(cast["medical_assistant"]).get(url)
    # then
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Main St Pharmacy" in text and "APPROVED" in text and "CONFIDENTIAL" in text
    assert client_for(cast["biller"]).get(url).status_code == 403
    assert client_for(cast["other_clinic_physician"]).get(url).status_code == 404


# --- the API ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,status",
    [
        ("front_desk", 201),
        ("medical_assistant", 201),
        ("physician", 201),
        ("clinic_admin", 403),
        ("biller", 403),
        ("other_clinic_physician", 404),
        (None, 401),
    ],
)
def test_the_api_records_it_for_the_same_roles(cast, front_desk, physician, patient, role, status):
    # given
    refill = _answered(front_desk, physician, patient)
    # when
    response = Api(cast[role] if role else None).post(
        f"/api/pharmacy/refills/{refill.public_id}/pharmacy-told", {"channel": "erx"}
    )
    # then
    assert response.status_code == status, response.content
    assert PharmacyNotice.objects.filter(refill=refill).exists() is (status == 201)
    if status == 201:
        body = response.json()
        assert body["channel"] == "erx" and "APPROVED" in body["message"]
        listed = Api(cast[role]).get("/api/pharmacy/refills?include_closed=true").json()
        assert listed[0]["pharmacy_told"]["id"] == body["id"]
        assert listed[0]["pharmacy_to_tell"] is False


def test_the_api_lists_the_pharmacy_to_tell(front_desk, medical_assistant, physician, patient):
    refill = _answered(front_desk, physician, patient)
    rows = Api(medical_assistant).get("/api/pharmacy/refills?pharmacy_to_tell=true").json()
    assert [r["id"] for r in rows] == [str(refill.public_id)]
    assert rows[0]["pharmacy_to_tell"] is True and rows[0]["pharmacy_told"] is None
