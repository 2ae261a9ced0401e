"""Reads for orders, scoped to the user's clinic and audited: one order, the overdue worklist,
today's draws, the staff inbox items (alerts and unmatched results), results over time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_patients_listed, audit_record
from medassist.core.access import get_scoped
from medassist.core.clock import clinic_today
from medassist.core.errors import NotFound
from medassist.core.inbox import InboxItem, InboxStatus
from medassist.orders.models import ORDER_OF_DRAW, Order, OrderTest, ResultLink, Tube, WorkItem
from medassist.practice.roles import DR, can, require, staff_clinic
from medassist.records.models import Observation

S = Order.Status

# How long each step may take before the order shows as overdue.
OVERDUE_AFTER: dict[str, dict[str, int]] = {
    S.SENT: {Order.Kind.LAB: 5, Order.Kind.IMAGING: 14, Order.Kind.REFERRAL: 30},
    S.COLLECTED: {Order.Kind.LAB: 1},
    # days a result may wait for review, and before the patient must be told
    S.RESULTED: {k: 2 for k in Order.Kind.values},
    S.REVIEWED: {k: 3 for k in Order.Kind.values},
}
STEP_WORDS: dict[str, str] = {
    S.SENT: "No result yet",
    S.COLLECTED: "Specimen collected but not sent",
    S.RESULTED: "Result waiting for review",
    S.REVIEWED: "Patient not told yet",
}


def _orders(clinic) -> QuerySet[Order]:
    return (
        Order.objects.filter(clinic=clinic)
        .select_related("patient", "ordering_provider", "lab")
        .prefetch_related(
            Prefetch("tests", queryset=OrderTest.objects.select_related("test").order_by("id"))
        )
    )


def access_order(*, user, id) -> Order:
    require(user, "order.view")
    order = get_scoped(_orders(staff_clinic(user)), public_id=id, what="order")
    audit_record(actor=user, action=AuditEvent.Action.READ, obj=order, patient=order.patient)
    return order


def access_work_item(*, user, id) -> WorkItem:
    require(user, "result.receive")
    qs = WorkItem.objects.select_related("message", "order", "patient")
    item = get_scoped(qs, public_id=id, what="work item", clinic=staff_clinic(user))
    audit_record(actor=user, action=AuditEvent.Action.READ, obj=item, patient=item.patient)
    return item


@dataclass
class Overdue:
    order: Order
    why: str
    days: int


def overdue_reason(order: Order, today: date, tz) -> tuple[str, int] | None:
    """Why an open order is overdue today (and by how many days), or None."""
    if order.status == S.ORDERED:
        late = (today - order.due_date).days
        what = "specimen not collected" if order.kind == Order.Kind.LAB else "not arranged"
        return (f"Due {order.due_date:%b %d}, {what}", late) if late > 0 else None
    if order.status == S.SCHEDULED and order.appointment_at is not None:
        late = (today - order.appointment_at.astimezone(tz).date()).days - 7
        return ("Appointment passed a week ago, no report", late) if late > 0 else None
    stamps: dict[str, datetime | None] = {
        S.SENT: order.sent_at,
        S.COLLECTED: next((e.at for e in order.events.all() if e.status == S.COLLECTED), None),
        S.RESULTED: order.resulted_at,
        S.REVIEWED: order.reviewed_at,
    }
    since = stamps.get(order.status)
    limit = OVERDUE_AFTER.get(order.status)
    if since is None or limit is None:
        return None
    days = limit.get(order.kind)
    if days is None:
        return None
    late = (today - since.astimezone(tz).date()).days - days
    words = STEP_WORDS[order.status]
    return (words, late) if late > 0 else None


def overdue_worklist(*, user, kind: str = "") -> list[Overdue]:
    """Every open order past its step's time, most overdue first."""
    require(user, "order.view")
    clinic = staff_clinic(user)
    today = clinic_today(clinic)
    qs = _orders(clinic).exclude(status__in=(S.TOLD, S.CANCELLED)).prefetch_related("events")
    if kind:
        qs = qs.filter(kind=kind)
    rows = []
    for order in qs:
        found = overdue_reason(order, today, clinic.tz)
        if found:
            rows.append(Overdue(order=order, why=found[0], days=found[1]))
    rows.sort(key=lambda r: (-r.days, r.order.placer_number))
    audit_patients_listed(
        actor=user, patients=[r.order.patient for r in rows], object_type="orders.Order"
    )
    return rows


