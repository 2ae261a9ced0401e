"""Demo orders: the demo compendium (orders/data/demo_compendium.json), a few orders in
every state (a draw due today, an overdue TSH, a scheduled X-ray, an overdue referral), a
resulted lipid panel waiting for Dr. Chen's review with an earlier one for the trend, an
unmatched result in the queue, and a glucose meter with today's QC and kits."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

import medassist.orders
from medassist.core.clock import clinic_today
from medassist.orders.ingest import receive
from medassist.orders.models import CompendiumTest, Order
from medassist.orders.poc import device_add, kit_add, qc_record
from medassist.orders.services import (
    compendium_load,
    order_imaging_create,
    order_lab_create,
    order_mark_sent,
    order_referral_create,
    order_review,
    order_schedule,
    order_tell_patient,
    specimens_collect,
)
from medassist.orders.simulate import lipid_results, oru_for_order
from medassist.patients.models import Patient
from medassist.practice.models import Clinic, User

COMPENDIUM = Path(medassist.orders.__file__).parent / "data" / "demo_compendium.json"


@transaction.atomic
def orders_demo(clinic: Clinic, *, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    users = {u.username: u for u in User.objects.filter(clinic=clinic)}
    doctor, ma, admin = users["doctor"], users["ma"], users["admin"]
    lab = compendium_load(actor=admin, data=json.loads(COMPENDIUM.read_text()))
    tests = {t.order_code: t for t in CompendiumTest.objects.filter(lab=lab)}
    adults = list(
        Patient.objects.filter(
            clinic=clinic, date_of_birth__lt=now.date() - timedelta(days=365 * 30)
        )
        .exclude(phone_mobile="", email="")
        .order_by("mrn")[:6]
    )
    if len(adults) < 6:
        return {"orders": 0}
    a, b, c, d, e, f = adults
    today = clinic_today(clinic)

    # a resulted lipid panel waiting for review, after an earlier one the patient was told of
    before = order_lab_create(actor=doctor, patient=a, lab=lab, tests=[tests["LIPID"]])
    specimens_collect(actor=ma, order=before, site="left antecubital", fasting_confirmed=True)
    order_mark_sent(actor=ma, order=before)
    receive(
        actor=ma,
        data=oru_for_order(
            before,
            lipid_results(238, 180, 42),
            control_id="DEMO-LIPID-1",
            taken_at=now - timedelta(days=182),
        ),
    )
    order_review(
        actor=doctor, order=before, comment="Start diet and exercise; recheck in 6 months."
    )
    order_tell_patient(actor=doctor, order=before, template="follow_up_visit")
    Order.objects.filter(pk=before.pk).update(signed_at=now - timedelta(days=183))
    lipid = order_lab_create(actor=doctor, patient=a, lab=lab, tests=[tests["LIPID"]])
    specimens_collect(actor=ma, order=lipid, site="right antecubital", fasting_confirmed=True)
    order_mark_sent(actor=ma, order=lipid)
    receive(
        actor=ma,
        data=oru_for_order(
            lipid,
            lipid_results(212, 160, 45),
            control_id="DEMO-LIPID-2",
            taken_at=now - timedelta(hours=20),
        ),
    )
    # draws due today, and an overdue one
    order_lab_create(
        actor=doctor, patient=b, lab=lab, tests=[tests["CBC"], tests["CMP"], tests["A1C"]]
    )
    order_lab_create(actor=doctor, patient=c, lab=lab, tests=[tests["PTINR"]], priority="urgent")
    tsh = order_lab_create(actor=doctor, patient=d, lab=lab, tests=[tests["TSH"]])
    Order.objects.filter(pk=tsh.pk).update(due_date=today - timedelta(days=10))
    # imaging scheduled, referral sent long ago with no report
    xray = order_imaging_create(
        actor=doctor, patient=e, modality="X-ray", body_site="chest", reason="Cough for 6 weeks"
    )
    order_schedule(
        actor=ma, order=xray, appointment_at=now + timedelta(days=2), place="Riverside Imaging"
    )
    ref = order_referral_create(
        actor=doctor,
        patient=f,
        refer_to="Albany Heart Associates",
        specialty="Cardiology",
        reason="New systolic murmur",
        priority="urgent",
    )
    order_mark_sent(actor=ma, order=ref, note="Faxed with last note")
    Order.objects.filter(pk=ref.pk).update(sent_at=now - timedelta(days=40))
    # a result whose date of birth does not agree: held in the queue
    stray = order_lab_create(actor=doctor, patient=b, lab=lab, tests=[tests["BMP"]])
    receive(
        actor=ma,
        data=oru_for_order(
            stray,
            [("2345-7", "Glucose [Mass/volume] in Serum or Plasma", "101", "mg/dL", "70-99", "H")],
            control_id="DEMO-STRAY-1",
            taken_at=now - timedelta(hours=3),
            patient_override={"dob": "19010101"},
        ),
    )
    # point of care: a meter with today's QC, kits in date
    meter = device_add(actor=ma, test="glucose", name="Glucometer (Main)", serial="GM-2231")
    qc_record(actor=ma, device=meter, passed=True, level="normal control")
    for test, lot in (
        ("glucose", "GLU-2407"),
        ("rapid_strep", "STR-118"),
        ("covid", "COV-552"),
        ("pregnancy", "HCG-903"),
        ("ua_dipstick", "UA-771"),
    ):
        kit_add(actor=ma, test=test, lot=lot, expires_on=today + timedelta(days=120))
    return {"orders": Order.objects.filter(clinic=clinic).count()}
