"""Results in: ORU^R01 messages matched to their order and patient and filed as chart
Observations (through records' services), with an ACK (AA / AE / AR) built with hl7apy.

- A result never lands on a guessed patient: one patient of the clinic must carry a PID-3
  identifier as MRN *and* agree on family name, given name and date of birth, and every OBR
  must name (OBR-2 / ORC-2) an open lab order of that patient. Anything else is held, whole,
  as an unmatched work-queue item.
- The same message (sending application + MSH-10 control id) twice files once.
- A malformed message files nothing: every OBX is checked before the first is filed.
- Abnormal or critical flags (OBX-8) raise an alert for the ordering clinician in the same
  transaction that files the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import NotFound, ValidationFailed
from medassist.core.normalize import name_key
from medassist.orders.errors import BadTransition
from medassist.orders.hl7 import (
    HL7Error,
    ParsedMessage,
    build_ack,
    field_text,
    parse_date,
    parse_decimal,
    parse_ts,
    read_messages,
    repetitions,
    unescape,
)
from medassist.orders.models import HL7Message, Order, ResultLink, WorkItem
from medassist.orders.services import new_number, result_alert, transition
from medassist.patients.models import Patient
from medassist.practice.models import User
from medassist.practice.roles import require, staff_clinic
from medassist.records.models import CodeSystem, Observation
from medassist.records.services import observation_create

ABNORMAL_FLAGS = {"L", "H", "A", "LU", "HU", "<", ">", "N", "W", "S", "R", "I", "B", "U", "D"}
CRITICAL_FLAGS = {"LL", "HH", "AA"}
NORMAL_FLAGS = {"", "N"}
OBX_STATUS = {
    "F": Observation.Status.FINAL,
    "C": Observation.Status.CORRECTED,
    "P": Observation.Status.PRELIMINARY,
    "R": Observation.Status.PRELIMINARY,
    "S": Observation.Status.PRELIMINARY,
    "A": Observation.Status.AMENDED,
    "X": Observation.Status.CANCELLED,
    "": Observation.Status.FINAL,
}
NUMERIC_TYPES = {"NM", "SN"}
TEXT_TYPES = {"ST", "TX", "FT", "CE", "CWE", "CNE", "CF", "IS", "ID", "TS", "DT", "DTM", "TM"}
OPEN_FOR_RESULTS = {
    Order.Status.ORDERED,
    Order.Status.COLLECTED,
    Order.Status.SENT,
    Order.Status.SCHEDULED,
    Order.Status.RESULTED,
    Order.Status.REVIEWED,
    Order.Status.TOLD,
}


@dataclass
class Outcome:
    state: str  # filed | unmatched | duplicate | rejected | error
    ack: str
    control_id: str = ""
    error: str = ""
    results: int = 0
    message: HL7Message | None = None
    alerts: list[WorkItem] = field(default_factory=list)


@dataclass
class Result:
    set_id: int
    code: str
    code_system: str
    display: str
    value_quantity: Decimal | None
    value_string: str
    unit: str
    reference_range: str
    flag: str
    status: str
    effective_at: datetime


@dataclass
class Request:
    placer: str
    filler: str
    results: list[Result]


def _ack(m: ParsedMessage | None, code: str, text: str, segment: str = "") -> str:
    return build_ack(
        m,
        code=code,
        text=text,
        control_id=new_number("A"),
        when=timezone.now(),
        error_segment=segment,
    )


def receive(*, actor: User, data: bytes | str) -> list[Outcome]:
    """Receive one file or frame: every message in it, each in its own transaction."""
    require(actor, "result.receive")
    require(actor, "chart.edit")
    try:
        messages = read_messages(data)
    except HL7Error as exc:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.REFUSED,
            object_type="orders.HL7Message",
            detail={"error": str(exc)[:300]},
        )
        return [Outcome(state="rejected", ack=_ack(None, "AR", str(exc)), error=str(exc))]
    return [receive_message(actor=actor, message=m) for m in messages]


def receive_message(*, actor: User, message: ParsedMessage) -> Outcome:
    m = message
    if m.type.split("^")[:2] != ["ORU", "R01"]:
        text = f"Only ORU^R01 result messages are accepted here, not {m.type}."
        return Outcome(
            state="rejected", ack=_ack(m, "AR", text, "MSH"), control_id=m.control_id, error=text
        )
    sending_app = field_text(m.msh, 3, 1, m.encoding_chars)[:200]
    clinic = staff_clinic(actor)
    if HL7Message.objects.filter(
        clinic=clinic,
        direction=HL7Message.Direction.IN,
        sending_app=sending_app,
        control_id=m.control_id,
    ).exists():
        return _duplicate(m)
    try:
        requests, pid = _read(m)
    except HL7Error as exc:
        return Outcome(
            state="error", ack=_ack(m, "AE", str(exc)), control_id=m.control_id, error=str(exc)
        )
    try:
        with transaction.atomic():
            return _file(actor=actor, m=m, requests=requests, pid=pid, sending_app=sending_app)
    except IntegrityError:  # the same message arrived twice at once: the other one filed it
        return _duplicate(m)


def _duplicate(m: ParsedMessage) -> Outcome:
    text = f"Message {m.control_id} was received before; it was filed once."
    return Outcome(state="duplicate", ack=_ack(m, "AA", text), control_id=m.control_id)


def _read(m: ParsedMessage) -> tuple[list[Request], dict]:
    enc = m.encoding_chars
    pids = m.all("PID")
    if not pids:
        raise HL7Error("The result has no PID segment: there is no patient to file it to.")
    if len(pids) > 1:
        raise HL7Error(
            "The message holds results for more than one patient (several PID segments)."
        )
    pid_seg = pids[0]
    pid = {
        "ids": m.patient_ids,
        "family": field_text(pid_seg, 5, 1, enc),
        "given": field_text(pid_seg, 5, 2, enc),
        "dob": parse_date(field_text(pid_seg, 7, 1, enc)),
    }
    msh_time = parse_ts(field_text(m.msh, 7, 1, enc)) or timezone.now()
    requests: list[Request] = []
    placer_from_orc = ""
    current: Request | None = None
    obr_time = msh_time
    for number, seg in enumerate(m.segments, start=1):
        if seg.name == "ORC":
            placer_from_orc = field_text(seg, 2, 1, enc)
        elif seg.name == "OBR":
            placer = field_text(seg, 2, 1, enc) or placer_from_orc
            current = Request(placer=placer, filler=field_text(seg, 3, 1, enc), results=[])
            requests.append(current)
            obr_time = parse_ts(field_text(seg, 7, 1, enc)) or msh_time
        elif seg.name == "OBX":
            if current is None:
                raise HL7Error(
                    f"Segment {number} (OBX) comes before any OBR: the result belongs to no order."
                )
            current.results.append(_result(seg, number, enc, obr_time))
    if not requests or not any(r.results for r in requests):
        raise HL7Error("The message has no OBX result segment (in segment OBR).")
    return requests, pid


def _result(seg, number: int, enc: dict, default_time: datetime) -> Result:
    where = f"segment {number} (OBX)"
    vtype = field_text(seg, 2, 1, enc).upper()
    code = field_text(seg, 3, 1, enc)
    name = field_text(seg, 3, 2, enc)
    system = field_text(seg, 3, 3, enc).upper()
    if not code and not name:
        raise HL7Error(f"OBX-3 (what was measured) is empty in {where}.")
    values = repetitions(seg, 5)
    raw = values[0].to_er7() if values else ""
    status_code = field_text(seg, 11, 1, enc).upper()
    if status_code not in OBX_STATUS:
        raise HL7Error(f"OBX-11 result status {status_code!r} is not a known status in {where}.")
    status = OBX_STATUS[status_code]
    quantity: Decimal | None = None
    text = ""
    if vtype in NUMERIC_TYPES:
        if vtype == "SN":
            comparator = field_text(seg, 5, 1, enc)
            number_text = field_text(seg, 5, 2, enc)
            if comparator not in ("", "=", "<", ">", "<=", ">=", "<>"):
                raise HL7Error(f"OBX-5 structured numeric {raw!r} is not readable in {where}.")
            quantity = parse_decimal(number_text)
            if comparator not in ("", "="):
                text, quantity = f"{comparator}{number_text}", None
        else:
            quantity = parse_decimal(field_text(seg, 5, 1, enc))
        if quantity is None and not text and status != Observation.Status.CANCELLED:
            raise HL7Error(
                f"OBX-5 value {raw!r} is not a number, as OBX-2 ({vtype}) says, in {where}."
            )
    elif vtype in TEXT_TYPES or vtype == "":
        if vtype in ("CE", "CWE", "CNE"):
            text = field_text(seg, 5, 2, enc) or field_text(seg, 5, 1, enc)
        else:
            text = unescape(raw, enc).strip()
        if not text and status != Observation.Status.CANCELLED:
            raise HL7Error(f"OBX-5 (the value) is empty in {where}.")
    else:
        raise HL7Error(f"OBX-2 value type {vtype!r} cannot be filed as a result, in {where}.")
    unit = field_text(seg, 6, 1, enc)
    flag = field_text(seg, 8, 1, enc).upper()
    when = parse_ts(field_text(seg, 14, 1, enc)) or default_time
    if when > timezone.now():
        raise HL7Error(f"OBX-14 gives a result time in the future, in {where}.")
    if system in ("LN", "LOINC") and code:
        code_system, display = CodeSystem.LOINC, name or code
    else:
        code_system = CodeSystem.TEXT
        display = f"{name} ({code})" if name and code else (name or code)
    return Result(
        set_id=number,
        code=code if code_system == CodeSystem.LOINC else "",
        code_system=code_system,
        display=display[:300],
        value_quantity=quantity,
        value_string=text[:1000],
        unit=unit[:40] if quantity is not None else "",
        reference_range=field_text(seg, 7, 1, enc)[:200],
        flag=flag[:10],
        status=status,
        effective_at=when,
    )


def _match_patient(clinic, pid: dict) -> tuple[Patient | None, str]:
    ids = [i for i in pid["ids"] if i]
    if not ids:
        return None, "PID-3 carries no patient identifier."
    candidates = list(Patient.objects.filter(clinic=clinic, mrn__in=ids)[:2])
    if not candidates:
        return None, f"No patient has MRN {', '.join(ids)}."
    if len(candidates) > 1:
        return None, "The identifiers in PID-3 match more than one patient."
    p = candidates[0]
    problems = []
    if not pid["family"] or name_key(pid["family"]) != p.last_name_key:
        problems.append("family name")
    if not pid["given"] or name_key(pid["given"]) != p.first_name_key:
        problems.append("given name")
    if pid["dob"] is None or pid["dob"] != p.date_of_birth:
        problems.append("date of birth")
    if problems:
        verb = "does" if len(problems) == 1 else "do"
        return None, f"MRN {p.mrn} is on file but the {' and '.join(problems)} {verb} not agree."
    return p, ""


def _file(
    *, actor: User, m: ParsedMessage, requests: list[Request], pid: dict, sending_app: str
) -> Outcome:
    clinic = staff_clinic(actor)
    now = timezone.now()
    row = HL7Message(
        clinic=clinic,
        direction=HL7Message.Direction.IN,
        control_id=m.control_id[:200],
        message_type=m.type[:20],
        sending_app=sending_app,
        raw=m.er7,
        at=now,
        state=HL7Message.State.FILED,
    )
    patient, why = _match_patient(clinic, pid)
    orders: dict[str, Order] = {}
    if patient is not None:
        for r in requests:
            order = (
                Order.objects.select_for_update()
                .filter(clinic=clinic, patient=patient, kind=Order.Kind.LAB, placer_number=r.placer)
                .first()
                if r.placer
                else None
            )
            if order is None or order.status not in OPEN_FOR_RESULTS:
                why = (
                    f"No open order {r.placer} for this patient."
                    if r.placer
                    else "The result names no order number (OBR-2 / ORC-2)."
                )
                break
            orders[r.placer] = order
    if patient is None or len(orders) != len({r.placer for r in requests}):
        row.state = HL7Message.State.UNMATCHED
        row.error = why[:500]
        row.ack_code = "AA"
        row.stamp(actor)
        row.save()
        names = f"{pid['family']}, {pid['given']}".strip(", ")
        item = WorkItem(
            clinic=clinic,
            kind=WorkItem.Kind.UNMATCHED,
            title=f"Unmatched result for {names or 'unknown patient'}: {why}"[:300],
            message=row,
        )
        item.stamp(actor)
        item.save()
        audit_record(
            actor=actor, action=AuditEvent.Action.CREATE, obj=row, detail={"state": row.state}
        )
        text = f"Held for review: {why}"
        return Outcome(
            state="unmatched",
            ack=_ack(m, "AA", text),
            control_id=m.control_id,
            error=why,
            message=row,
        )
    row.patient = patient
    row.order = next(iter(orders.values()))
    row.ack_code = "AA"
    row.stamp(actor)
    row.save()
    filed = 0
    alerts: list[WorkItem] = []
    for r in requests:
        order = orders[r.placer]
        worst = ""
        for res in r.results:
            obs = observation_create(
                actor=actor,
                patient=patient,
                display=res.display,
                code_system=res.code_system,
                code=res.code,
                status=res.status,
                effective_at=res.effective_at,
                issued_at=now,
                value_quantity=res.value_quantity,
                value_unit=res.unit,
                value_string=res.value_string,
                interpretation=res.flag,
                reference_range=res.reference_range,
                source_identifier=f"hl7:{sending_app}:{m.control_id}:{res.set_id}"[:200],
            )
            ResultLink.objects.create(order=order, observation=obs, message=row, flag=res.flag)
            filed += 1
            if res.flag in CRITICAL_FLAGS:
                worst = "critical"
            elif res.flag not in NORMAL_FLAGS and worst != "critical":
                worst = "abnormal"
        if r.filler and not order.filler_number:
            order.filler_number = r.filler[:60]
        order.resulted_at = now
        order.abnormal = order.abnormal or bool(worst)
        order.critical = order.critical or worst == "critical"
        transition(order=order, to=Order.Status.RESULTED, actor=actor, note=f"HL7 {m.control_id}")
        order.stamp(actor)
        order.save()
        if worst:
            alerts.append(result_alert(actor, order, critical=worst == "critical"))
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=row,
        patient=patient,
        detail={"state": row.state, "results": filed},
    )
    return Outcome(
        state="filed",
        ack=_ack(m, "AA", ""),
        control_id=m.control_id,
        results=filed,
        message=row,
        alerts=alerts,
    )


@transaction.atomic
def unmatched_file(*, actor: User, item: WorkItem, order: Order) -> Outcome:
    """A person has checked an unmatched result and names the order it belongs to. The
    message's patient must still agree with the order's patient on name and date of birth
    (the MRN may differ: an outside lab's number); otherwise it stays in the queue."""
    require(actor, "result.receive")
    if (
        item.clinic_id != actor.clinic_id
        or item.kind != WorkItem.Kind.UNMATCHED
        or item.message is None
    ):
        raise NotFound("No such unmatched result.")
    if item.done_at is not None:
        raise BadTransition("This result was already dealt with.")
    if order.clinic_id != actor.clinic_id or order.kind != Order.Kind.LAB:
        raise NotFound("No such order.")
    row = item.message
    (m,) = read_messages(row.raw)
    requests, pid = _read(m)
    p = order.patient
    pid = {**pid, "ids": [p.mrn]}
    patient, why = _match_patient(order.clinic, pid)
    if patient is None or patient.pk != p.pk:
        raise ValidationFailed(f"This result does not belong to {p.display_name}: {why}")
    for r in requests:
        r.placer = order.placer_number
    row.control_id = f"{row.control_id}#filed"[:200]  # the held row keeps its place
    row.save(update_fields=["control_id"])
    outcome = _file(actor=actor, m=m, requests=requests, pid=pid, sending_app=row.sending_app)
    if outcome.message is not None:
        outcome.message.control_id = m.control_id[:200]
        outcome.message.save(update_fields=["control_id"])
    item.done_at = timezone.now()
    item.done_by = actor
    item.order = order
    item.patient = p
    item.resolution = f"Filed to order {order.placer_number}"
    item.save()
    return outcome
