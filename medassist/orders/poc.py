"""Point-of-care tests run in the office: what each test records (LOINC, units, reference
range, allowed answers), kits with lot and expiry (an expired kit is refused), devices with a
daily QC log (a device whose QC failed today, or has no QC today, is refused), and result
entry filed to the chart as an Observation through records' services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.clock import clinic_today
from medassist.core.errors import NotFound, ValidationFailed
from medassist.orders.errors import KitExpired, QcFailed, QcMissing
from medassist.orders.models import Order, PocDevice, PocKit, PocRun, QcRun
from medassist.practice.models import User
from medassist.practice.roles import require, staff_clinic
from medassist.records.models import CodeSystem
from medassist.records.services import observation_create


@dataclass(frozen=True)
class PocTest:
    key: str
    name: str
    loinc: str
    unit: str = ""  # numeric tests
    low: Decimal = Decimal(0)
    high: Decimal = Decimal(0)
    lowest: Decimal = Decimal(0)  # what the device can report
    highest: Decimal = Decimal(0)
    answers: tuple[str, ...] = ()  # qualitative tests
    normal: str = ""  # the qualitative normal answer
    device: bool = False  # run on a meter that needs daily QC

    @property
    def reference_range(self) -> str:
        if self.answers:
            return self.normal
        return f"{self.low}-{self.high} {self.unit}"


D = Decimal
TESTS: dict[str, PocTest] = {
    t.key: t
    for t in (
        PocTest(
            "glucose",
            "Glucose, capillary (meter)",
            "2345-7",
            "mg/dL",
            D(70),
            D(99),
            D(20),
            D(600),
            device=True,
        ),
        PocTest(
            "hba1c",
            "Hemoglobin A1c (POC)",
            "4548-4",
            "%",
            D("4.0"),
            D("5.6"),
            D("4.0"),
            D("14.0"),
            device=True,
        ),
        PocTest(
            "inr",
            "INR (POC)",
            "6301-6",
            "{INR}",
            D("0.8"),
            D("1.2"),
            D("0.8"),
            D("8.0"),
            device=True,
        ),
        PocTest(
            "ua_dipstick",
            "Urinalysis dipstick",
            "24357-6",
            answers=("Negative", "Trace", "Positive"),
            normal="Negative",
        ),
        PocTest(
            "rapid_strep",
            "Rapid strep A antigen",
            "78012-2",
            answers=("Negative", "Positive", "Invalid"),
            normal="Negative",
        ),
        PocTest(
            "flu_ab",
            "Influenza A/B antigen",
            "80382-5",
            answers=("Negative", "Influenza A positive", "Influenza B positive", "Invalid"),
            normal="Negative",
        ),
        PocTest(
            "covid",
            "SARS-CoV-2 antigen",
            "94558-4",
            answers=("Negative", "Positive", "Invalid"),
            normal="Negative",
        ),
        PocTest(
            "pregnancy",
            "hCG, urine (pregnancy)",
            "2106-3",
            answers=("Negative", "Positive", "Invalid"),
            normal="Negative",
        ),
    )
}


def _test(key: str) -> PocTest:
    t = TESTS.get(key or "")
    if t is None:
        raise ValidationFailed("Choose a point-of-care test.", field="test")
    return t


def _own(actor: User, obj) -> None:
    if obj is None or obj.clinic_id != actor.clinic_id:
        raise NotFound("Not found.")


@transaction.atomic
def kit_add(*, actor: User, test: str, lot: str, expires_on) -> PocKit:
    require(actor, "poc.manage")
    t = _test(test)
    lot = (lot or "").strip()
    if not lot or len(lot) > 60:
        raise ValidationFailed("Enter the kit's lot number.", field="lot")
    if isinstance(expires_on, str):
        try:
            expires_on = date.fromisoformat(expires_on)
        except ValueError as exc:
            raise ValidationFailed("Give the expiry as YYYY-MM-DD.", field="expires_on") from exc
    if not isinstance(expires_on, date):
        raise ValidationFailed("Give the expiry date.", field="expires_on")
    if expires_on < clinic_today(staff_clinic(actor)):
        raise KitExpired(
            f"Lot {lot} expired on {expires_on:%Y-%m-%d}; do not use it.", field="expires_on"
        )
    kit = PocKit(clinic=staff_clinic(actor), test=t.key, lot=lot, expires_on=expires_on)
    kit.stamp(actor)
    try:
        with transaction.atomic():
            kit.save()
    except IntegrityError as exc:
        raise ValidationFailed(
            f"Lot {lot} is already recorded for this test.", field="lot"
        ) from exc
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=kit)
    return kit


@transaction.atomic
def device_add(*, actor: User, test: str, name: str, serial: str = "") -> PocDevice:
    require(actor, "poc.manage")
    t = _test(test)
    if not t.device:
        raise ValidationFailed(f"{t.name} is a kit test; it needs no device.", field="test")
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed("Name the device.", field="name")
    device = PocDevice(
        clinic=staff_clinic(actor), test=t.key, name=name, serial=(serial or "").strip()[:60]
    )
    device.stamp(actor)
    device.save()
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=device)
    return device


@transaction.atomic
def qc_record(
    *, actor: User, device: PocDevice, passed: bool | None, level: str = "", note: str = ""
) -> QcRun:
    """Record today's QC for a device (the clinic's day). A failed run blocks the device for
    the rest of the day, even if a later run passes; a note should say what was done."""
    require(actor, "poc.manage")
    _own(actor, device)
    if passed is None:
        raise ValidationFailed("Say whether the control passed.", field="passed")
    clinic = staff_clinic(actor)
    run = QcRun(
        device=device,
        day=clinic_today(clinic),
        passed=bool(passed),
        level=(level or "").strip()[:40],
        note=(note or "").strip()[:300],
        performed_by=actor,
        performed_at=timezone.now(),
    )
    run.stamp(actor)
    run.save()
    audit_record(
        actor=actor, action=AuditEvent.Action.CREATE, obj=run, detail={"passed": run.passed}
    )
    return run


def check_device(device: PocDevice, day: date) -> None:
    runs = list(QcRun.objects.filter(device=device, day=day))
    if any(not r.passed for r in runs):
        raise QcFailed(
            f"{device.name} failed quality control today; it cannot be used until the next "
            "day's QC passes."
        )
    if not runs:
        raise QcMissing(f"{device.name} has no quality-control run today; run QC first.")


@transaction.atomic
def poc_result_record(
    *,
    actor: User,
    patient,
    test: str,
    kit: PocKit,
    value: str,
    device: PocDevice | None = None,
    order: Order | None = None,
    note: str = "",
) -> PocRun:
    """Enter a point-of-care result; it is filed to the chart as an Observation."""
    require(actor, "poc.run")
    if patient is None or patient.clinic_id != actor.clinic_id:
        raise NotFound("No such patient.")
    t = _test(test)
    clinic = staff_clinic(actor)
    today = clinic_today(clinic)
    _own(actor, kit)
    if kit.test != t.key:
        raise ValidationFailed(f"Lot {kit.lot} is a {TESTS[kit.test].name} kit.", field="kit")
    if kit.expires_on < today:
        raise KitExpired(
            f"Kit lot {kit.lot} expired on {kit.expires_on:%Y-%m-%d}; use an unexpired kit.",
            field="kit",
        )
    if t.device:
        if device is None:
            raise ValidationFailed(f"Choose the {t.name} device used.", field="device")
        _own(actor, device)
        if device.test != t.key or not device.active:
            raise ValidationFailed(f"{device.name} does not run {t.name}.", field="device")
        check_device(device, today)
    if order is not None:
        _own(actor, order)
        if order.patient_id != patient.pk:
            raise ValidationFailed("The order is for another patient.", field="order")
    text = (value or "").strip()
    quantity = None
    string = ""
    flag = ""
    unit = ""
    if t.answers:
        match = next((a for a in t.answers if a.casefold() == text.casefold()), None)
        if match is None:
            raise ValidationFailed(f"Choose one of: {', '.join(t.answers)}.", field="value")
        string = match
        flag = "" if match == t.normal else ("A" if match != "Invalid" else "")
    else:
        try:
            quantity = Decimal(text)
        except InvalidOperation as exc:
            raise ValidationFailed(
                f"Enter the {t.name} as a number in {t.unit}.", field="value"
            ) from exc
        if not quantity.is_finite() or not (t.lowest <= quantity <= t.highest):
            raise ValidationFailed(
                f"{text} {t.unit} is outside what the device reports ({t.lowest}-{t.highest}); "
                "check the reading.",
                field="value",
            )
        unit = t.unit
        flag = "L" if quantity < t.low else "H" if quantity > t.high else "N"
    now = timezone.now()
    obs = observation_create(
        actor=actor,
        patient=patient,
        display=t.name,
        code_system=CodeSystem.LOINC,
        code=t.loinc,
        effective_at=now,
        value_quantity=quantity,
        value_unit=unit,
        value_string=string,
        interpretation=flag,
        reference_range=t.reference_range,
        note=(
            f"Point of care; kit lot {kit.lot} exp {kit.expires_on:%Y-%m-%d}"
            + (f"; device {device.name}" if device else "")
            + (f". {note.strip()}" if note.strip() else "")
        )[:5000],
    )
    run = PocRun(
        clinic=clinic,
        patient=patient,
        test=t.key,
        device=device if t.device else None,
        kit=kit,
        order=order,
        performed_by=actor,
        performed_at=now,
        observation=obs,
    )
    run.stamp(actor)
    run.save()
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=run, patient=patient)
    return run


def qc_today(clinic) -> dict[int, list[QcRun]]:
    day = clinic_today(clinic)
    out: dict[int, list[QcRun]] = {}
    for r in QcRun.objects.filter(device__clinic=clinic, day=day).select_related("performed_by"):
        out.setdefault(r.device_id, []).append(r)
    return out


def recent_runs(*, user) -> list[PocRun]:
    from medassist.audit.services import audit_patients_listed

    require(user, "poc.run")
    rows = list(
        PocRun.objects.filter(clinic=staff_clinic(user)).select_related(
            "patient", "kit", "device", "observation", "performed_by"
        )[:50]
    )
    audit_patients_listed(
        actor=user, patients=[r.patient for r in rows], object_type="orders.PocRun"
    )
    return rows


def handle_post(*, actor: User, post) -> None:
    """The POC screen's forms: add kit, add device, record QC, enter a result."""
    from medassist.patients.models import Patient

    action = post.get("action", "")
    clinic = staff_clinic(actor)
    if action == "kit":
        kit_add(
            actor=actor,
            test=post.get("test", ""),
            lot=post.get("lot", ""),
            expires_on=post.get("expires_on", ""),
        )
    elif action == "device":
        device_add(
            actor=actor,
            test=post.get("test", ""),
            name=post.get("name", ""),
            serial=post.get("serial", ""),
        )
    elif action == "qc":
        device = PocDevice.objects.filter(
            clinic=clinic, public_id=_uuid(post.get("device"))
        ).first()
        if device is None:
            raise NotFound("No such device.")
        passed = {"pass": True, "fail": False}.get(post.get("result", ""))
        qc_record(
            actor=actor,
            device=device,
            passed=passed,
            level=post.get("level", ""),
            note=post.get("note", ""),
        )
    elif action == "result":
        patient = Patient.objects.filter(clinic=clinic, mrn=post.get("mrn", "").strip()).first()
        if patient is None:
            raise ValidationFailed("No patient with that MRN.", field="mrn")
        kit = PocKit.objects.filter(clinic=clinic, public_id=_uuid(post.get("kit"))).first()
        if kit is None:
            raise ValidationFailed("Choose the kit lot used.", field="kit")
        device = None
        if post.get("device"):
            device = PocDevice.objects.filter(
                clinic=clinic, public_id=_uuid(post.get("device"))
            ).first()
        poc_result_record(
            actor=actor,
            patient=patient,
            test=post.get("test", ""),
            kit=kit,
            device=device,
            value=post.get("value", ""),
            note=post.get("note", ""),
        )
    else:
        raise ValidationFailed("Unknown action.")


def _uuid(value):
    import uuid

    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError):
        return None
