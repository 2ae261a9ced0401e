"""The clinic day in a real browser, each step by the role that does it at a real front desk:
the front desk registers and books, checks the patient in; the medical assistant rooms them
with vitals; the physician starts the visit; the front desk checks them out."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from medassist.frontdesk.models import CheckIn, Checkout
from medassist.intake.models import Rooming, Vitals
from medassist.patients.models import Patient
from medassist.scheduling.models import Appointment, Status
from tests.browser_support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _board_row(page, last_name: str):
    return page.locator("#board-rows tr", has_text=last_name)


def test_register_book_check_in_room_start_and_check_out(
    page, front_desk, medical_assistant, physician, provider
):
    clinic = front_desk.clinic
    today = timezone.localdate(timezone=clinic.tz)

    # given the front desk registers a new patient
    login(page, "frontdesk")
    page.goto("/patients/new/")
    page.get_by_role("textbox", name="First name", exact=True).fill("Imani")
    page.get_by_role("textbox", name="Last name", exact=True).fill("Castellanos")
    page.get_by_role("textbox", name="Date of birth", exact=True).fill("1988-04-19")
    page.get_by_role("combobox", name="Sex assigned at birth").select_option("F")
    page.get_by_role("textbox", name="Mobile phone").fill("(617) 555-0142")
    page.get_by_role("combobox", name="Payer").select_option(index=1)
    page.get_by_role("textbox", name="Member id").fill("XKJ448812")
    page.get_by_role("button", name="Register patient").click()
    expect(page.get_by_role("heading", name=re.compile("Castellanos, Imani"))).to_be_visible()
    patient = Patient.objects.get(last_name="Castellanos")

    # when they book her for today with the physician, from her page
    page.get_by_role("link", name="Book appointment").click()
    providers = page.get_by_label("Provider")
    providers.select_option(providers.locator("option", has_text="Osler").get_attribute("value"))
    page.get_by_label("Visit type").select_option(index=1)
    page.get_by_label("Date").fill(today.isoformat())
    page.get_by_label(re.compile("Start time")).fill("08:00")
    page.get_by_role("button", name="Book visit").click()
    page.wait_for_load_state("networkidle")
    appt = Appointment.objects.get(patient=patient)
    assert appt.status == Status.BOOKED

    # and check her in from the flow board, collecting the copay
    page.goto("/desk/board/")
    _board_row(page, "Castellanos").get_by_role("link", name="Check in").click()
    page.get_by_label("Demographics confirmed with the patient").check()
    page.get_by_label("Amount collected now").fill("25.00")
    page.get_by_label("Payment method").select_option("card")
    page.get_by_role("button", name="Check in").click()
    page.wait_for_load_state("networkidle")
    assert CheckIn.objects.filter(appointment=appt).exists()
    expect(_board_row(page, "Castellanos")).to_contain_text("Arrived")

    # then the medical assistant rooms her with vitals and her reason for the visit
    login(page, "ma")
    page.goto("/desk/board/")
    _board_row(page, "Castellanos").get_by_role("link", name="Room").click()
    page.get_by_label("Room", exact=True).select_option(index=1)
    page.get_by_label(re.compile("Reason for visit")).fill("My cough won't go away")
    page.get_by_label(re.compile("BP systolic")).fill("128")
    page.get_by_label(re.compile("BP diastolic")).fill("82")
    page.get_by_label(re.compile("^Pulse")).fill("76")
    page.get_by_label("Temperature", exact=True).fill("98.9")
    page.get_by_label(re.compile("^SpO2")).fill("97")
    page.get_by_role("button", name="Room patient").click()
    page.wait_for_load_state("networkidle")
    rooming = Rooming.objects.get(appointment=appt)
    assert rooming.reason_for_visit == "My cough won't go away"
    vitals = Vitals.objects.get(appointment=appt)
    assert (vitals.bp_systolic, vitals.bp_diastolic, vitals.pulse) == (128, 82, 76)

    # and the physician sees her first on the worklist and starts the visit
    login(page, "doctor")
    page.goto("/intake/worklist/")
    first = page.locator("[data-appointment]").first
    expect(first).to_contain_text("Castellanos")
    first.get_by_role("button", name="Start visit").click()
    page.wait_for_load_state("networkidle")
    appt.refresh_from_db()
    assert appt.status == Status.WITH_PROVIDER

    # and the front desk checks her out
    login(page, "frontdesk")
    page.goto("/desk/board/")
    _board_row(page, "Castellanos").get_by_role("link", name="Check out").click()
    page.get_by_role("button", name="Check out").click()
    page.wait_for_load_state("networkidle")

    appt.refresh_from_db()
    assert appt.status == Status.CHECKED_OUT
    assert Checkout.objects.filter(appointment=appt).exists()
    steps = list(appt.changes.values_list("to_status", "by__username"))
    assert steps == [
        (Status.BOOKED, "frontdesk"),
        (Status.ARRIVED, "frontdesk"),
        (Status.ROOMED, "ma"),
        (Status.WITH_PROVIDER, "doctor"),
        (Status.CHECKED_OUT, "frontdesk"),
    ]
