"""Relaying a clinician's medication change or diet instruction: the clinician writes it
(their own words, and the order when it is a medication); the MA gives the handout and
records that it was discussed."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from medassist.audit.services import audit_record
from medassist.core.errors import PermissionDenied, ValidationFailed
from medassist.pharmacy.errors import Duplicate
from medassist.pharmacy.models import ChangeDiscussion, MedicationOrder
from medassist.pharmacy.services._common import clinic_of, text
from medassist.practice.roles import Role


@transaction.atomic
def handout_create(
    *,
    actor,
    patient,
    kind: str,
    clinician_text: str,
    order: MedicationOrder | None = None,
    language: str = "en",
) -> ChangeDiscussion:
    clinic = clinic_of(actor, "medication.order")
    provider = getattr(actor, "provider", None)
    if actor.role != Role.PHYSICIAN or provider is None:
        raise PermissionDenied("Only the clinician writes a change to relay.")
    if patient is None or patient.clinic_id != clinic.pk:
        raise ValidationFailed("Unknown patient.", field="patient")
    if kind not in ChangeDiscussion.Kind.values:
        raise ValidationFailed("The kind is medication or diet.", field="kind")
    if language not in {"en", "es"}:
        raise ValidationFailed("The handout is in English (en) or Spanish (es).", field="language")
    if order is not None and order.patient_id != patient.pk:
        raise ValidationFailed("That order is another patient's.", field="order")
    if kind == ChangeDiscussion.Kind.MEDICATION and order is None:
        raise ValidationFailed("A medication change names its order.", field="order")
    handout = ChangeDiscussion(
        clinic=clinic,
        patient=patient,
        kind=kind,
        order=order,
        clinician=provider,
        clinician_text=text(
            clinician_text,
            field="clinician_text",
            label="Instructions",
            max_length=4000,
            required=True,
        ),
        language=language,
    )
    handout.stamp(actor)
    handout.save()
    audit_record(
        actor=actor,
        action="create",
        obj=handout,
        patient=patient,
        detail={"kind": kind, "language": language},
    )
    return handout


@transaction.atomic
def handout_discussed(*, actor, handout: ChangeDiscussion, note: str = "") -> ChangeDiscussion:
    clinic_of(actor, "handout.give")
    if handout.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown handout.")
    if handout.discussed_at is not None:
        raise Duplicate("It is recorded as discussed already.")
    handout.discussed_by, handout.discussed_at = actor, timezone.now()
    handout.discussion_note = text(note, field="note", label="Note", max_length=500)
    handout.stamp(actor)
    handout.save()
    audit_record(
        actor=actor,
        action="update",
        obj=handout,
        patient=handout.patient,
        detail={"discussed": True},
    )
    return handout