def open_orders(*, user, patient=None, status: str = "") -> list[Order]:
    require(user, "order.view")
    qs = _orders(staff_clinic(user))
    if patient is not None:
        qs = qs.filter(patient=patient)
    if status:
        qs = qs.filter(status=status)
    rows = list(qs[:500])
    audit_patients_listed(
        actor=user, patients=[o.patient for o in rows], object_type="orders.Order"
    )
    return rows


@dataclass
class Draw:
    """One patient's venipuncture: every lab order of theirs waiting for its draw, and the
    containers of all of them in one CLSI order of draw."""

    patient: Any
    orders: list[Order]
    tubes: list[dict]
    fasting_required: bool
    priority: str


def draws_due_by_patient(*, user, day: date | None = None) -> list[Draw]:
    """`draws_due`, one row per patient (the most pressing order first): a patient with two
    orders is stuck once, not twice."""
    draws: dict[int, Draw] = {}
    for order in draws_due(user=user, day=day):
        draw = draws.get(order.patient_id)
        if draw is None:
            draw = draws[order.patient_id] = Draw(order.patient, [], [], False, order.priority)
        draw.orders.append(order)
        draw.fasting_required = draw.fasting_required or order.fasting_required
        draw.tubes += [dict(t, order=order) for t in tube_list(order)]
    for draw in draws.values():
        draw.tubes.sort(key=lambda t: ORDER_OF_DRAW.index(t["tube"]))  # stable: order by order
    return list(draws.values())


def draws_due(*, user, day: date | None = None) -> list[Order]:
    """Lab orders waiting for their specimens, due on or before the day (clinic's today)."""
    require(user, "specimen.collect")
    clinic = staff_clinic(user)
    day = day or clinic_today(clinic)
    rows = list(
        _orders(clinic)
        .filter(kind=Order.Kind.LAB, status=S.ORDERED, due_date__lte=day)
        .order_by("-priority", "due_date", "patient__last_name")
    )
    rank: dict[str, int] = {
        Order.Priority.STAT: 0,
        Order.Priority.URGENT: 1,
        Order.Priority.ROUTINE: 2,
    }
    rows.sort(key=lambda o: (rank[o.priority], o.due_date, o.patient.last_name))
    audit_patients_listed(
        actor=user, patients=[o.patient for o in rows], object_type="orders.Order"
    )
    return rows


def inbox_items(*, clinic, user) -> list[InboxItem]:
    """Open alerts (abnormal / critical results, for clinicians) and unmatched results."""
    qs = WorkItem.objects.filter(clinic=clinic, done_at__isnull=True).select_related(
        "patient", "assignee"
    )
    show_unmatched = can(user, "result.receive")
    is_clinician = getattr(user, "role", "") == DR
    if not is_clinician:
        qs = qs.filter(kind=WorkItem.Kind.UNMATCHED)
    if not show_unmatched:
        qs = qs.exclude(kind=WorkItem.Kind.UNMATCHED)
    items = []
    for w in qs.order_by("-created_at")[:200]:
        critical = w.kind == WorkItem.Kind.CRITICAL
        alert = w.kind in (WorkItem.Kind.CRITICAL, WorkItem.Kind.ABNORMAL)
        if alert and w.order_id:
            url = reverse("orders:detail", args=[w.order.public_id]) if w.order else ""
        else:
            url = reverse("orders:work_item", args=[w.public_id])
        items.append(
            InboxItem(
                kind=w.kind,
                title=w.title,
                created_at=w.created_at,
                url=url,
                status=InboxStatus.NEW,
                patient_id=w.patient_id,
                patient_name=w.patient.display_name if w.patient else "",
                assignee_id=w.assignee_id,
                assignee_name=w.assignee.display_name if w.assignee else "",
                clinician_only=alert,
                urgent=critical,
                sla_hours=1.0 if critical else (24.0 if alert else 48.0),
            )
        )
    return items


