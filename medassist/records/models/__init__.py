"""The medical record (chart): encounters, problems, allergies, medications, immunizations,
histories, procedures, observations, notes, documents — and the history of every change.

Integrity rules (enforced by medassist.records.services):
- nothing clinical is hard-deleted: items are marked entered-in-error with a reason;
- every change writes a ChartHistory row (who, when, what changed, before/after);
- a signed note is never edited in place: it is amended by a new Note row with a reason.

Coded things carry (code_system, code, display) so a FHIR mapper and importers can use them;
`source_identifier` holds an external system's id (importers use it to avoid duplicates).
One module per seam, as in `services`: `base`, `encounters` (+ procedures, results),
`problems` (+ allergies, NKA), `medications` (+ immunizations), `histories` (+ social),
`notes` (+ documents), `chart_history`.
"""

from medassist.records.models.base import (
    ENTERED_IN_ERROR,
    SYSTEM_URIS,
    ChartItem,
    Coded,
    CodeSystem,
)
from medassist.records.models.chart_history import (
    ChartHistory,
    ChartHistoryQuerySet,
    HistoryImmutable,
)
from medassist.records.models.encounters import (
    Encounter,
    MaKind,
    Observation,
    Procedure,
    ProcedureChecklist,
)
from medassist.records.models.histories import HistoryEntry, SmokingStatus, SocialHistory
from medassist.records.models.medications import Immunization, MedicationStatement
from medassist.records.models.notes import Document, Note, NoteImmutable, document_upload_to
from medassist.records.models.problems import Allergy, NoKnownAllergies, Problem

__all__ = [
    "ENTERED_IN_ERROR",
    "SYSTEM_URIS",
    "Allergy",
    "ChartHistory",
    "ChartHistoryQuerySet",
    "ChartItem",
    "CodeSystem",
    "Coded",
    "Document",
    "Encounter",
    "MaKind",
    "HistoryEntry",
    "HistoryImmutable",
    "Immunization",
    "MedicationStatement",
    "NoKnownAllergies",
    "Note",
    "NoteImmutable",
    "Observation",
    "Problem",
    "Procedure",
    "ProcedureChecklist",
    "SmokingStatus",
    "SocialHistory",
    "document_upload_to",
]
