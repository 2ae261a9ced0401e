"""Starting a visit: the one service every entry point calls (the worklist, the visit page, the
flow board, the API). It sits in records, above scheduling and intake, because starting the
visit opens the chart's encounter (docs/decisions/visit-start-opens-the-encounter.md)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from medassist.intake.selectors import rooming_for
from medassist.practice.models import User
from medassist.records.models import Encounter
from medassist.records.services.clinical.encounters import encounter_create, encounter_update
from medassist.scheduling.models import Appointment
from medassist.scheduling.services import appointment_start_visit


@transaction.atomic
def visit_start(*, actor: User, appointment: Appointment) -> Encounter:
    """The provider starts seeing a roomed patient: the visit moves to "with provider" and its
    encounter is created (or the one already open for it is linked), with the reason for the
    visit the medical assistant wrote down in the patient's words. All in one transaction: a
    refused start (not roomed, started already, no permission) leaves no encounter."""
    appointment_start_visit(actor=actor, appointment=appointment)
    rooming = rooming_for(appointment=appointment)
    reason = rooming.reason_for_visit.strip() if rooming is not None else ""
    encounter = Encounter.objects.filter(appointment=appointment).first()
    if encounter is None:
        return encounter_create(
            actor=actor,
            patient=appointment.patient,
            appointment=appointment,
            start=timezone.now(),
            type_display=appointment.visit_type.name,
            reason_text=reason,
        )
    if reason and not encounter.reason_text:
        encounter = encounter_update(
            actor=actor,
            encounter=encounter,
            reason_text=reason,
            reason="Reason for visit from rooming",
        )
    return encounter
