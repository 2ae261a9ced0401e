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

__all__ = [
    "RoomOccupied",
    "alert_done",
    "questionnaire_save",
    "questionnaire_seed",
    "response_complete",
    "response_mark_error",
    "response_save_page",
    "response_start",
    "rooming_complete",
    "vitals_record",
]
