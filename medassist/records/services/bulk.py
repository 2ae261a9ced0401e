"""Bulk writes to the chart, for importers (a practice's records moving in from another system,
the demo clinic's charts).

Each item passes the checks of its one-at-a-time service (the coded triple, dates and ranges,
field limits, no second active allergy of one substance or active ICD-10-CM problem of one
code, one current social history and "no known allergies" only without active allergies, an
encounter's appointment is this patient's and has no encounter yet, a note's author and signer
may write and sign), but the rows are written with bulk inserts: one ChartHistory "create" row
per item, as `save_new` writes it, and one audit event for the patient's import instead of one
per row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db.models import Model
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import Conflict, ValidationFailed
from medassist.patients.models import Patient
from medassist.practice.models import User
from medassist.practice.roles import can, require
from medassist.records.models import (
    Allergy,
    ChartHistory,
    CodeSystem,
    Encounter,
    HistoryEntry,
    Immunization,
    MedicationStatement,
    NoKnownAllergies,
    Note,
    Observation,
    Problem,
    Procedure,
    SmokingStatus,
    SocialHistory,
)
from medassist.records.services._common import (
    apply_update,
    check_patient_in_clinic,
    clinic_today,
    coded,
    diff,
    full_clean,
    history_row,
    save_new,
    snapshot,
)
from medassist.records.services.clinical.encounters import (
    validate_encounter,
    validate_observation,
    validate_procedure,
)
from medassist.records.services.clinical.histories import (
    current_social_history,
    validate_history,
    validate_social,
)
from medassist.records.services.clinical.medications import (
    validate_immunization,
    validate_medication,
)
from medassist.records.services.clinical.problems import (
    end_nka,
    validate_allergy,
    validate_problem,
)
from medassist.records.services.notes import validate_note

IMPORT_PERMISSION = "practice.manage"  # loading charts from another system is practice set-up
SMOKING_STATUS_LOINC = "72166-2"
BATCH_SIZE = 500
# the label of the coded triple in messages, as each item's service names it
CODE_LABELS: dict[type[Model], str] = {
    Problem: "Problem",
    Observation: "Test name",
    MedicationStatement: "Drug name",
    Immunization: "Vaccine",
    Allergy: "Substance",
    Procedure: "Procedure",
    HistoryEntry: "Condition",
}


class ChartImport:
    """One patient's import, inside the caller's transaction:

        batch = ChartImport(actor=admin, patient=patient, source="FHIR (quinn.json)")
        batch.add(items)  # the items of one source record: all are kept, or none (raises)
        batch.save()      # insert what was added, so later items can point at these encounters
        batch.finish()    # history rows, "no known allergies", smoking status, the audit event

    Items are unsaved chart model instances (encounters, problems, results, medications,
    immunizations, allergies, procedures, history entries, the social history, "no known
    allergies", notes on encounters saved earlier) with their `source_identifier` set."""

    def __init__(self, *, actor: User, patient: Patient, source: str) -> None:
        require(actor, IMPORT_PERMISSION)
        check_patient_in_clinic(actor, patient)
        self.actor = actor
        self.patient = patient
        self.source = source
        self.created: list = []
        # the latest imported smoking-status result, when it filled the social history
        self.smoking_status_from: Observation | None = None
        today, now = clinic_today(actor), timezone.now()
        self._validators = {
            Encounter: validate_encounter(actor),
            Problem: validate_problem(today),
            Allergy: validate_allergy(today),
            MedicationStatement: validate_medication(actor),
            Immunization: validate_immunization(actor, today),
            Procedure: validate_procedure(now),
            Observation: validate_observation(now),
            HistoryEntry: validate_history(today),
            SocialHistory: validate_social,
            NoKnownAllergies: self._validate_nka(now),
            Note: validate_note(actor, now),
        }
        self._queued: dict[type[Model], list] = {}
        # read from the chart when first needed
        self._active_allergies: set[str] | None = None
        self._active_problems: set[str] | None = None
        self._encounter_ids: set[int] = set()  # saved by this import, then the patient's
        self._chart_encounters_read = False
        self._has_social: bool | None = None
        self._has_nka: bool | None = None
        self._linked_appointments: set[int] | None = None  # appointments with an encounter

    @property
    def reason(self) -> str:
        return f"Imported from {self.source}"[:500]

    def add(self, items: Iterable) -> None:
        """Check the items of one source record and queue them. Raises the first refusal
        (ValidationFailed, Conflict) and then keeps none of them."""
        items = list(items)
        allergies: set[str] = set()
        problems: set[str] = set()
        for obj in items:
            if type(obj) not in self._validators:
                raise ValidationFailed(f"A {type(obj).__name__} is not imported in bulk.")
            obj.patient = self.patient
            self._check(obj)
            if isinstance(obj, Allergy) and obj.status == Allergy.Status.ACTIVE:
                key = obj.display.casefold()
                if key in self._allergies_on_chart() or key in allergies:
                    raise Conflict(f"{obj.display} is already on the allergy list", field="display")
                allergies.add(key)
            if (
                isinstance(obj, Problem)
                and obj.code_system == CodeSystem.ICD10CM
                and obj.clinical_status in Problem.ACTIVE_STATUSES
            ):
                if obj.code in self._problems_on_chart() or obj.code in problems:
                    raise Conflict(f"{obj.code} is already an active problem", field="code")
                problems.add(obj.code)
        self._check_one_of_a_kind(items, allergies)
        self._check_appointments([o for o in items if isinstance(o, Encounter)])
        if allergies:
            self._allergies_on_chart().update(allergies)
        if problems:
            self._problems_on_chart().update(problems)
        for obj in items:
            obj.version = 1
            obj.stamp(self.actor)
            self._queued.setdefault(type(obj), []).append(obj)

    def _check_one_of_a_kind(self, items: list, allergies: set[str]) -> None:
        """One current social history and one current "no known allergies" per chart, and the
        latter only while no allergy is active."""
        socials = [o for o in items if isinstance(o, SocialHistory)]
        if socials:
            if self._has_social is None:
                self._has_social = SocialHistory.objects.filter(
                    patient=self.patient, status=SocialHistory.Status.CURRENT
                ).exists()
            if self._has_social or len(socials) > 1:
                raise Conflict("The chart has a social history already; update it instead.")
            self._has_social = True
        nkas = [o for o in items if isinstance(o, NoKnownAllergies)]
        if nkas:
            if self._has_nka is None:
                self._has_nka = NoKnownAllergies.objects.filter(
                    patient=self.patient, status=NoKnownAllergies.Status.CURRENT
                ).exists()
            if self._has_nka or len(nkas) > 1:
                raise Conflict("No known allergies is already recorded.")
            if allergies or self._allergies_on_chart():
                raise Conflict("The patient has active allergies: no known allergies is refused.")
            self._has_nka = True

    def _validate_nka(self, now):
        def check(n: NoKnownAllergies) -> None:
            if n.status != NoKnownAllergies.Status.CURRENT:
                raise ValidationFailed("No known allergies is imported as current.", field="status")
            if n.recorded_at is None or n.recorded_at > now:
                raise ValidationFailed("Give when it was recorded (not later than now).")
            who = n.recorded_by
            if who is None or who.clinic_id != self.actor.clinic_id or not can(who, "chart.edit"):
                raise ValidationFailed("Give who recorded it (staff who may edit the chart).")

        return check

    def _check_appointments(self, encounters: list[Encounter]) -> None:
        """An encounter's appointment is this patient's, and has no other encounter."""
        linked = [e.appointment for e in encounters if e.appointment is not None]
        if not linked:
            return
        ids = [a.pk for a in linked]
        if any(a.patient_id != self.patient.pk for a in linked):
            raise ValidationFailed("That appointment is another patient's.", field="appointment")
        if self._linked_appointments is None:
            taken = Encounter.objects.filter(appointment_id__in=ids).exists()
        else:
            taken = not self._linked_appointments.isdisjoint(ids)
        if len(set(ids)) < len(ids) or taken:
            raise Conflict("This appointment already has an encounter.", field="appointment")
        if self._linked_appointments is not None:
            self._linked_appointments.update(ids)

    def _allergies_on_chart(self) -> set[str]:
        """The substances of the patient's active allergies (casefolded), with those added."""
        if self._active_allergies is None:
            self._active_allergies = {
                display.casefold()
                for display in Allergy.objects.filter(
                    patient=self.patient, status=Allergy.Status.ACTIVE
                ).values_list("display", flat=True)
            }
        return self._active_allergies

    def _problems_on_chart(self) -> set[str]:
        """The ICD-10-CM codes of the patient's active problems, with those added."""
        if self._active_problems is None:
            self._active_problems = set(
                Problem.objects.filter(
                    patient=self.patient,
                    code_system=CodeSystem.ICD10CM,
                    clinical_status__in=Problem.ACTIVE_STATUSES,
                )
                .exclude(verification_status=Problem.Verification.ENTERED_IN_ERROR)
                .values_list("code", flat=True)
            )
        return self._active_problems

    def _check(self, obj) -> None:
        label = CODE_LABELS.get(type(obj))
        if label is not None:
            if not obj.display and obj.code_system not in (CodeSystem.ICD10CM, CodeSystem.CVX):
                obj.display = obj.code  # ICD-10-CM and CVX get their official name
            obj.code_system, obj.code, obj.display = coded(
                obj.code_system, obj.code, obj.display, label=label
            )
        if getattr(obj, "encounter_id", None) is not None:
            self._check_encounter(obj.encounter_id)
        self._validators[type(obj)](obj)
        full_clean(obj)

    def _check_encounter(self, encounter_id: int) -> None:
        if encounter_id not in self._encounter_ids and not self._chart_encounters_read:
            self._chart_encounters_read = True
            self._encounter_ids.update(
                Encounter.objects.filter(patient=self.patient).values_list("pk", flat=True)
            )
        if encounter_id not in self._encounter_ids:
            raise ValidationFailed("That encounter belongs to another patient.", field="encounter")

    def save(self) -> None:
        """Insert the items added since the last save (in bulk, per table)."""
        for model, objs in self._queued.items():
            model._default_manager.bulk_create(objs, batch_size=BATCH_SIZE)
            self.created.extend(objs)
            if model is Encounter:
                self._encounter_ids.update(o.pk for o in objs)
        self._queued.clear()

    def finish(self) -> None:
        """Save what is left, write a history row per item, fill a blank smoking status from
        the latest smoking-status result, end a current "no known allergies" when an active
        allergy came in, and write the audit event. Writes nothing when nothing was added."""
        self.save()
        if not self.created:
            return
        ChartHistory.objects.bulk_create(self._history_rows(), batch_size=BATCH_SIZE)
        self._after_insert()

    def _history_rows(self, at=None) -> list[ChartHistory]:
        at = at or timezone.now()
        return [
            history_row(
                actor=self.actor,
                obj=obj,
                action=ChartHistory.Action.CREATE,
                changes=diff({}, snapshot(obj)),
                reason=self.reason,
                at=at,
            )
            for obj in self.created
        ]

    def _after_insert(self) -> None:
        self._fill_smoking_status()
        active_allergy = any(
            isinstance(o, Allergy) and o.status == Allergy.Status.ACTIVE for o in self.created
        )
        if active_allergy and self._has_nka is not False:  # False: read, and there is none
            end_nka(
                actor=self.actor, patient=self.patient, why=f"Allergy imported from {self.source}"
            )
        audit_record(
            actor=self.actor,
            action=AuditEvent.Action.CREATE,
            obj=self.patient,
            patient=self.patient,
            detail={
                "chart": "import",
                "source": self.source[:200],
                "rows": len(self.created),
                "item_types": dict(Counter(o.ITEM_TYPE for o in self.created)),
            },
        )

    def _fill_smoking_status(self) -> None:
        """A smoking-status result (LOINC 72166-2 with a SNOMED CT answer) fills the social
        history's smoking status when it is blank; what staff recorded is kept."""
        answers = [
            o
            for o in self.created
            if isinstance(o, Observation)
            and o.code == SMOKING_STATUS_LOINC
            and o.value_code in SmokingStatus.values
        ]
        if not answers:
            return
        latest = max(answers, key=lambda o: o.effective_at)
        social = current_social_history(self.patient)
        if social is None:
            social = SocialHistory(
                patient=self.patient,
                smoking_status=latest.value_code,
                source_identifier=latest.source_identifier,
            )
            save_new(actor=self.actor, obj=social)
        elif not social.smoking_status:
            apply_update(
                actor=self.actor,
                obj=social,
                changes={"smoking_status": latest.value_code},
                reason=f"Smoking status imported from {self.source}"[:500],
            )
        else:
            return
        self.smoking_status_from = latest


class ChartImports:
    """Many patients' imports in one go (the demo clinic's 500 charts). Each patient's items
    are checked exactly as ChartImport checks them, but the charts are read for all patients
    in a few queries and the rows of all are inserted together, table by table:

        imports = ChartImports(actor=admin, patients=patients, source="...")
        imports.of(patient).add(items)  # ChartImport.add, for that patient
        imports.save()                  # insert what was added, for every patient
        imports.finish()                # history rows, NKA, smoking status, an audit event each
    """

    def __init__(self, *, actor: User, patients: Iterable[Patient], source: str) -> None:
        self.batches = {p.pk: ChartImport(actor=actor, patient=p, source=source) for p in patients}
        self._read_charts()

    def of(self, patient: Patient) -> ChartImport:
        return self.batches[patient.pk]

    def _read_charts(self) -> None:
        ids = list(self.batches)
        for batch in self.batches.values():
            batch._active_allergies, batch._active_problems = set(), set()
            batch._has_social = batch._has_nka = False
            batch._chart_encounters_read = True
            batch._linked_appointments = set()
        allergies = Allergy.objects.filter(patient_id__in=ids, status=Allergy.Status.ACTIVE)
        for pid, display in allergies.values_list("patient_id", "display"):
            self.batches[pid]._allergies_on_chart().add(display.casefold())
        problems = Problem.objects.filter(
            patient_id__in=ids,
            code_system=CodeSystem.ICD10CM,
            clinical_status__in=Problem.ACTIVE_STATUSES,
        ).exclude(verification_status=Problem.Verification.ENTERED_IN_ERROR)
        for pid, code in problems.values_list("patient_id", "code"):
            self.batches[pid]._problems_on_chart().add(code)
        current = SocialHistory.objects.filter(
            patient_id__in=ids, status=SocialHistory.Status.CURRENT
        )
        for pid in current.values_list("patient_id", flat=True):
            self.batches[pid]._has_social = True
        nka = NoKnownAllergies.objects.filter(
            patient_id__in=ids, status=NoKnownAllergies.Status.CURRENT
        )
        for pid in nka.values_list("patient_id", flat=True):
            self.batches[pid]._has_nka = True
        encounters = Encounter.objects.filter(patient_id__in=ids)
        for pid, pk, appointment_id in encounters.values_list("patient_id", "pk", "appointment_id"):
            batch = self.batches[pid]
            batch._encounter_ids.add(pk)
            if appointment_id is not None:
                batch._linked_appointments.add(appointment_id)  # type: ignore[union-attr]

    def save(self) -> None:
        """Insert what every patient's import added since the last save, table by table."""
        queued: dict[type[Model], list] = {}
        for batch in self.batches.values():
            for model, objs in batch._queued.items():
                queued.setdefault(model, []).extend(objs)
                batch.created.extend(objs)
            batch._queued.clear()
        for model, objs in queued.items():
            model._default_manager.bulk_create(objs, batch_size=BATCH_SIZE)
            if model is Encounter:
                for obj in objs:
                    self.batches[obj.patient_id]._encounter_ids.add(obj.pk)

    def finish(self) -> None:
        """Save what is left, then every patient's history rows (in bulk), NKA and smoking
        status, and audit event, as ChartImport.finish does for one."""
        self.save()
        at = timezone.now()
        rows = [row for batch in self.batches.values() for row in batch._history_rows(at)]
        ChartHistory.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        for batch in self.batches.values():
            if batch.created:
                batch._after_insert()