def work_queue(*, user) -> list[WorkItem]:
    require(user, "result.receive")
    rows = list(
        WorkItem.objects.filter(
            clinic=staff_clinic(user), kind=WorkItem.Kind.UNMATCHED, done_at__isnull=True
        ).select_related("message")
    )
    audit_record(
        actor=user,
        action=AuditEvent.Action.LIST,
        object_type="orders.WorkItem",
        detail={"count": len(rows)},
    )
    return rows


# --- results on the chart -------------------------------------------------------------------


@dataclass
class Point:
    at: datetime
    value: Decimal | None
    text: str
    unit: str
    flag: str
    reference_range: str


@dataclass
class Series:
    key: str
    name: str
    unit: str
    points: list[Point] = field(default_factory=list)

    @property
    def numeric(self) -> list[Point]:
        return [p for p in self.points if p.value is not None]


def results_over_time(*, user, patient, since_days: int | None = None) -> list[Series]:
    """The patient's lab results grouped per test (LOINC code, else name), oldest first."""
    require(user, "patient.view")
    if patient.clinic_id != user.clinic_id:
        raise NotFound("No such patient.")
    qs = Observation.objects.filter(
        patient=patient, category=Observation.Category.LABORATORY
    ).exclude(status__in=(Observation.Status.ENTERED_IN_ERROR, Observation.Status.CANCELLED))
    if since_days:
        qs = qs.filter(effective_at__gte=timezone.now() - timedelta(days=since_days))
    series: dict[str, Series] = {}
    for o in qs.order_by("effective_at", "id"):
        key = o.code or o.display.casefold()
        s = series.setdefault(key, Series(key=key, name=o.display, unit=o.value_unit))
        s.points.append(
            Point(
                at=o.effective_at,
                value=o.value_quantity,
                text=o.value_string,
                unit=o.value_unit,
                flag=o.interpretation,
                reference_range=o.reference_range,
            )
        )
        s.unit = s.unit or o.value_unit
    audit_record(
        actor=user, action=AuditEvent.Action.READ, object_type="orders.results", patient=patient
    )
    return sorted(series.values(), key=lambda s: s.name.casefold())


def results_for_order(order: Order) -> list[ResultLink]:
    return list(ResultLink.objects.filter(order=order).select_related("observation").order_by("id"))


def tube_list(order: Order) -> list[dict]:
    """The containers a lab order needs, in CLSI order of draw, volumes summed per tube type
    and specimen, with the tests each one serves."""
    groups: dict[tuple[str, str], dict] = {}
    prefetched = "tests" in getattr(order, "_prefetched_objects_cache", {})  # by `_orders`
    for ot in order.tests.all() if prefetched else order.tests.select_related("test"):
        t = ot.test
        key = (t.tube, t.specimen_type)
        g = groups.setdefault(
            key,
            {
                "tube": t.tube,
                "label": Tube(t.tube).label,
                "specimen_type": t.specimen_type,
                "volume_ml": Decimal("0"),
                "tests": [],
                "handling": [],
            },
        )
        g["volume_ml"] += t.volume_ml
        g["tests"].append(t.name)
        if t.handling:
            g["handling"].append(t.handling)
    return sorted(
        groups.values(), key=lambda g: (ORDER_OF_DRAW.index(g["tube"]), g["specimen_type"])
    )
