"""Self check-in on the clinic tablet (kiosk): a staff member unlocks a device for one location;
a patient identifies with name, date of birth and phone (the same answer for no match and for
several: it never reveals who else has a visit), confirms demographics and insurance (with
card photos), signs the consent forms, answers the due questionnaires; the visit is checked in
on the flow board. The tablet acts as the clinic's kiosk account, which cannot log in."""

from __future__ import annotations

import datetime as dt
import uuid

import filetype
from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.clock import clinic_today
from medassist.core.errors import ApplicationError, NotFound, ValidationFailed
from medassist.core.normalize import name_key, phone_e164
from medassist.intake.errors import Code
from medassist.intake.models import ConsentForm, ConsentSignature, KioskCheckIn
from medassist.patients.models import Coverage, Patient
from medassist.practice.models import Clinic, Location, User
from medassist.practice.roles import Role, require, staff_clinic
from medassist.scheduling.models import Appointment, Status

DEVICE_SALT = "medassist.intake.kiosk"
DEVICE_HOURS = 12
SYSTEM_USERNAME = "kiosk-{clinic}"
NO_MATCH = (
    "We could not find your visit for today from those details. Please check in at the front desk."
)
CARD_MAX_BYTES = 10 * 1024 * 1024
CARD_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/heic": "heic", "image/webp": "webp"}
DEFAULT_CONSENTS = [
    (
        "Consent to treatment",
        "I agree to examination and treatment by the clinic's physicians and staff. I may ask "
        "questions about any test or treatment, and I may refuse it.",
    ),
    (
        "Notice of privacy practices",
        "I have been offered the clinic's Notice of Privacy Practices, which explains how my "
        "health information is used and shared and my rights.",
    ),
    (
        "Financial responsibility",
        "I understand that I am responsible for charges my insurance does not pay, including "
        "copays, coinsurance and deductibles.",
    ),
]


class KioskLocked(ApplicationError):
    code = Code.KIOSK_LOCKED
    status = 403


def kiosk_user(clinic: Clinic) -> User:
    """The clinic's kiosk account: the actor of tablet check-ins in the audit log and the visit
    history. It cannot log in (no usable password)."""
    username = SYSTEM_USERNAME.format(clinic=clinic.public_id.hex[:12])
    user = User.objects.filter(username=username).select_related("clinic").first()
    if user is None:
        user = User(
            username=username,
            clinic=clinic,
            role=Role.FRONT_DESK,
            first_name="Clinic",
            last_name="tablet",
            is_active=True,
        )
        user.set_unusable_password()
        user.save()
    return user


# ------------------------------------------------------------------------------ the device


def kiosk_unlock(*, actor: User, location: Location) -> str:
    """The signed value of the device cookie that puts this tablet in kiosk mode."""
    require(actor, "kiosk.unlock")
    clinic = staff_clinic(actor)
    if location.clinic_id != clinic.pk or not location.active:
        raise ValidationFailed("Choose one of the clinic's locations.", field="location")
    device = uuid.uuid4().hex
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="intake.KioskDevice",
        object_id=device,
        detail={"location": str(location.public_id)},
    )
    return signing.dumps(
        {"c": str(clinic.public_id), "l": str(location.public_id), "d": device, "u": actor.pk},
        salt=DEVICE_SALT,
    )


def kiosk_device(value: str | None) -> tuple[Location, str]:
    """The location and device id of an unlocked tablet; KioskLocked otherwise."""
    try:
        data = signing.loads(value or "", salt=DEVICE_SALT, max_age=DEVICE_HOURS * 3600)
    except signing.BadSignature:
        raise KioskLocked(
            "This tablet is not in check-in mode. Please ask the front desk."
        ) from None
    location = (
        Location.objects.select_related("clinic")
        .filter(public_id=data.get("l"), clinic__public_id=data.get("c"), active=True)
        .first()
    )
    if location is None:
        raise KioskLocked("This tablet is not in check-in mode. Please ask the front desk.")
    return location, str(data.get("d", ""))


# ---------------------------------------------------------------------------- the patient


