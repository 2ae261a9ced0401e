"""Reads of the waitlist and recalls. Lists audit every patient they show."""

from __future__ import annotations

from datetime import date

from django.db.models import Case, IntegerField, Value, When

from medassist.audit.services import audit_patients_listed
from medassist.core.access import get_scoped
from medassist.practice.roles import require
from medassist.waitlist.models import Recall, SlotOffer, WaitlistEntry

_ENTRY_RELATED = ("patient", "visit_type", "provider", "location", "appointment")
OPEN_ENTRY = [WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED]
OPEN_RECALL = [Recall.Status.DUE, Recall.Status.CONTACTED]


def _listed(user, rows, object_type: str, view: str):
    audit_patients_listed(
        actor=user,
        patients={r.patient_id: r.patient for r in rows}.values(),
        object_type=object_type,
        detail={"view": view},
    )
    return rows


def access_entry(*, user, id) -> WaitlistEntry:
    require(user, "waitlist.manage")
    return get_scoped(
        WaitlistEntry.objects.select_related(*_ENTRY_RELATED),
        public_id=id,
        what="waitlist entry",
        clinic_id=user.clinic_id,
    )


def entry_list(*, user, include_closed: bool = False, limit: int = 300) -> list[WaitlistEntry]:
    """Open entries by priority then age; with include_closed, also booked and removed ones."""
    require(user, "waitlist.manage")
    qs = WaitlistEntry.objects.filter(clinic_id=user.clinic_id)
    if not include_closed:
        qs = qs.filter(status__in=OPEN_ENTRY)
    qs = qs.select_related(*_ENTRY_RELATED)
    rows = list(qs.order_by("priority", "created_at", "id")[:limit])
    _attach_open_offers(rows)
    return _listed(user, rows, "waitlist.WaitlistEntry", "waitlist")


def _attach_open_offers(rows: list[WaitlistEntry]) -> None:
    """Each offered entry gets `open_offer`: the time offered and until when (one query)."""
    offered = [e.pk for e in rows if e.status == WaitlistEntry.Status.OFFERED]
    offers = {
        o.entry_id: o
        for o in SlotOffer.objects.filter(entry_id__in=offered, status=SlotOffer.Status.OFFERED)
        .select_related("slot__provider")
        .order_by("expires_at")
    }
    for e in rows:
        e.open_offer = offers.get(e.pk)  # type: ignore[attr-defined]


def access_recall(*, user, id) -> Recall:
    require(user, "recall.manage")
    return get_scoped(
        Recall.objects.select_related("patient", "appointment"),
        public_id=id,
        what="recall",
        clinic_id=user.clinic_id,
    )


def recall_list(
    *, user, today: date, include_closed: bool = False, limit: int = 300
) -> list[Recall]:
    """Open recalls, overdue first (oldest due date first), then the rest by due date."""
    require(user, "recall.manage")
    qs = Recall.objects.filter(clinic_id=user.clinic_id)
    if not include_closed:
        qs = qs.filter(status__in=OPEN_RECALL)
    qs = (
        qs.annotate(
            overdue=Case(
                When(due_date__lt=today, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .select_related("patient", "appointment")
        .prefetch_related("attempts__by")
        .order_by("overdue", "due_date", "id")
    )
    rows = list(qs[:limit])
    return _listed(user, rows, "waitlist.Recall", "recalls")
