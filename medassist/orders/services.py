"""Writes for orders: the compendium, signing lab / imaging / referral orders, every step of
their life to closure (collected or scheduled, sent, resulted, reviewed, patient told), and
cancelling. Each write checks the role, validates, saves, audits, in one transaction."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.clock import clinic_today
from medassist.core.errors import NotFound, ValidationFailed
from medassist.orders import notices
from medassist.orders.errors import (
    BadCompendium,
    BadTransition,
    FastingNotMet,
    NotAClinician,
    UnknownTemplate,
)
from medassist.orders.models import (
    CompendiumTest,
    Order,
    OrderEvent,
    OrderTest,
    PatientNotice,
    PerformingLab,
    Specimen,
    Tube,
    WorkItem,
)
from medassist.orders.prep import order_prep
from medassist.orders.selectors import tube_list
from medassist.practice.models import User
from medassist.practice.roles import require, staff_clinic
from medassist.practice.scope import require_task
from medassist.records.models import Document
from medassist.records.services.documents import document_upload
from medassist.reminders.models import Channel, Message
from medassist.reminders.quiet import after_quiet_hours

S = Order.Status

# Where an order may go next. RESULTED is reached by filing a result (ingest / POC).
NEXT: dict[str, set[str]] = {
    S.ORDERED: {S.COLLECTED, S.SCHEDULED, S.SENT, S.RESULTED, S.CANCELLED},
    S.COLLECTED: {S.SENT, S.RESULTED, S.CANCELLED},
    S.SCHEDULED: {S.SENT, S.RESULTED, S.SCHEDULED, S.CANCELLED},
    S.SENT: {S.RESULTED, S.SCHEDULED, S.CANCELLED},
    S.RESULTED: {S.RESULTED, S.REVIEWED},
    S.REVIEWED: {S.TOLD, S.RESULTED},
    S.TOLD: {S.RESULTED},
    S.CANCELLED: set(),
}


def _clean(value, *, field: str, label: str, max_length: int, required: bool = False) -> str:
    text = ("" if value is None else str(value)).strip()
    if required and not text:
        raise ValidationFailed(f"{label} is required.", field=field)
    if len(text) > max_length:
        raise ValidationFailed(f"{label} is longer than {max_length} characters.", field=field)
    return text


def transition(*, order: Order, to: str, actor: User | None, note: str = "", at=None) -> None:
    """Move an order to its next status and record the step (callers hold the transaction)."""
    if to not in NEXT.get(order.status, set()):
        raise BadTransition(
            f"This order is {order.get_status_display().lower()}; it cannot become "
            f"{Order.Status(to).label.lower()}."
        )
    before = order.status
    order.status = to
    at = at or timezone.now()
    OrderEvent.objects.create(order=order, status=to, at=at, by=actor, note=note[:500])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.TRANSITION,
        obj=order,
        patient=order.patient,
        clinic=order.clinic,
        detail={"from": before, "to": to},
    )


def _patient_in_clinic(actor: User, patient) -> None:
    if patient is None or patient.clinic_id != actor.clinic_id:
        raise NotFound("No such patient.")


def _clinician(actor: User):
    require(actor, "order.sign")
    provider = getattr(actor, "provider", None)
    if provider is None or provider.clinic_id != actor.clinic_id or not provider.active:
        raise NotAClinician("Only a clinician with a provider record can sign orders.")
    return provider


def new_number(prefix: str) -> str:
    return f"{prefix}{timezone.now():%y%m%d}{secrets.token_hex(3).upper()}"


def _due(actor: User, due_date) -> date:
    today = clinic_today(staff_clinic(actor))
    if due_date in (None, ""):
        return today
    if isinstance(due_date, str):
        try:
            due_date = date.fromisoformat(due_date)
        except ValueError as exc:
            raise ValidationFailed("Give the due date as YYYY-MM-DD.", field="due_date") from exc
    if due_date < today:
        raise ValidationFailed("The due date is in the past.", field="due_date")
    return due_date


def _priority(value) -> str:
    value = value or Order.Priority.ROUTINE
    if value not in Order.Priority.values:
        raise ValidationFailed("Priority is routine, urgent or stat.", field="priority")
    return value


def _save_new_order(order: Order, actor: User, note: str) -> Order:
    order.stamp(actor)
    for _ in range(5):
        order.placer_number = new_number("O")
        try:
            with transaction.atomic():
                order.save()
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - five random collisions in a row
        raise ValidationFailed("Could not number the order; try again.")
    OrderEvent.objects.create(
        order=order, status=S.ORDERED, at=order.signed_at, by=actor, note=note
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=order,
        patient=order.patient,
        detail={"kind": order.kind, "placer_number": order.placer_number},
    )
    return order


# --- compendium -----------------------------------------------------------------------------


@transaction.atomic
def compendium_load(*, actor: User, data: dict) -> PerformingLab:
    """Load (or update) one performing lab's compendium from its JSON form (see
    orders/data/demo_compendium.json). Every test is checked before anything is saved."""
    require(actor, "compendium.manage")
    clinic = staff_clinic(actor)
    if not isinstance(data, dict) or not isinstance(data.get("lab"), dict):
        raise BadCompendium("A compendium is an object with a 'lab' and its 'tests'.")
    lab_data = data["lab"]
    code = _clean(
        lab_data.get("code"), field="lab.code", label="Lab code", max_length=40, required=True
    )
    name = _clean(
        lab_data.get("name"), field="lab.name", label="Lab name", max_length=200, required=True
    )
    tests = data.get("tests")
    if not isinstance(tests, list) or not tests:
        raise BadCompendium("The compendium lists no tests.")
    rows = []
    seen: set[str] = set()
    for n, t in enumerate(tests, start=1):
        where = f"Test {n}"
        if not isinstance(t, dict):
            raise BadCompendium(f"{where} is not an object.")
        order_code = _clean(
            t.get("order_code"),
            field="order_code",
            label=f"{where} order code",
            max_length=40,
            required=True,
        )
        if order_code in seen:
            raise BadCompendium(f"{where}: order code {order_code} appears twice.")
        seen.add(order_code)
        loinc = _clean(
            t.get("loinc"), field="loinc", label=f"{where} LOINC", max_length=20, required=True
        )
        if not _loinc_ok(loinc):
            raise BadCompendium(f"{where}: {loinc!r} is not a valid LOINC code.")
        tube = t.get("tube")
        if tube not in Tube.values:
            raise BadCompendium(f"{where}: tube {tube!r} is not one of {', '.join(Tube.values)}.")
        try:
            volume = Decimal(str(t.get("volume_ml")))
        except InvalidOperation as exc:
            raise BadCompendium(f"{where}: volume_ml must be a number of millilitres.") from exc
        if not volume.is_finite() or volume <= 0 or volume > 100:
            raise BadCompendium(f"{where}: volume_ml must be between 0 and 100.")
        comps = t.get("components") or []
        if not isinstance(comps, list) or any(
            not isinstance(c, dict) or not _loinc_ok(str(c.get("loinc", ""))) for c in comps
        ):
            raise BadCompendium(f"{where}: components must each have a valid LOINC code.")
        rows.append(
            {
                "order_code": order_code,
                "loinc": loinc,
                "name": _clean(
                    t.get("name"),
                    field="name",
                    label=f"{where} name",
                    max_length=200,
                    required=True,
                ),
                "specimen_type": _clean(
                    t.get("specimen_type") or "Blood",
                    field="specimen_type",
                    label=f"{where} specimen",
                    max_length=60,
                ),
                "tube": tube,
                "volume_ml": volume,
                "fasting_required": bool(t.get("fasting_required")),
                "handling": _clean(
                    t.get("handling"), field="handling", label=f"{where} handling", max_length=300
                ),
                "components": comps,
            }
        )
    lab, _ = PerformingLab.objects.update_or_create(
        clinic=clinic,
        code=code,
        defaults={"name": name, "source": str(data.get("source", ""))[:300], "active": True},
    )
    for row in rows:
        CompendiumTest.objects.update_or_create(
            lab=lab, order_code=row.pop("order_code"), defaults={**row, "active": True}
        )
    lab.tests.exclude(order_code__in=seen).update(active=False)
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, obj=lab, detail={"tests": len(rows)})
    return lab


def _loinc_ok(code: str) -> bool:
    """LOINC codes are digits, a hyphen and a mod-10 check digit."""
    body, _, check = code.partition("-")
    if not body.isdigit() or not check.isdigit() or len(check) != 1:
        return False
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return (10 - total % 10) % 10 == int(check)


# --- signing orders -------------------------------------------------------------------------


@transaction.atomic
def order_lab_create(
    *,
    actor: User,
    patient,
    lab: PerformingLab,
    tests: list[CompendiumTest],
    due_date=None,
    priority: str = Order.Priority.ROUTINE,
    diagnosis: str = "",
    note: str = "",
) -> Order:
    provider = _clinician(actor)
    _patient_in_clinic(actor, patient)
    if lab is None or lab.clinic_id != actor.clinic_id or not lab.active:
        raise ValidationFailed("Choose a performing lab.", field="lab")
    tests = list(tests or [])
    if not tests:
        raise ValidationFailed("Choose at least one test.", field="tests")
    if len({t.pk for t in tests}) != len(tests):
        raise ValidationFailed("A test is chosen twice.", field="tests")
    for t in tests:
        if t.lab_id != lab.pk or not t.active:
            raise ValidationFailed(f"{t.name} is not in {lab.name}'s compendium.", field="tests")
    order = Order(
        clinic=staff_clinic(actor),
        patient=patient,
        kind=Order.Kind.LAB,
        priority=_priority(priority),
        ordering_provider=provider,
        signed_by=actor,
        signed_at=timezone.now(),
        due_date=_due(actor, due_date),
        diagnosis=_clean(diagnosis, field="diagnosis", label="Diagnosis", max_length=200),
        note=_clean(note, field="note", label="Note", max_length=2000),
        lab=lab,
        fasting_required=any(t.fasting_required for t in tests),
    )
    _save_new_order(order, actor, "Signed")
    OrderTest.objects.bulk_create(
        [OrderTest(order=order, test=t, loinc=t.loinc, name=t.name) for t in tests]
    )
    return order


@transaction.atomic
def order_imaging_create(
    *,
    actor: User,
    patient,
    modality: str,
    body_site: str,
    reason: str,
    procedure_name: str = "",
    procedure_code: str = "",
    due_date=None,
    priority: str = Order.Priority.ROUTINE,
    diagnosis: str = "",
    note: str = "",
) -> Order:
    provider = _clinician(actor)
    _patient_in_clinic(actor, patient)
    order = Order(
        clinic=staff_clinic(actor),
        patient=patient,
        kind=Order.Kind.IMAGING,
        priority=_priority(priority),
        ordering_provider=provider,
        signed_by=actor,
        signed_at=timezone.now(),
        due_date=_due(actor, due_date),
        modality=_clean(modality, field="modality", label="Modality", max_length=40, required=True),
        body_site=_clean(
            body_site, field="body_site", label="Body site", max_length=100, required=True
        ),
        procedure_name=_clean(
            procedure_name, field="procedure_name", label="Procedure", max_length=200
        ),
        procedure_code=_clean(procedure_code, field="procedure_code", label="Code", max_length=20),
        reason=_clean(reason, field="reason", label="Reason", max_length=2000, required=True),
        diagnosis=_clean(diagnosis, field="diagnosis", label="Diagnosis", max_length=200),
        note=_clean(note, field="note", label="Note", max_length=2000),
    )
    return _save_new_order(order, actor, "Signed")


@transaction.atomic
def order_referral_create(
    *,
    actor: User,
    patient,
    refer_to: str,
    reason: str,
    specialty: str = "",
    priority: str = Order.Priority.ROUTINE,
    documents=(),
    due_date=None,
    diagnosis: str = "",
    note: str = "",
) -> Order:
    provider = _clinician(actor)
    _patient_in_clinic(actor, patient)
    docs = list(documents or [])
    for d in docs:
        if d.patient_id != patient.pk:
            raise ValidationFailed(
                "An attached document belongs to another patient.", field="documents"
            )
    order = Order(
        clinic=staff_clinic(actor),
        patient=patient,
        kind=Order.Kind.REFERRAL,
        priority=_priority(priority),
        ordering_provider=provider,
        signed_by=actor,
        signed_at=timezone.now(),
        due_date=_due(actor, due_date),
        refer_to=_clean(
            refer_to, field="refer_to", label="Refer to", max_length=200, required=True
        ),
        specialty=_clean(specialty, field="specialty", label="Specialty", max_length=100),
        reason=_clean(reason, field="reason", label="Reason", max_length=2000, required=True),
        diagnosis=_clean(diagnosis, field="diagnosis", label="Diagnosis", max_length=200),
        note=_clean(note, field="note", label="Note", max_length=2000),
    )
    _save_new_order(order, actor, "Signed")
    if docs:
        order.documents.set(docs)
    return order


# --- the order's life -----------------------------------------------------------------------


def _own(actor: User, order: Order) -> None:
    """The order is the actor's clinic's; it is re-read, locked, so the step is decided on
    its current status (another request may have moved it)."""
    if order.clinic_id != actor.clinic_id:
        raise NotFound("No such order.")
    lock(order)


def lock(order: Order) -> None:
    fresh = Order.objects.select_for_update().get(pk=order.pk)
    for f in Order._meta.concrete_fields:
        setattr(order, f.attname, getattr(fresh, f.attname))


@transaction.atomic
def order_schedule(
    *, actor: User, order: Order, appointment_at: datetime, place: str = ""
) -> Order:
    """Record the outside appointment made for an imaging study or a referral."""
    require(actor, "order.manage")
    _own(actor, order)
    if order.kind == Order.Kind.LAB:
        raise BadTransition("A lab order is collected, not scheduled.")
    if appointment_at is None or timezone.is_naive(appointment_at):
        raise ValidationFailed("Give the appointment's date and time.", field="appointment_at")
    order.appointment_at = appointment_at
    order.appointment_place = _clean(place, field="place", label="Place", max_length=200)
    transition(order=order, to=S.SCHEDULED, actor=actor, note=order.appointment_place)
    order.stamp(actor)
    order.save()
    return order


@transaction.atomic
def specimens_collect(
    *,
    actor: User,
    order: Order,
    site: str,
    fasting_confirmed: bool | None,
    collected_at: datetime | None = None,
    supervisor_present: bool | None = None,
) -> list[Specimen]:
    """Draw the specimens for a lab order: one container per tube type, in order of draw.
    The drawer must be allowed to draw blood where the clinic is (practice.scope)."""
    require(actor, "specimen.collect")
    require_task(actor, "venipuncture", supervisor_present=supervisor_present)
    _own(actor, order)
    if order.kind != Order.Kind.LAB:
        raise BadTransition("Only a lab order has specimens.")
    if order.status != S.ORDERED:
        raise BadTransition("The specimens for this order were already collected.")
    site = _clean(site, field="site", label="Site", max_length=60, required=True)
    if order.fasting_required and fasting_confirmed is None:
        raise FastingNotMet(
            "Ask whether the patient fasted: this order needs fasting.", field="fasting_confirmed"
        )
    if order.fasting_required and fasting_confirmed is False:
        raise FastingNotMet(
            "The patient has not fasted and this order needs fasting: reschedule the draw or "
            "ask the clinician.",
            field="fasting_confirmed",
        )
    now = timezone.now()
    collected_at = collected_at or now
    if collected_at > now:
        raise ValidationFailed("The collection time is in the future.", field="collected_at")
    specimens = []
    for tube in tube_list(order):
        specimens.append(
            Specimen(
                order=order,
                accession=new_number("S"),
                tube=tube["tube"],
                specimen_type=tube["specimen_type"],
                volume_ml=tube["volume_ml"],
                collected_at=collected_at,
                collected_by=actor,
                site=site,
                fasting_confirmed=fasting_confirmed,
            )
        )
    for s in specimens:
        s.stamp(actor)
        s.save()
    transition(
        order=order, to=S.COLLECTED, actor=actor, note=f"{len(specimens)} container(s), {site}"
    )
    order.stamp(actor)
    order.save()
    return specimens


@transaction.atomic
def draw_collect(
    *,
    actor: User,
    orders: list[Order],
    site: str,
    fasting_confirmed: bool | None,
    supervisor_present: bool | None = None,
) -> list[Specimen]:
    """One venipuncture for every lab order of one patient waiting for its draw: each order's
    containers, all at the same time and site, or none of them (one order refused refuses
    the draw)."""
    if not orders:
        raise ValidationFailed("Choose the orders drawn.", field="orders")
    if len({o.patient_id for o in orders}) > 1:
        raise ValidationFailed("One draw is for one patient's orders.", field="orders")
    now = timezone.now()
    specimens: list[Specimen] = []
    for order in orders:
        specimens += specimens_collect(
            actor=actor,
            order=order,
            site=site,
            fasting_confirmed=fasting_confirmed,
            collected_at=now,
            supervisor_present=supervisor_present,
        )
    return specimens


@transaction.atomic
def order_mark_sent(*, actor: User | None, order: Order, note: str = "") -> Order:
    if actor is not None:
        require(actor, "order.manage")
        _own(actor, order)
    else:
        lock(order)
    transition(order=order, to=S.SENT, actor=actor, note=note)
    order.sent_at = timezone.now()
    order.stamp(actor)
    order.save()
    return order


@transaction.atomic
def order_review(*, actor: User, order: Order, comment: str = "") -> Order:
    """The clinician has looked at the results; open alerts for this order are done."""
    require(actor, "result.review")
    _own(actor, order)
    if order.status != S.RESULTED:
        raise BadTransition("Only a resulted order can be reviewed.")
    now = timezone.now()
    order.review_comment = _clean(comment, field="comment", label="Comment", max_length=2000)
    order.reviewed_at = now
    order.reviewed_by = actor
    transition(order=order, to=S.REVIEWED, actor=actor, note=order.review_comment)
    order.stamp(actor)
    order.save()
    WorkItem.objects.filter(order=order, done_at__isnull=True).exclude(
        kind=WorkItem.Kind.UNMATCHED
    ).update(done_at=now, done_by=actor, resolution="Reviewed")
    return order


@transaction.atomic
def order_tell_patient(
    *, actor: User, order: Order, template: str, clinician_text: str = "", channel: str = ""
) -> PatientNotice:
    """Tell the patient by a reviewed template the clinician picks (with their own words where
    the template asks for them). The message is queued for the patient."""
    require(actor, "result.review")
    _own(actor, order)
    if order.status != S.REVIEWED:
        raise BadTransition("Review the result before telling the patient.")
    t = notices.TEMPLATES.get(template)
    if t is None:
        raise UnknownTemplate("Pick one of the reviewed messages.", field="template")
    text = _clean(clinician_text, field="clinician_text", label="Message", max_length=1500)
    if t.needs_text and not text:
        raise ValidationFailed("Write your message to the patient.", field="clinician_text")
    if not t.needs_text and text:
        raise ValidationFailed(
            "This reviewed message has no place for your words; pick 'My own message'.",
            field="clinician_text",
        )
    patient = order.patient
    channel, to = _patient_address(patient, channel)
    clinic = order.clinic
    clinician = _clinician_name(order.ordering_provider)
    subject, body = notices.render(
        template,
        first_name=patient.first_name,
        clinic=clinic.name,
        test=_patient_test_name(order),
        clinician=clinician,
        text=text,
    )
    now = timezone.now()
    msg = Message(
        clinic=clinic,
        patient=patient,
        kind=Message.Kind.REPLY,
        channel=channel,
        to=to,
        subject=subject,
        body=body,
        scheduled_for=after_quiet_hours(now, clinic.tz),
    )
    msg.stamp(actor)
    msg.save()
    notice = PatientNotice(
        order=order,
        template=template,
        clinician_text=text,
        subject=subject,
        body=body,
        channel=channel,
        sent_by=actor,
        delivery_id=msg.pk,
    )
    notice.stamp(actor)
    notice.save()
    order.told_at = now
    transition(order=order, to=S.TOLD, actor=actor, note=t.label)
    order.stamp(actor)
    order.save()
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=notice, patient=patient)
    return notice


def _patient_address(patient, channel: str) -> tuple[str, str]:
    """The channel (text if a mobile is on file, else email, unless one is asked for) and the
    patient's number or address on it; refused when the patient has none."""
    channel = channel or (Channel.SMS if patient.phone_mobile else Channel.EMAIL)
    if channel not in Channel.values:
        raise ValidationFailed("Send by text message or email.", field="channel")
    to = patient.phone_mobile if channel == Channel.SMS else patient.email
    if not to:
        raise ValidationFailed(
            f"The patient has no {'mobile number' if channel == Channel.SMS else 'email'} on file.",
            field="channel",
        )
    return channel, to


