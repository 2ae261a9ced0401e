"""Demo pharmacy: stock (vaccines and a few medications, one lot low, one expired), MA
credentials (one trained to California's standard with a CMA, one with none), a few
prescriptions and refill requests from each source, one older than 48 hours."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from medassist.core.clock import clinic_today
from medassist.patients.models import Patient
from medassist.pharmacy import services
from medassist.pharmacy.models import RefillRequest, StockLot
from medassist.practice import services as practice
from medassist.practice.models import Clinic, StaffCredential, User
from medassist.practice.roles import Role

STOCK = [
    # name, ndc, rxnorm, cvx, unit, amount, dose unit, route, schedule, lots (lot, days, qty)
    ("Tdap vaccine (Boostrix) 0.5 mL", "58160-0842-11", "", "115", "syringe", "0.5", "mL",
     "intramuscular", "", [("TDP4821", 300, 20)]),
    ("Zoster vaccine recombinant (Shingrix)", "58160-0823-11", "", "187", "vial", "0.5", "mL",
     "intramuscular", "", [("SHX771", 200, 2)]),
    ("Ceftriaxone 1 g injection", "60505-0751-04", "1665021", "", "vial", "1000", "mg",
     "intramuscular", "", [("CFX119", 400, 8), ("CFX042", -3, 2)]),
    ("Lisinopril 10 mg tablet", "68180-0513-01", "314076", "", "tablet", "10", "mg", "oral", "",
     [("LS9A", 500, 90)]),
]  # fmt: skip


@transaction.atomic
def pharmacy_demo(clinic: Clinic, *, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    today = clinic_today(clinic)
    doctor = (
        User.objects.filter(
            clinic=clinic, role=Role.PHYSICIAN, is_active=True, provider__isnull=False
        )
        .order_by("id")
        .first()
    )
    admin = User.objects.filter(clinic=clinic, role=Role.CLINIC_ADMIN, is_active=True).first()
    mas = list(
        User.objects.filter(clinic=clinic, role=Role.MEDICAL_ASSISTANT, is_active=True).order_by(
            "id"
        )
    )
    desk = User.objects.filter(clinic=clinic, role=Role.FRONT_DESK, is_active=True).first()
    if doctor is None or admin is None or desk is None or not mas:
        return {}
    trained = mas[0]
    services_practice_demo(admin, trained, mas[1:], today)
    for name, ndc, rx, cvx, unit, amount, dose_unit, route, schedule, lots in STOCK:
        item = services.stock_item_create(
            actor=doctor,
            name=name,
            ndc=ndc,
            rxnorm=rx,
            cvx=cvx,
            unit=unit,
            dose_amount=amount,
            dose_unit=dose_unit,
            route=route,
            controlled_schedule=schedule,
            low_stock_at=3,
        )
        for lot_number, days, qty in lots:
            lot = services.stock_receive(
                actor=doctor,
                item=item,
                lot_number=lot_number,
                quantity=qty,
                expires_on=today + timedelta(days=abs(days)),
            )
            if days < 0:  # an expired lot still on the shelf, to waste or return
                StockLot.objects.filter(pk=lot.pk).update(expires_on=today + timedelta(days=days))
    patients = list(Patient.objects.filter(clinic=clinic, active=True).order_by("id")[:8])
    refills = 0
    sources = ["phone", "portal", "front_desk", "pharmacy", "assistant"]
    for n, patient in enumerate(patients[:5]):
        services.medication_order_create(
            actor=doctor,
            patient=patient,
            kind="prescription",
            drug_name="lisinopril 10 MG Oral Tablet",
            rxnorm="314076",
            drug_class="antihypertensive",
            dose_amount="10",
            dose_unit="mg",
            route="oral",
            frequency="once daily",
            quantity=30,
            refills=n % 3,
            instructions="Take one tablet by mouth each morning.",
        )
        refill = services.refill_request_create(
            actor=desk,
            patient=patient,
            medication_text="lisinopril 10 mg",
            pharmacy_text="Main Street Pharmacy, fax (518) 555-0140" if n % 2 else "",
            source=sources[n],
        )
        if n == 0:  # waiting for more than 48 hours: red in the queue
            RefillRequest.objects.filter(pk=refill.pk).update(created_at=now - timedelta(hours=60))
        refills += 1
    if len(patients) > 5:
        services.medication_order_create(
            actor=doctor,
            patient=patients[5],
            kind="administer",
            drug_name="Tdap vaccine",
            cvx="115",
            ndc="58160-0842-11",
            dose_amount="0.5",
            dose_unit="mL",
            route="intramuscular",
        )
    return {"stock_items": len(STOCK), "refill_requests": refills}


def services_practice_demo(admin: User, trained: User, others: list[User], today: date) -> None:
    """One MA trained to California's standard (certificate, hours, supervised procedures)
    with a CMA expiring within 60 days; the others with no certification and no training."""
    practice.staff_credential_add(
        actor=admin,
        user=trained,
        kind=StaffCredential.Kind.CMA,
        number="CMA-0042871",
        issued_on=today - timedelta(days=1800),
        expires_on=today + timedelta(days=45),
    )
    for task in ("injection", "venipuncture", "dispensing", "poc_test"):
        practice.training_record_add(
            actor=admin,
            user=trained,
            task=task,
            hours=10,
            supervised_procedures=40 if task == "injection" else 20,
            certificate="Signed by the supervising physician",
            trainer="Dr. Supervising",
            completed_on=today - timedelta(days=400),
        )
    for other in others:
        practice.staff_credential_add(actor=admin, user=other, kind=StaffCredential.Kind.NONE)
