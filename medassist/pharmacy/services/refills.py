"""The refill queue: one queue for requests from the phone or the assistant, the portal, the
front desk and pharmacies. Each request is checked against the clinic's protocol for its
drug class (`pharmacy/data/refill_protocols.json`); the MA sees what passed and what did not
and prepares it; only the prescriber (a physician) approves, with quantity and refills, or
denies with a reason. The patient and the pharmacy are then told by reviewed templates
(English or Spanish for the patient), built only from the request and the prescriber's words."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from medassist.audit.services import audit_record
from medassist.core.errors import PermissionDenied, ValidationFailed
from medassist.intake.models import Vitals
from medassist.pharmacy import catalog
from medassist.pharmacy.errors import Duplicate, RefillState
from medassist.pharmacy.models import MedicationOrder, PharmacyNotice, RefillRequest
from medassist.pharmacy.services._common import clinic_of, text, whole
from medassist.pharmacy.services.orders import medication_order_create
from medassist.practice.roles import Role
from medassist.records.models import CodeSystem, Encounter, Observation
from medassist.reminders import links
from medassist.reminders.messages import greeting
from medassist.reminders.models import Message
from medassist.reminders.services import message_queue, preferred_channel
from medassist.scheduling.models import Appointment, Status

Source = RefillRequest.Source
RStatus = RefillRequest.Status
RESULT_STATUSES = ["final", "amended", "corrected"]


def months_before(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 - months, 12)
    year, month = day.year + year, month + 1
    last = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31,
            30, 31, 31, 30, 31, 30, 31][month - 1]  # fmt: skip
    return date(year, month, min(day.day, last))


def language_of(patient) -> str:
    preferred = (patient.preferred_language or "").strip().lower()
    return "es" if preferred.startswith(("es", "span")) else "en"


def _matching_order(refill: RefillRequest) -> MedicationOrder | None:
    drug = catalog.find(refill.medication_text)
    orders = MedicationOrder.objects.filter(
        patient=refill.patient,
        kind=MedicationOrder.Kind.PRESCRIPTION,
        status=MedicationOrder.Status.ACTIVE,
    ).order_by("-not_before", "-id")
    if drug and drug["rxnorm"]:
        found = orders.filter(rxnorm=drug["rxnorm"]).first()
        if found:
            return found
    first = refill.medication_text.split()[0] if refill.medication_text.split() else ""
    return orders.filter(drug_name__icontains=first).first() if len(first) > 3 else None


def protocol_checks(refill: RefillRequest, *, now: datetime | None = None) -> list[dict]:
    """Each rule of the drug class's protocol with whether it passed and why, in words."""
    now = now or timezone.now()
    today = now.astimezone(refill.clinic.tz).date()
    patient = refill.patient
    order = refill.order
    checks = []
    for rule in catalog.protocol_for(refill.drug_class):
        kind = rule["rule"]
        months = rule.get("months", 12)
        since = datetime.combine(
            months_before(today, months), datetime.min.time(), tzinfo=refill.clinic.tz
        )
        if kind == "last_visit":
            visit = (
                Appointment.objects.filter(patient=patient, status=Status.CHECKED_OUT)
                .order_by("-start")
                .values_list("start", flat=True)
                .first()
            )
            encounter = (
                Encounter.objects.filter(patient=patient, status=Encounter.Status.FINISHED)
                .order_by("-start")
                .values_list("start", flat=True)
                .first()
            )
            last = max((v for v in (visit, encounter) if v is not None), default=None)
            passed = last is not None and last >= since
            seen = (
                f"last visit {last.astimezone(refill.clinic.tz):%Y-%m-%d}"
                if last
                else "no visit on file"
            )
            checks.append(
                {
                    "rule": kind,
                    "label": f"Visit within {months} months",
                    "passed": passed,
                    "detail": seen,
                }
            )
        elif kind == "lab":
            result = (
                Observation.objects.filter(
                    patient=patient,
                    code_system=CodeSystem.LOINC,
                    code__in=rule["loinc"],
                    status__in=RESULT_STATUSES,
                )
                .order_by("-effective_at")
                .first()
            )
            passed = result is not None and result.effective_at >= since
            seen = (
                f"{result.display or result.code} on "
                f"{result.effective_at.astimezone(refill.clinic.tz):%Y-%m-%d}"
                if result
                else "no result on file"
            )
            checks.append(
                {
                    "rule": kind,
                    "label": f"{rule['label'].capitalize()} within {months} months",
                    "passed": passed,
                    "detail": seen,
                }
            )
        elif kind == "bp_on_file":
            vitals = (
                Vitals.objects.filter(
                    patient=patient, entered_in_error=False, bp_systolic__isnull=False
                )
                .order_by("-taken_at")
                .first()
            )
            passed = vitals is not None and vitals.taken_at >= since
            seen = (
                f"{vitals.bp_systolic}/{vitals.bp_diastolic} on "
                f"{vitals.taken_at.astimezone(refill.clinic.tz):%Y-%m-%d}"
                if vitals
                else "no blood pressure on file"
            )
            checks.append(
                {
                    "rule": kind,
                    "label": f"Blood pressure within {months} months",
                    "passed": passed,
                    "detail": seen,
                }
            )
        elif kind == "refills_left":
            if order is None:
                checks.append(
                    {
                        "rule": kind,
                        "label": "Refills left",
                        "passed": False,
                        "detail": "no active prescription for it on file",
                    }
                )
            else:
                left = order.refills_left
                checks.append(
                    {
                        "rule": kind,
                        "label": "Refills left",
                        "passed": left > 0,
                        "detail": f"{left} of {order.refills} left",
                    }
                )
        elif kind == "controlled":
            checks.append(
                {
                    "rule": kind,
                    "label": "Not a controlled substance",
                    "passed": False,
                    "detail": "controlled substance: always the prescriber's decision",
                }
            )
    return checks