def _clinician_name(provider) -> str:
    """How a patient message names the ordering clinician: Dr. Chen, or Elena Vasquez, NP."""
    if provider.credentials in ("", "MD", "DO"):
        return f"Dr. {provider.last_name}"
    return f"{provider.first_name} {provider.last_name}, {provider.credentials}"


def _patient_test_name(order: Order) -> str:
    if order.kind == Order.Kind.LAB:
        return order.title.lower() if len(order.title) < 80 else "lab tests"
    if order.kind == Order.Kind.IMAGING:
        return f"{order.modality} {order.body_site}".strip()
    return "referral"


@transaction.atomic
def order_cancel(*, actor: User, order: Order, reason: str) -> Order:
    require(actor, "order.sign")
    _own(actor, order)
    order.cancelled_reason = _clean(
        reason, field="reason", label="Reason", max_length=300, required=True
    )
    transition(order=order, to=S.CANCELLED, actor=actor, note=order.cancelled_reason)
    order.stamp(actor)
    order.save()
    return order


@transaction.atomic
def work_item_done(*, actor: User, item: WorkItem, resolution: str) -> WorkItem:
    require(actor, "result.receive")
    if item.clinic_id != actor.clinic_id:
        raise NotFound("No such work item.")
    if item.kind in (WorkItem.Kind.ABNORMAL, WorkItem.Kind.CRITICAL):
        require(actor, "result.review")
    if item.done_at is not None:
        raise BadTransition("This item is already done.")
    item.resolution = _clean(
        resolution, field="resolution", label="What was done", max_length=300, required=True
    )
    item.done_at = timezone.now()
    item.done_by = actor
    item.stamp(actor)
    item.save()
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, obj=item, patient=item.patient)
    return item


