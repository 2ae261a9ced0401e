"""Intake's writes: rooming and vitals (`rooming`), questionnaires and their responses
(`questionnaires`), kiosk check-in (`kiosk`)."""

from medassist.intake.services.questionnaires import (
    alert_done,
    questionnaire_save,
    questionnaire_seed,
    response_complete,
    response_mark_error,
    response_save_page,
    response_start,
)
from medassist.intake.services.rooming import RoomOccupied, rooming_complete, vitals_record
from medassist.intake.services.rooming_steps import (
    allergies_confirm,
    checklist_save,
    checklist_tick,
    med_reconcile,
    room_clean,
)

__all__ = [
    "RoomOccupied",
    "alert_done",
    "allergies_confirm",
    "checklist_save",
    "checklist_tick",
    "med_reconcile",
    "room_clean",
    "questionnaire_save",
    "questionnaire_seed",
    "response_complete",
    "response_mark_error",
    "response_save_page",
    "response_start",
    "rooming_complete",
    "vitals_record",
]
