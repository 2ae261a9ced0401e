"""Reads of the chart. Access is scoped to the user's clinic (another clinic's item: 404) and
needs "patient.view"; the chart summary runs the same number of queries for any patient."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Model, Prefetch, QuerySet

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.access import get_scoped
from medassist.intake.models import Vitals
from medassist.patients.selectors import access_patient
from medassist.practice.roles import require
from medassist.records.models import (
    ENTERED_IN_ERROR,
    Allergy,
    ChartHistory,
    Document,
    Encounter,
    HistoryEntry,
    Immunization,
    MedicationStatement,
    NoKnownAllergies,
    Note,
    Observation,
    Problem,
    Procedure,
    SocialHistory,
)

ITEM_MODELS: dict[str, type[Model]] = {
    m.ITEM_TYPE: m  # type: ignore[attr-defined]
    for m in (
        Encounter,
        Problem,
        Allergy,
        NoKnownAllergies,
        MedicationStatement,
        Immunization,
        HistoryEntry,
        SocialHistory,
        Procedure,
        Observation,
        Note,
        Document,
    )
}

ENCOUNTERS_PER_PAGE = 10
DOCUMENTS_PER_PAGE = 10
OBSERVATIONS_PER_PAGE = 20
HISTORY_PER_PAGE = 50
VITALS_SHOWN = 30


def access_chart_patient(*, user, id, audit: bool = True):
    """The patient whose chart is opened (audited as a read)."""
    return access_patient(user=user, id=id, audit=audit)


def access_item(*, user, item_type: str, id):
    """Any chart item by type and public id, within the user's clinic."""
    require(user, "patient.view")
    model = ITEM_MODELS.get(item_type)
    if model is None:
        from medassist.core.errors import NotFound

        raise NotFound("No such kind of chart item.")
    return get_scoped(
        model.objects.select_related("patient"),  # type: ignore[attr-defined]
        public_id=id,
        what=item_type,
        patient__clinic_id=user.clinic_id,
    )


def access_encounter(*, user, id) -> Encounter:
    return access_item(user=user, item_type="encounter", id=id)


def access_problem(*, user, id) -> Problem:
    return access_item(user=user, item_type="problem", id=id)


def access_allergy(*, user, id) -> Allergy:
    return access_item(user=user, item_type="allergy", id=id)


def access_nka(*, user, id) -> NoKnownAllergies:
    return access_item(user=user, item_type="nka", id=id)


def access_medication(*, user, id) -> MedicationStatement:
    return access_item(user=user, item_type="medication", id=id)


def access_immunization(*, user, id) -> Immunization:
    return access_item(user=user, item_type="immunization", id=id)


def access_history_entry(*, user, id) -> HistoryEntry:
    return access_item(user=user, item_type="history", id=id)


def access_social_history(*, user, id) -> SocialHistory:
    return access_item(user=user, item_type="social", id=id)


def access_procedure(*, user, id) -> Procedure:
    return access_item(user=user, item_type="procedure", id=id)


def access_observation(*, user, id) -> Observation:
    return access_item(user=user, item_type="observation", id=id)


def access_note(*, user, id) -> Note:
    return access_item(user=user, item_type="note", id=id)


def access_document(*, user, id) -> Document:
    return access_item(user=user, item_type="document", id=id)


def document_for_download(*, user, id) -> Document:
    """A document about to be sent to the user: the download is audited."""
    doc = access_document(user=user, id=id)
    audit_record(
        actor=user,
        action=AuditEvent.Action.EXPORT,
        obj=doc,
        patient=doc.patient,
        detail={"download": True, "sha256": doc.sha256},
    )
    return doc


# --- the chart --------------------------------------------------------------------------


@dataclass
class ChartSummary:
    problems: list[Problem]
    allergies: list[Allergy]
    nka: NoKnownAllergies | None
    medications: list[MedicationStatement]
    immunizations: list[Immunization]
    history: dict[str, list[HistoryEntry]]
    social: SocialHistory | None
    vitals: list[Vitals]
    entered_in_error: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def active_allergies(self) -> list[Allergy]:
        return [a for a in self.allergies if a.status == Allergy.Status.ACTIVE]

    @property
    def active_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.clinical_status in Problem.ACTIVE_STATUSES]

    @property
    def other_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.clinical_status not in Problem.ACTIVE_STATUSES]

    @property
    def active_medications(self) -> list[MedicationStatement]:
        return [m for m in self.medications if m.status == MedicationStatement.Status.ACTIVE]

    @property
    def past_medications(self) -> list[MedicationStatement]:
        return [m for m in self.medications if m.status != MedicationStatement.Status.ACTIVE]

    @property
    def allergy_state(self) -> str:
        """'allergies', 'nka' or 'unknown' (nothing recorded) for the banner."""
        if self.active_allergies:
            return "allergies"
        if self.nka is not None:
            return "nka"
        return "unknown"


def problem_list(patient) -> QuerySet[Problem]:
    return Problem.objects.filter(patient=patient).exclude(verification_status=ENTERED_IN_ERROR)


def allergy_list(patient) -> QuerySet[Allergy]:
    return Allergy.objects.filter(patient=patient).exclude(status=ENTERED_IN_ERROR)


def medication_list(patient) -> QuerySet[MedicationStatement]:
    return (
        MedicationStatement.objects.filter(patient=patient)
        .exclude(status=ENTERED_IN_ERROR)
        .select_related("prescriber")
    )