@transaction.atomic
def order_send_prep(*, actor: User, order: Order, channel: str = "") -> Message:
    """Send the patient the clinic's own preparation instructions for the tests of a lab order
    waiting for its draw (e.g. fasting before a lipid panel), by the reviewed prep message,
    through the reminders queue (after quiet hours). Recorded on the order's history."""
    require(actor, "order.manage")
    _own(actor, order)
    if order.kind != Order.Kind.LAB or order.status != S.ORDERED:
        raise BadTransition("Preparation instructions go out before the draw of a lab order.")

    instructions = order_prep(order)
    if not instructions:
        raise ValidationFailed(
            "The clinic has no preparation instructions for these tests: the clinic admin adds "
            "them under Preparation instructions."
        )
    patient = order.patient
    channel, to = _patient_address(patient, channel)
    clinic, test = order.clinic, _patient_test_name(order)
    facts = {"first_name": patient.first_name, "clinic": clinic.name, "test": test,
             "clinician": _clinician_name(order.ordering_provider)}
    text = "\n\n".join(f"{p.title}:\n{p.body.strip()}" for p in instructions)
    msg = Message(
        clinic=clinic,
        patient=patient,
        kind=Message.Kind.PREP,
        channel=channel,
        to=to,
        subject=notices.PREP_SUBJECT.format(**facts),
        body=notices.PREP_BODY.format(**facts, instructions=text),
        scheduled_for=after_quiet_hours(timezone.now(), clinic.tz),
    )
    msg.stamp(actor)
    msg.save()
    how = "text message" if channel == Channel.SMS else "email"
    OrderEvent.objects.create(
        order=order, status=order.status, at=timezone.now(), by=actor,
        note=f"{notices.PREP_SENT_NOTE} by {how}: {', '.join(p.title for p in instructions)}"[:500],
    )
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=msg, patient=patient)
    return msg


