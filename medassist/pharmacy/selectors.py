"""Reads of the pharmacy app, scoped to the user's clinic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.access import get_scoped
from medassist.core.clock import clinic_today
from medassist.core.inbox import InboxItem, InboxStatus
from medassist.patients.models import Patient
from medassist.pharmacy.models import (
    Administration,
    ChangeDiscussion,
    Dispense,
    MedicationOrder,
    PharmacyNotice,
    RefillRequest,
    StockItem,
    StockLot,
    StockMovement,
)
from medassist.practice.models import User
from medassist.practice.roles import Role, can, require

REFILL_SLA_HOURS = 48


def access_stock_item(*, user, id) -> StockItem:
    require(user, "stock.view")
    return get_scoped(
        StockItem.objects.all(), public_id=id, what="stock item", clinic_id=user.clinic_id
    )


def access_lot(*, user, id) -> StockLot:
    require(user, "stock.view")
    return get_scoped(
        StockLot.objects.select_related("item", "item__clinic"),
        public_id=id,
        what="lot",
        item__clinic_id=user.clinic_id,
    )


def access_order(*, user, id, audit: bool = True) -> MedicationOrder:
    require(user, "patient.view")
    order = get_scoped(
        MedicationOrder.objects.select_related("patient", "prescriber", "clinic"),
        public_id=id,
        what="order",
        clinic_id=user.clinic_id,
    )
    if audit:
        audit_record(actor=user, action="read", obj=order, patient=order.patient)
    return order


def access_refill(*, user, id, audit: bool = True) -> RefillRequest:
    require(user, "refill.view")
    refill = get_scoped(
        RefillRequest.objects.select_related(
            "patient", "clinic", "order", "decided_by", "patient_notice", "pharmacy_notice__sent_by"
        ),
        public_id=id,
        what="refill request",
        clinic_id=user.clinic_id,
    )
    if audit:
        audit_record(actor=user, action="read", obj=refill, patient=refill.patient)
    return refill


def access_dispense(*, user, id) -> Dispense:
    require(user, "patient.view")
    return get_scoped(
        Dispense.objects.select_related("order", "patient", "lot", "lot__item", "performer"),
        public_id=id,
        what="dispense",
        patient__clinic_id=user.clinic_id,
    )


def access_administration(*, user, id) -> Administration:
    require(user, "patient.view")
    return get_scoped(
        Administration.objects.select_related("order", "patient", "lot", "lot__item", "performer"),
        public_id=id,
        what="administration",
        patient__clinic_id=user.clinic_id,
    )


@dataclass(frozen=True)
class StockLine:
    item: StockItem
    usable: int  # units in unexpired lots
    expired: int  # units in expired lots, to waste or return
    low: bool


def stock_lines(*, user) -> list[StockLine]:
    """Every active item with its usable and expired units (one query)."""
    require(user, "stock.view")
    today = clinic_today(user.clinic)
    items = (
        StockItem.objects.filter(clinic_id=user.clinic_id, active=True)
        .annotate(
            usable=Sum("lots__on_hand", filter=Q(lots__expires_on__gte=today), default=0),
            expired=Sum("lots__on_hand", filter=Q(lots__expires_on__lt=today), default=0),
        )
        .order_by("name")
    )
    return [
        StockLine(i, i.usable, i.expired, i.usable <= i.low_stock_at)  # type: ignore[attr-defined]
        for i in items
    ]


def low_stock(*, user) -> list[StockLine]:
    return [line for line in stock_lines(user=user) if line.low]


def lot_list(*, user, item: StockItem | None = None) -> QuerySet[StockLot]:
    require(user, "stock.view")
    lots = StockLot.objects.filter(item__clinic_id=user.clinic_id).select_related("item")
    return lots.filter(item=item) if item is not None else lots


def ledger(*, user, lot: StockLot) -> QuerySet[StockMovement]:
    require(user, "stock.view")
    return lot.movements.select_related("actor", "witness").order_by("at", "id")


def order_list(*, user, patient=None, active_only: bool = True) -> QuerySet[MedicationOrder]:
    require(user, "patient.view")
    orders = MedicationOrder.objects.filter(clinic_id=user.clinic_id).select_related(
        "patient", "prescriber"
    )
    if patient is not None:
        orders = orders.filter(patient=patient)
    if active_only:
        orders = orders.filter(status=MedicationOrder.Status.ACTIVE)
    return orders.order_by("not_before", "id")


def five_rights_refusals(*, user, limit: int = 50) -> QuerySet[AuditEvent]:
    """The log of refused dispenses and administrations, newest first."""
    require(user, "stock.view")
    return AuditEvent.objects.filter(
        clinic_id=user.clinic_id, object_type="pharmacy.five_rights"
    ).order_by("-at")[:limit]


def refill_queue(*, user, open_only: bool = True) -> QuerySet[RefillRequest]:
    require(user, "refill.view")
    rows = RefillRequest.objects.filter(clinic_id=user.clinic_id).select_related(
        "patient", "decided_by", "prepared_by"
    )
    if open_only:
        rows = rows.filter(status__in=[RefillRequest.Status.NEW, RefillRequest.Status.PREPARED])
    return rows.order_by("created_at", "id")


ANSWERED = (RefillRequest.Status.APPROVED, RefillRequest.Status.DENIED)


def _pharmacy_untold() -> Q:
    """Answered, with a pharmacy to tell, and nobody has recorded telling it."""
    return Q(status__in=ANSWERED, pharmacy_notice__isnull=True) & ~Q(pharmacy_message="")


def pharmacy_to_tell(*, user) -> QuerySet[RefillRequest]:
    """The worklist "pharmacy to tell": answered requests whose pharmacy is not yet told,
    oldest answer first."""
    require(user, "refill.view")
    return (
        RefillRequest.objects.filter(_pharmacy_untold(), clinic_id=user.clinic_id)
        .select_related("patient", "decided_by", "prepared_by")
        .order_by("decided_at", "id")
    )


def pharmacy_to_tell_count(*, user) -> int:
    return pharmacy_to_tell(user=user).count()


def refill_pharmacy_notice(refill: RefillRequest) -> PharmacyNotice | None:
    """The record that the pharmacy was told, or None."""
    try:
        return refill.pharmacy_notice
    except PharmacyNotice.DoesNotExist:
        return None


def refill_pharmacy_untold(refill: RefillRequest) -> bool:
    return (
        refill.status in ANSWERED
        and bool(refill.pharmacy_message)
        and refill_pharmacy_notice(refill) is None
    )


def refill_overdue(refill: RefillRequest, now=None) -> bool:
    """Open for more than 48 hours: shown in red."""
    now = now or timezone.now()
    return refill.status in {RefillRequest.Status.NEW, RefillRequest.Status.PREPARED} and (
        now - refill.created_at > timedelta(hours=REFILL_SLA_HOURS)
    )


def inbox_items(*, clinic, user) -> list[InboxItem]:
    """Open refill requests as staff inbox items: new ones for whoever may prepare them,
    prepared ones for the prescriber (clinician only)."""
    if not can(user, "refill.view") or user.clinic_id != clinic.pk:
        return []
    items = []
    for refill in refill_queue(user=user):
        prepared = refill.status == RefillRequest.Status.PREPARED
        if not prepared and not can(user, "refill.prepare"):
            continue
        if prepared and user.role != Role.PHYSICIAN:
            continue
        items.append(
            InboxItem(
                kind="refill",
                title=f"Refill: {refill.medication_text}"
                + (" (prepared for the prescriber)" if prepared else ""),
                created_at=refill.created_at,
                url=reverse("pharmacy:refill", args=[refill.public_id]),
                status=InboxStatus.IN_PROGRESS if prepared else InboxStatus.NEW,
                patient_id=refill.patient_id,
                patient_name=refill.patient.display_name,
                clinician_only=prepared,
                sla_hours=float(REFILL_SLA_HOURS),
            )
        )
    return items


def patient_by_mrn(*, user, mrn: str):
    """The clinic's patient with this MRN (read audited), or None."""
    require(user, "patient.view")
    patient = Patient.objects.filter(clinic_id=user.clinic_id, mrn=mrn.strip().upper()).first()
    if patient is not None:
        audit_record(actor=user, action="read", obj=patient, patient=patient)
    return patient