def _run_checks(refill: RefillRequest) -> None:
    refill.order = _matching_order(refill)
    if refill.order is not None and refill.order.drug_class:
        refill.drug_class = refill.order.drug_class
    refill.checks = protocol_checks(refill)
    refill.checked_at = timezone.now()


@transaction.atomic
def refill_request_create(
    *,
    actor,
    patient,
    medication_text: str,
    pharmacy_text: str = "",
    source: str,
    note: str = "",
) -> RefillRequest:
    """A refill request into the clinic's one queue, checked against the protocol at once.
    `source`: phone, assistant, portal, front_desk or pharmacy."""
    clinic = clinic_of(actor, "refill.request")
    if patient is None or patient.clinic_id != clinic.pk:
        raise ValidationFailed("Unknown patient.", field="patient")
    if source not in Source.values:
        raise ValidationFailed(f"The source is one of {', '.join(Source.values)}.", field="source")
    medication = text(
        medication_text, field="medication_text", label="Medication", max_length=300, required=True
    )
    drug = catalog.find(medication)
    refill = RefillRequest(
        clinic=clinic,
        patient=patient,
        source=source,
        medication_text=medication,
        pharmacy_text=text(pharmacy_text, field="pharmacy_text", label="Pharmacy", max_length=300),
        note=text(note, field="note", label="Note", max_length=2000),
        language=language_of(patient),
        drug_class=(drug or {}).get("drug_class", ""),
    )
    _run_checks(refill)
    refill.stamp(actor)
    refill.save()
    audit_record(
        actor=actor,
        action="create",
        obj=refill,
        patient=patient,
        detail={"source": source, "medication": medication, "protocol_met": refill.all_passed},
    )
    return refill


def _open(refill: RefillRequest, actor) -> None:
    if refill.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown refill request.")
    if refill.status not in {RStatus.NEW, RStatus.PREPARED}:
        raise RefillState(f"This request is {refill.get_status_display().lower()} already.")