def result_alert(actor: User, order: Order, *, critical: bool) -> WorkItem:
    """An abnormal or critical result reaches the ordering clinician's inbox at once."""
    kind = WorkItem.Kind.CRITICAL if critical else WorkItem.Kind.ABNORMAL
    word = "Critical" if critical else "Abnormal"
    item = WorkItem(
        clinic=order.clinic,
        kind=kind,
        title=f"{word} result: {order.title} for {order.patient.display_name}"[:300],
        order=order,
        patient=order.patient,
        assignee=order.ordering_provider.user,
    )
    item.stamp(actor)
    item.save()
    return item


REPORT_KINDS = (Order.Kind.IMAGING, Order.Kind.REFERRAL)


@transaction.atomic
def order_report_receive(
    *, actor: User, order: Order, uploaded_file, title: str = "", abnormal: bool = False
) -> Order:
    """The report of an imaging study or a referral came back (a radiology read, a consult
    letter; usually by fax): it is filed to the chart as an outside record and the order is
    resulted, waiting for the clinician's review. Marked abnormal, the ordering clinician is
    alerted at once, as for a lab result."""
    require(actor, "result.receive")
    _own(actor, order)
    if order.kind not in REPORT_KINDS:
        raise BadTransition(
            "A lab order's results come from the lab's result message or a point-of-care test."
        )
    if order.status not in (S.ORDERED, S.SCHEDULED, S.SENT):
        raise BadTransition(
            f"This order is {order.get_status_display().lower()}; its report is already in."
        )
    if uploaded_file is None:
        raise ValidationFailed("Attach the report (PDF or image).", field="file")
    title = _clean(title, field="title", label="Title", max_length=200) or (
        f"Report: {order.title}"[:200]
    )
    document = document_upload(
        actor=actor,
        patient=order.patient,
        uploaded_file=uploaded_file,
        title=title,
        kind=Document.Kind.OUTSIDE_RECORD,
        note=f"Report for order {order.placer_number}",
    )
    order.report = document
    order.resulted_at = timezone.now()
    order.abnormal = bool(abnormal)
    transition(order=order, to=S.RESULTED, actor=actor, note=f"Report received: {title}"[:500])
    order.stamp(actor)
    order.save()
    if abnormal:
        result_alert(actor, order, critical=False)
    return order