def kiosk_identify(
    *, location: Location, first_name: str, last_name: str, born, phone: str
) -> Appointment:
    """Today's one booked visit at this location of the one patient with that name, date of
    birth and phone (mobile or home). NotFound with NO_MATCH for none *and* for several."""
    clinic = location.clinic
    try:
        day = born if isinstance(born, dt.date) else dt.date.fromisoformat(str(born))
        e164 = phone_e164(phone, field="phone")
    except (ValueError, ValidationFailed):
        raise NotFound(NO_MATCH, code=Code.KIOSK_NO_MATCH) from None
    if not (first_name or "").strip() or not (last_name or "").strip() or not e164:
        raise NotFound(NO_MATCH, code=Code.KIOSK_NO_MATCH)
    people = [
        p
        for p in Patient.objects.filter(
            clinic=clinic,
            active=True,
            first_name_key=name_key(first_name),
            last_name_key=name_key(last_name),
            date_of_birth=day,
        )
        if e164 in (p.phone_mobile, p.phone_home)
    ]
    if len(people) != 1:
        raise NotFound(NO_MATCH, code=Code.KIOSK_NO_MATCH)
    today = clinic_today(clinic)
    start = dt.datetime.combine(today, dt.time(0), tzinfo=clinic.tz)
    visits = list(
        Appointment.objects.filter(
            patient=people[0],
            location=location,
            status=Status.BOOKED,
            start__gte=start,
            start__lt=start + dt.timedelta(days=1),
        )
        .select_related("patient", "clinic", "provider", "visit_type")
        .order_by("start")
    )
    if not visits:
        raise NotFound(NO_MATCH, code=Code.KIOSK_NO_MATCH)
    return visits[0]


@transaction.atomic
def kiosk_start(*, appointment: Appointment) -> KioskCheckIn:
    actor = kiosk_user(appointment.clinic)
    row = KioskCheckIn.objects.filter(appointment=appointment, finished_at__isnull=True).first()
    if row is not None:
        return row
    row = KioskCheckIn(appointment=appointment, patient=appointment.patient)
    row.stamp(actor)
    row.save()
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=row, patient=appointment.patient)
    return row


@transaction.atomic
def kiosk_demographics(*, row: KioskCheckIn, correct: bool, note: str = "") -> KioskCheckIn:
    note = (note or "").strip()
    if not correct and not note:
        raise ValidationFailed(
            "Tell us what is different, and the front desk will update it.", field="note"
        )
    if len(note) > 500:
        raise ValidationFailed("Keep this to 500 characters.", field="note")
    row.demographics_ok = correct
    row.demographics_note = "" if correct else note
    return _save(row, {"demographics_ok": correct})


def _image(uploaded, side: str) -> ContentFile | None:
    if uploaded is None:
        return None
    if uploaded.size > CARD_MAX_BYTES:
        raise ValidationFailed("The photo is too large (10 MB at most).", field=f"card_{side}")
    data = uploaded.read()
    kind = filetype.guess(data)
    if kind is None or kind.mime not in CARD_TYPES:
        raise ValidationFailed(
            "The photo must be a JPEG, PNG, HEIC or WebP image.", field=f"card_{side}"
        )
    return ContentFile(data, name=f"{side}.{CARD_TYPES[kind.mime]}")


@transaction.atomic
def kiosk_insurance(
    *,
    row: KioskCheckIn,
    answer: str,
    note: str = "",
    card_front=None,
    card_back=None,
) -> KioskCheckIn:
    """answer: "same" (the insurance on file is right), "changed" (new card: photos and/or a
    note), or "none" (self-pay)."""
    if answer not in ("same", "changed", "none"):
        raise ValidationFailed("Choose one of the answers.", field="answer")
    note = (note or "").strip()[:500]
    front, back = _image(card_front, "front"), _image(card_back, "back")
    if answer == "changed" and front is None and not note:
        raise ValidationFailed(
            "Take a photo of the front of your new card, or tell us the new insurance.",
            field="card_front",
        )
    if answer == "same" and not _coverage(row.patient):
        raise ValidationFailed(
            "We have no insurance on file for you. Choose 'My insurance changed' or "
            "'No insurance'.",
            field="answer",
        )
    row.insurance_ok = answer == "same"
    row.self_pay = answer == "none"
    row.insurance_note = note
    if front is not None:
        row.card_front.save(front.name or "front", front, save=False)
    if back is not None:
        row.card_back.save(back.name or "back", back, save=False)
    return _save(
        row,
        {"insurance": answer, "photos": [s for s, f in (("front", front), ("back", back)) if f]},
    )