@transaction.atomic
def refill_prepare(*, actor, refill: RefillRequest, note: str = "") -> RefillRequest:
    """The MA re-runs the protocol and hands the request to the prescriber."""
    clinic_of(actor, "refill.prepare")
    _open(refill, actor)
    locked = RefillRequest.objects.select_for_update().get(pk=refill.pk)
    _open(locked, actor)
    _run_checks(refill)
    extra = text(note, field="note", label="Note", max_length=2000)
    if extra:
        refill.note = f"{refill.note}\n{extra}".strip()
    refill.status, refill.prepared_by, refill.prepared_at = RStatus.PREPARED, actor, timezone.now()
    refill.stamp(actor)
    refill.save()
    audit_record(
        actor=actor,
        action="transition",
        obj=refill,
        patient=refill.patient,
        detail={"to": "prepared", "protocol_met": refill.all_passed},
    )
    return refill


def _prescriber(actor):
    provider = getattr(actor, "provider", None)
    if actor.role != Role.PHYSICIAN or provider is None:
        raise PermissionDenied("Only the prescriber decides a refill.")
    return provider


def _context(refill: RefillRequest, provider, **extra) -> dict:
    patient, clinic = refill.patient, refill.clinic
    return {
        "first_name": patient.first_name,
        "patient": patient.display_name,
        "dob": patient.date_of_birth.isoformat(),
        "medication": refill.medication_text,
        "pharmacy": refill.pharmacy_text,
        "prescriber": provider.display_name,
        "npi": provider.npi,
        "clinic": clinic.name,
        "phone": clinic.phone,
        **extra,
    }


def _tell(refill: RefillRequest, outcome: str, context: dict) -> None:
    """The patient's message (their language) and the pharmacy's, from reviewed templates."""
    lang = refill.language if refill.language in {"en", "es"} else "en"
    refill.patient_message = render_to_string(
        f"pharmacy/messages/patient_{outcome}.{lang}.txt", context
    ).strip()
    refill.pharmacy_message = (
        render_to_string(f"pharmacy/messages/pharmacy_{outcome}.en.txt", context).strip()
        if refill.pharmacy_text
        else ""
    )
    refill.told_at = timezone.now()
    refill.patient_notice = _notify_patient(refill, outcome, lang)


def _notify_patient(refill: RefillRequest, outcome: str, lang: str) -> Message:
    """A text (or an email without a mobile number) through the reminders outbox, from its
    reviewed template: that the request was answered, the outcome, and where to read it (the
    portal) — no drug name, no reason, nothing clinical in a text. The outbox holds it until
    the clinic's quiet hours end and retries it; a patient with no way to reach them gets a
    failed row that the desk sees."""
    patient = refill.patient
    return message_queue(
        clinic=refill.clinic,
        patient=patient,
        channel=preferred_channel(patient),
        kind=Message.Kind.REFILL,
        context={
            "lang": lang,
            "greeting": greeting(patient),
            "greeting_es": f"Hola {patient.preferred_name or patient.first_name}",
            "approved": outcome == "approved",
            "pharmacy": bool(refill.pharmacy_text),
            "link": links.absolute(reverse("pharmacy:portal_refill")),
        },
        scheduled_for=timezone.now(),
    )


@transaction.atomic
def refill_approve(*, actor, refill: RefillRequest, quantity, refills) -> RefillRequest:
    """The prescriber approves, with the quantity and refills; the patient and pharmacy are
    told. With a prescription on file, it is renewed as a new order."""
    clinic_of(actor, "refill.decide")
    provider = _prescriber(actor)
    _open(refill, actor)
    locked = RefillRequest.objects.select_for_update().get(pk=refill.pk)
    _open(locked, actor)
    n = whole(quantity, field="quantity", label="Quantity", maximum=1000)
    r = whole(refills, field="refills", label="Refills", minimum=0, maximum=11)
    if refill.order is not None:
        old = refill.order
        refill.new_order = medication_order_create(
            actor=actor,
            patient=refill.patient,
            kind=MedicationOrder.Kind.PRESCRIPTION,
            drug_name=old.drug_name,
            rxnorm=old.rxnorm,
            ndc=old.ndc,
            drug_class=old.drug_class,
            dose_amount=old.dose_amount,
            dose_unit=old.dose_unit,
            route=old.route,
            frequency=old.frequency,
            quantity=n,
            refills=r,
            instructions=old.instructions,
            reason=f"refill request {refill.public_id}",
            replaces=old,
        )
    refill.status, refill.decided_by, refill.decided_at = RStatus.APPROVED, actor, timezone.now()
    refill.quantity, refill.refills = n, r
    _tell(refill, "approved", _context(refill, provider, quantity=n, refills=r))
    refill.stamp(actor)
    refill.save()
    audit_record(
        actor=actor,
        action="transition",
        obj=refill,
        patient=refill.patient,
        detail={"to": "approved", "quantity": n, "refills": r},
    )
    return refill