def witnesses(*, user):
    """Who may witness a controlled-substance act: other active clinical staff and admins."""
    return (
        User.objects.filter(
            clinic_id=user.clinic_id,
            is_active=True,
            role__in=[Role.MEDICAL_ASSISTANT, Role.PHYSICIAN, Role.CLINIC_ADMIN],
        )
        .exclude(pk=user.pk)
        .order_by("last_name", "first_name")
    )


def access_handout(*, user, id) -> ChangeDiscussion:
    require(user, "patient.view")
    handout = get_scoped(
        ChangeDiscussion.objects.select_related("patient", "clinic", "clinician", "order"),
        public_id=id,
        what="handout",
        clinic_id=user.clinic_id,
    )
    audit_record(actor=user, action="read", obj=handout, patient=handout.patient)
    return handout


def patient_handouts(*, user, patient) -> list[ChangeDiscussion]:
    """A patient's handouts, newest first, with who wrote and who went over each."""
    require(user, "patient.view")
    return list(
        ChangeDiscussion.objects.filter(patient=patient, clinic_id=user.clinic_id)
        .select_related("clinician", "order", "discussed_by")
        .order_by("-created_at")[:100]
    )


# ------------------------------------------------------------------- the patient's portal


def _released_to_patient(patient: Patient) -> QuerySet[ChangeDiscussion]:
    """A patient's own handouts that are ready for them: the clinician wrote it and the MA
    went over it with them (recorded as discussed). Nothing else reaches the portal."""
    return ChangeDiscussion.objects.filter(
        patient=patient, clinic_id=patient.clinic_id, discussed_at__isnull=False
    ).select_related("clinic", "patient", "clinician", "order")


def portal_handouts(*, patient: Patient, actor: User) -> list[ChangeDiscussion]:
    """The signed-in patient's released handouts, newest first; the read is audited (the
    clinic's portal account as actor, as the portal's other writes and reads)."""
    rows = list(_released_to_patient(patient).order_by("-discussed_at", "-id")[:100])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.READ,
        obj=patient,
        patient=patient,
        detail={"via": "portal", "what": "handouts", "count": len(rows)},
    )
    return rows


def portal_access_handout(*, patient: Patient, actor: User, id) -> ChangeDiscussion:
    """One of the patient's own released handouts (another patient's, or one not yet gone
    over with them: NotFound); the read is audited."""
    handout = get_scoped(_released_to_patient(patient), public_id=id, what="handout")
    audit_record(
        actor=actor,
        action=AuditEvent.Action.READ,
        obj=handout,
        patient=patient,
        detail={"via": "portal"},
    )
    return handout
