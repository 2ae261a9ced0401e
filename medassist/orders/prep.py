"""Preparation instructions per test (e.g. fasting before a lipid panel) reach the patient's
visit reminders: the clinic writes them in intake (`PrepInstruction` with a LOINC or order
code), orders knows which tests are waiting for collection. Orders sits above intake and
reminders, so it reads intake's `prep_for_tests` and registers a reminder extra and a prep
extra (`core.extensions`) at start-up: the reminders and the patient's forms page (link,
portal, tablet) carry them; neither lower app imports orders."""

from __future__ import annotations

from medassist.intake.selectors import prep_for_tests
from medassist.orders.models import Order, OrderTest


def order_prep(order: Order) -> list:
    """The clinic's instructions for the tests of one order (LOINC or the lab's order code)."""
    codes: set[str] = set()
    for t in OrderTest.objects.filter(order=order).select_related("test"):
        codes.update({t.loinc, t.test.order_code})
    return prep_for_tests(clinic=order.clinic, codes=sorted(c for c in codes if c))


def pending_tests_prep(appointment) -> list:
    """The clinic's instructions for the patient's lab tests still waiting for their specimen
    (ordered, not cancelled or collected), for a visit's forms page and reminders."""
    tests = OrderTest.objects.filter(
        order__patient_id=appointment.patient_id,
        order__clinic_id=appointment.clinic_id,
        order__kind=Order.Kind.LAB,
        order__status=Order.Status.ORDERED,
    ).select_related("test")
    codes = sorted({c for t in tests for c in (t.loinc, t.test.order_code) if c})
    if not codes:
        return []
    return prep_for_tests(clinic=appointment.clinic, codes=codes)


def pending_tests_prep_text(appointment) -> str:
    """The same as reminder text (plain, "" for none)."""
    return "\n\n".join(f"{p.title}:\n{p.body.strip()}" for p in pending_tests_prep(appointment))