@transaction.atomic
def refill_deny(*, actor, refill: RefillRequest, reason: str) -> RefillRequest:
    """The prescriber denies, with the reason the patient and pharmacy are told."""
    clinic_of(actor, "refill.decide")
    provider = _prescriber(actor)
    _open(refill, actor)
    locked = RefillRequest.objects.select_for_update().get(pk=refill.pk)
    _open(locked, actor)
    why = text(reason, field="reason", label="Reason", max_length=500, required=True)
    refill.status, refill.decided_by, refill.decided_at = RStatus.DENIED, actor, timezone.now()
    refill.deny_reason = why
    _tell(refill, "denied", _context(refill, provider, reason=why))
    refill.stamp(actor)
    refill.save()
    audit_record(
        actor=actor,
        action="transition",
        obj=refill,
        patient=refill.patient,
        detail={"to": "denied", "reason": why},
    )
    return refill


def refill_age(refill: RefillRequest, now: datetime | None = None) -> timedelta:
    return (now or timezone.now()) - refill.created_at


PHARMACY_TOLD_SKEW = timedelta(minutes=5)  # a clock a little ahead is not "in the future"


@transaction.atomic
def refill_pharmacy_told(
    *,
    actor,
    refill: RefillRequest,
    channel: str,
    note: str = "",
    sent_at: datetime | None = None,
) -> PharmacyNotice:
    """Record that the pharmacy was told the answer: by fax, phone, the clinic's e-prescribing
    system or a printout the patient takes (sent outside medassist), when (now unless given:
    not in the future, not before the decision), who recorded it, and the reviewed message as
    sent. Once per request."""
    clinic = clinic_of(actor, "refill.tell")
    if refill.clinic_id != clinic.pk:
        raise ValidationFailed("Unknown refill request.")
    locked = RefillRequest.objects.select_for_update().get(pk=refill.pk)
    if locked.status not in {RStatus.APPROVED, RStatus.DENIED}:
        raise RefillState("The prescriber has not answered this request yet.")
    if not locked.pharmacy_message:
        raise ValidationFailed("This request names no pharmacy, so there is none to tell.")
    existing = PharmacyNotice.objects.filter(refill=locked).select_related("sent_by").first()
    if existing is not None:
        when = existing.sent_at.astimezone(clinic.tz)
        raise Duplicate(
            f"The pharmacy is recorded as told already ({existing.get_channel_display().lower()}"
            f", {when:%b %d, %Y %H:%M}, by {existing.sent_by.display_name})."
        )
    if channel not in PharmacyNotice.Channel.values:
        raise ValidationFailed(
            f"The channel is one of {', '.join(PharmacyNotice.Channel.values)}.", field="channel"
        )
    now = timezone.now()
    at = sent_at or now
    if timezone.is_naive(at):
        raise ValidationFailed("Give the time with its time zone.", field="sent_at")
    if at > now + PHARMACY_TOLD_SKEW:
        raise ValidationFailed("The time sent is in the future.", field="sent_at")
    if locked.decided_at and at < locked.decided_at:
        raise ValidationFailed("The time sent is before the prescriber answered.", field="sent_at")
    notice = PharmacyNotice(
        refill=locked,
        channel=channel,
        sent_at=at,
        sent_by=actor,
        message=locked.pharmacy_message,
        note=text(note, field="note", label="Note", max_length=300),
    )
    notice.stamp(actor)
    notice.save()
    audit_record(
        actor=actor,
        action="create",
        obj=notice,
        patient=locked.patient,
        detail={
            "refill": str(locked.public_id),
            "channel": channel,
            "sent_at": at.isoformat(),
        },
    )
    return notice
