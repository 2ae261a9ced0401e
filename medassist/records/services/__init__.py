"""Every write to the chart. `<entity>_<verb>(*, actor, ...)`, keyword-only, atomic; each write
validates, saves, writes a ChartHistory row and an audit event in the same transaction."""

from medassist.practice.models import User
from medassist.records.services._common import chart_item_enter_in_error
from medassist.records.services.bulk import ChartImport, ChartImports
from medassist.records.services.clinical import (
    allergy_create,
    allergy_enter_in_error,
    allergy_update,
    current_nka,
    current_social_history,
    encounter_create,
    encounter_enter_in_error,
    encounter_for_appointment,
    encounter_update,
    history_entry_create,
    history_entry_enter_in_error,
    history_entry_update,
    immunization_create,
    immunization_enter_in_error,
    immunization_update,
    medication_create,
    medication_enter_in_error,
    medication_stop,
    medication_update,
    nka_enter_in_error,
    nka_record,
    observation_create,
    observation_enter_in_error,
    observation_update,
    problem_create,
    problem_enter_in_error,
    problem_update,
    procedure_create,
    procedure_enter_in_error,
    procedure_update,
    social_history_enter_in_error,
    social_history_save,
)
from medassist.records.services.documents import (
    document_enter_in_error,
    document_update,
    document_upload,
    read_upload,
)
from medassist.records.services.notes import (
    note_amend,
    note_create,
    note_enter_in_error,
    note_sign,
    note_update,
)
from medassist.records.services.visits import visit_start


def item_enter_in_error(*, actor: User, item, reason: str):
    """Withdraw any chart item with a reason, with the permission its kind needs."""
    if item.ITEM_TYPE == "note":
        return note_enter_in_error(actor=actor, note=item, reason=reason)
    permission = "document.upload" if item.ITEM_TYPE == "document" else "chart.edit"
    return chart_item_enter_in_error(actor=actor, item=item, reason=reason, permission=permission)


__all__ = [
    "ChartImport",
    "ChartImports",
    "item_enter_in_error",
    "allergy_create",
    "allergy_enter_in_error",
    "allergy_update",
    "chart_item_enter_in_error",
    "current_nka",
    "current_social_history",
    "document_enter_in_error",
    "document_update",
    "document_upload",
    "encounter_create",
    "encounter_enter_in_error",
    "encounter_for_appointment",
    "encounter_update",
    "history_entry_create",
    "history_entry_enter_in_error",
    "history_entry_update",
    "immunization_create",
    "immunization_enter_in_error",
    "immunization_update",
    "medication_create",
    "medication_enter_in_error",
    "medication_stop",
    "medication_update",
    "nka_enter_in_error",
    "nka_record",
    "note_amend",
    "note_create",
    "note_enter_in_error",
    "note_sign",
    "note_update",
    "observation_create",
    "observation_enter_in_error",
    "observation_update",
    "problem_create",
    "problem_enter_in_error",
    "problem_update",
    "procedure_create",
    "procedure_enter_in_error",
    "procedure_update",
    "read_upload",
    "social_history_enter_in_error",
    "social_history_save",
    "visit_start",
]