def immunization_list(patient) -> QuerySet[Immunization]:
    return Immunization.objects.filter(patient=patient).exclude(status=ENTERED_IN_ERROR)


def history_entry_list(patient) -> QuerySet[HistoryEntry]:
    return HistoryEntry.objects.filter(patient=patient).exclude(status=ENTERED_IN_ERROR)


def vitals_history(patient, limit: int = VITALS_SHOWN) -> list[Vitals]:
    """The latest vitals sets (not entered in error), oldest first for tables and charts."""
    rows = list(
        Vitals.objects.filter(patient=patient, entered_in_error=False).order_by("-taken_at")[:limit]
    )
    rows.reverse()
    return rows


def chart_summary(patient) -> ChartSummary:
    """Everything the chart's first screen shows, in a fixed number of queries."""
    history: dict[str, list[HistoryEntry]] = {k: [] for k in HistoryEntry.Kind.values}
    for entry in history_entry_list(patient):
        history[entry.kind].append(entry)
    problems = sorted(
        problem_list(patient),
        key=lambda p: (p.clinical_status not in Problem.ACTIVE_STATUSES, p.display.lower()),
    )
    return ChartSummary(
        problems=problems,
        allergies=sorted(
            allergy_list(patient), key=lambda a: (a.status != "active", a.display.lower())
        ),
        nka=NoKnownAllergies.objects.filter(patient=patient, status=NoKnownAllergies.Status.CURRENT)
        .select_related("recorded_by")
        .first(),
        medications=list(medication_list(patient)),
        immunizations=list(immunization_list(patient)),
        history=history,
        social=SocialHistory.objects.filter(patient=patient, status=SocialHistory.Status.CURRENT)
        .order_by("-updated_at")
        .first(),
        vitals=vitals_history(patient),
    )


def _page(qs, number, per_page: int) -> Page:
    return Paginator(qs, per_page).get_page(number)


def _encounters_with_notes() -> QuerySet[Encounter]:
    notes = Note.objects.select_related("author", "signed_by", "amends").order_by("created_at")
    return Encounter.objects.select_related("provider").prefetch_related(
        Prefetch("notes", queryset=notes)
    )


def encounter_page(patient, number=1, per_page: int = ENCOUNTERS_PER_PAGE) -> Page:
    """One page of encounters (newest first) with their notes: 3 queries whatever the count."""
    qs = _encounters_with_notes().filter(patient=patient).order_by("-start", "-id")
    return _page(qs, number, per_page)


def encounter_with_notes(encounter: Encounter) -> Encounter:
    """The encounter again, with its provider and notes (as a page of encounters shows it)."""
    return _encounters_with_notes().get(pk=encounter.pk)


def document_page(patient, number=1, per_page: int = DOCUMENTS_PER_PAGE) -> Page:
    qs = Document.objects.filter(patient=patient).exclude(status=ENTERED_IN_ERROR)
    return _page(qs.order_by("-created_at", "-id"), number, per_page)


def observation_page(patient, number=1, per_page: int = OBSERVATIONS_PER_PAGE) -> Page:
    qs = Observation.objects.filter(patient=patient).exclude(status=ENTERED_IN_ERROR)
    return _page(qs.order_by("-effective_at", "-id"), number, per_page)


def procedure_list(patient) -> QuerySet[Procedure]:
    return (
        Procedure.objects.filter(patient=patient)
        .exclude(status=ENTERED_IN_ERROR)
        .order_by("-performed_start", "-id")
    )


def item_history(item, *, user) -> list[ChartHistory]:
    """Every version of one item, oldest first (reading it is audited)."""
    audit_record(
        actor=user,
        action=AuditEvent.Action.READ,
        obj=item,
        patient=item.patient,
        detail={"history": True},
    )
    return list(
        ChartHistory.objects.filter(item_type=item.ITEM_TYPE, item_id=item.public_id).order_by(
            "version", "id"
        )
    )


def patient_history_page(patient, number=1, per_page: int = HISTORY_PER_PAGE) -> Page:
    """Every change to the patient's chart, newest first."""
    qs = ChartHistory.objects.filter(patient=patient).order_by("-at", "-id")
    return _page(qs, number, per_page)


def entered_in_error_items(patient) -> list:
    """Items withdrawn as entered in error (shown, struck through, in the history view)."""
    found: list = []
    for model in ITEM_MODELS.values():
        status_field = model.STATUS_FIELD  # type: ignore[attr-defined]
        found.extend(
            model.objects.filter(patient=patient, **{status_field: ENTERED_IN_ERROR})  # type: ignore[attr-defined]
        )
    return found


# the chart items an importer writes (records.services.ChartImport), found again by source id
IMPORTED_MODELS = (
    Encounter,
    Problem,
    Observation,
    MedicationStatement,
    Immunization,
    Allergy,
    Procedure,
)


def imported_source_ids(patient) -> set[str]:
    """The source identifiers of the patient's imported items (what an import already loaded)."""
    found: set[str] = set()
    for model in IMPORTED_MODELS:
        found.update(
            model.objects.filter(patient=patient)
            .exclude(source_identifier="")
            .values_list("source_identifier", flat=True)
        )
    return found


def encounter_ids_by_source(patient) -> dict[str, int]:
    """Source identifier → primary key of the patient's imported encounters (for linking)."""
    return dict(
        Encounter.objects.filter(patient=patient)
        .exclude(source_identifier="")
        .values_list("source_identifier", "pk")
    )