def _coverage(patient: Patient) -> Coverage | None:
    return Coverage.objects.filter(patient=patient, active=True).order_by("-id").first()


def consents_for(clinic: Clinic) -> list[ConsentForm]:
    forms = list(ConsentForm.objects.filter(clinic=clinic, active=True).order_by("title"))
    if not forms and not ConsentForm.objects.filter(clinic=clinic).exists():
        ConsentForm.objects.bulk_create(
            [ConsentForm(clinic=clinic, title=t, body=b) for t, b in DEFAULT_CONSENTS]
        )
        forms = list(ConsentForm.objects.filter(clinic=clinic, active=True).order_by("title"))
    return forms


def unsigned_consents(row: KioskCheckIn) -> list[ConsentForm]:
    forms = consents_for(row.appointment.clinic)
    signed = {
        (f, v)
        for f, v in ConsentSignature.objects.filter(patient=row.patient).values_list(
            "form_id", "form_version"
        )
    }
    return [f for f in forms if (f.pk, f.version) not in signed]


@transaction.atomic
def kiosk_sign(
    *, row: KioskCheckIn, form_ids: list[str], signed_name: str
) -> list[ConsentSignature]:
    """Sign every unsigned consent form at once with the patient's typed full name."""
    pending = unsigned_consents(row)
    name = " ".join((signed_name or "").split())
    patient = row.patient
    if name_key(name) != name_key(f"{patient.first_name} {patient.last_name}") and name_key(
        name
    ) != name_key(f"{patient.first_name} {patient.middle_name} {patient.last_name}"):
        raise ValidationFailed("Type your full name (first and last) to sign.", field="signed_name")
    wanted = {str(f.public_id) for f in pending}
    if set(form_ids) != wanted:
        raise ValidationFailed("Tick each form to agree to it.", field="forms")
    actor = kiosk_user(row.appointment.clinic)
    now = timezone.now()
    made = []
    for form in pending:
        sig = ConsentSignature(
            form=form,
            form_version=form.version,
            patient=patient,
            appointment=row.appointment,
            signed_name=name,
            signed_at=now,
        )
        sig.stamp(actor)
        sig.save()
        made.append(sig)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=sig,
            patient=patient,
            detail={"form": form.title, "version": form.version},
        )
    return made


@transaction.atomic
def kiosk_check_in(*, row: KioskCheckIn) -> KioskCheckIn:
    """Check the visit in (the flow board shows the patient arrived) when demographics and
    insurance were confirmed and the consents signed; otherwise flag it for the front desk."""
    from medassist.frontdesk.services import check_in

    appt = Appointment.objects.select_for_update().get(pk=row.appointment_id)
    if appt.status != Status.BOOKED:
        row.checked_in = appt.status in (Status.ARRIVED, Status.ROOMED, Status.WITH_PROVIDER)
        return _save(row, {"checked_in": row.checked_in})
    ready = row.demographics_ok is True and (row.insurance_ok is True or row.self_pay)
    if not ready or unsigned_consents(row):
        row.needs_desk = True
        return _save(row, {"needs_desk": True})
    actor = kiosk_user(appt.clinic)
    check_in(
        actor=actor,
        appointment=appt,
        demographics_confirmed=True,
        coverage=None if row.self_pay else _coverage(row.patient),
        self_pay=row.self_pay,
    )
    row.checked_in = True
    return _save(row, {"checked_in": True})


@transaction.atomic
def kiosk_finish(*, row: KioskCheckIn) -> KioskCheckIn:
    row.finished_at = timezone.now()
    return _save(row, {"finished": True})


def _save(row: KioskCheckIn, detail: dict) -> KioskCheckIn:
    actor = kiosk_user(row.appointment.clinic)
    row.stamp(actor)
    row.save()
    audit_record(
        actor=actor, action=AuditEvent.Action.UPDATE, obj=row, patient=row.patient, detail=detail
    )
    return row
