"""Loading FHIR R4 bundles into the chart, one patient (bundle) per transaction.

Rules (see docs/fhir.md "Import" and docs/decisions/fhir-import-parsing.md):
- a bundle is read with `json`, and every resource we load is checked with its
  `fhir.resources.R4B` model; a bundle that is not JSON, not a Bundle, has not exactly one
  Patient, or holds an invalid resource is *bad*: it is reported and loads nothing;
- the patient is found by the identifiers recorded at an earlier import
  (`fhir.SourceIdentifier`) or registered through `patients.services.patient_register`
  (MRN, duplicate check, audit);
- every chart item keeps `<ResourceType>/<id>` in `source_identifier`; what is already there is
  skipped, so re-importing the same files creates nothing new;
- each item passes the same checks as the records services (code checks, dates, ranges, field
  limits) and is written in bulk with one ChartHistory "create" row per item and one audit
  event per patient for the import.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from pydantic import ValidationError

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import ApplicationError, ValidationFailed
from medassist.core.normalize import phone_e164
from medassist.fhir.models import SourceIdentifier
from medassist.patients.models import Patient
from medassist.patients.services import patient_register
from medassist.practice.roles import require
from medassist.records.models import (
    Allergy,
    ChartHistory,
    Encounter,
    Immunization,
    MedicationStatement,
    Observation,
    Problem,
    Procedure,
    SmokingStatus,
    SocialHistory,
)
from medassist.records.services import current_social_history
from medassist.records.services._common import (
    actor_name,
    apply_update,
    clinic_today,
    coded,
    diff,
    full_clean,
    save_new,
    snapshot,
)
from medassist.records.services.clinical.encounters import (
    validate_encounter,
    validate_observation,
    validate_procedure,
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

from .mapping import MAPPERS, NOT_CHART, Context, Skip
from .report import BundleResult, ImportReport
from .sources import check_paths, count_bundles, iter_bundles
from .values import parse_day, state_code

log = logging.getLogger(__name__)

PERMISSION = "practice.manage"  # a data migration is practice set-up (clinic admin)
SSN_SYSTEMS = {"http://hl7.org/fhir/sid/us-ssn"}
CHART_MODELS = (
    Encounter,
    Problem,
    Observation,
    MedicationStatement,
    Immunization,
    Allergy,
    Procedure,
)
CODE_LABELS = {
    Encounter: None,
    Problem: "Problem",
    Observation: "Test name",
    MedicationStatement: "Drug name",
    Immunization: "Vaccine",
    Allergy: "Substance",
    Procedure: "Procedure",
}


class BadBundle(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_r4b_classes: dict[str, Any] = {}


def r4b_validate(resource: dict) -> None:
    """Check one resource with its fhir.resources R4B model (raises pydantic ValidationError)."""
    rtype = resource["resourceType"]
    cls = _r4b_classes.get(rtype)
    if cls is None:
        from fhir.resources.R4B import get_fhir_model_class

        cls = _r4b_classes[rtype] = get_fhir_model_class(rtype)
    cls.model_validate(resource)


def _pydantic_message(exc: ValidationError, limit: int = 3) -> str:
    parts = []
    for err in exc.errors()[:limit]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "__root__")
        parts.append(f"{where}: {err.get('msg', 'invalid')}" if where else err.get("msg", ""))
    return "; ".join(parts)


def _known_resource_type(rtype: str) -> bool:
    try:
        from fhir.resources.R4B import get_fhir_model_class

        get_fhir_model_class(rtype)
    except (KeyError, ValueError, ImportError, AttributeError):
        return False
    return True


# --- the patient ----------------------------------------------------------------------------


def patient_identifiers(patient: dict, full_url: str) -> list[tuple[str, str]]:
    """(system, value) pairs that identify this patient at the source. Social security numbers
    are not kept (the chart has no SSN, by design)."""
    found = []
    for ident in patient.get("identifier") or []:
        value = (ident.get("value") or "").strip()
        system = (ident.get("system") or "").strip()
        type_codes = {c.get("code") for c in (ident.get("type") or {}).get("coding") or []}
        if not value or system in SSN_SYSTEMS or "SS" in type_codes:
            continue
        found.append((system[:255], value[:255]))
    if not found:
        if full_url.startswith("urn:"):
            found.append(("urn:ietf:rfc:3986", full_url[:255]))
        elif patient.get("id"):
            found.append(("", f"Patient/{patient['id']}"[:255]))
    return list(dict.fromkeys(found))


def _find_patient(clinic_id: int, identifiers: list[tuple[str, str]]) -> Patient | None:
    query = Q()
    for system, value in identifiers:
        query |= Q(system=system, value=value)
    ids = set(
        SourceIdentifier.objects.filter(query, clinic_id=clinic_id, resource_type="Patient")
        .values_list("object_public_id", flat=True)
        .distinct()
    )
    if len(ids) > 1:
        raise BadBundle("the patient's identifiers belong to two different patients here")
    if not ids:
        return None
    patient = Patient.objects.filter(clinic_id=clinic_id, public_id=next(iter(ids))).first()
    if patient is None:
        raise BadBundle("the patient recorded for these identifiers no longer exists")
    return patient


def _patient_values(res: dict, result: BundleResult) -> dict:
    names = res.get("name") or []
    name = next((n for n in names if n.get("use") == "official"), names[0] if names else {})
    given = [g for g in name.get("given") or [] if g]
    family = name.get("family") or ""
    if not given or not family:
        raise BadBundle("the Patient has no family and given name")
    birth = parse_day(res.get("birthDate"))
    if birth is None:
        raise BadBundle("the Patient has no birth date")
    sex = {"male": "M", "female": "F", "other": "X", "unknown": "U"}.get(
        res.get("gender") or "", "U"
    )
    values: dict = {
        "first_name": given[0][:100],
        "middle_name": " ".join(given[1:])[:100],
        "last_name": family[:100],
        "date_of_birth": birth,
        "sex": sex,
    }
    usual = next((n for n in names if n.get("use") in ("usual", "nickname")), None)
    if usual and usual.get("given") and usual["given"][0] != given[0]:
        values["preferred_name"] = usual["given"][0][:100]
    for t in res.get("telecom") or []:
        value = (t.get("value") or "").strip()
        if t.get("system") == "email" and value and "email" not in values:
            try:
                validate_email(value)
                values["email"] = value[:254]
            except DjangoValidationError:
                result.notes.append(f"email {value!r} is not a valid address; not kept")
        elif t.get("system") == "phone" and value:
            field = "phone_mobile" if t.get("use") == "mobile" else "phone_home"
            if field in values:
                continue
            try:
                values[field] = phone_e164(value, field=field)
            except ValidationFailed:
                result.notes.append(f"phone {value!r} is not a valid US number; not kept")
    addresses = res.get("address") or []
    address = next((a for a in addresses if a.get("use") == "home"), None) or (
        addresses[0] if addresses else None
    )
    if address:
        lines = address.get("line") or []
        values["address_line1"] = (lines[0] if lines else "")[:200]
        values["address_line2"] = ", ".join(lines[1:])[:200]
        values["city"] = (address.get("city") or "")[:100]
        values["state"] = state_code(address.get("state"))
        values["postal_code"] = (address.get("postalCode") or "")[:10]
        if address.get("state") and not values["state"]:
            result.notes.append(f"state {address['state']!r} is not a US state; not kept")
    for comm in res.get("communication") or []:
        language = comm.get("language") or {}
        text = language.get("text") or next(
            (c.get("display") for c in language.get("coding") or [] if c.get("display")), ""
        )
        if text:
            values["preferred_language"] = text[:40]
            break
    return values


def _get_or_register_patient(actor, res: dict, full_url: str, result: BundleResult):
    identifiers = patient_identifiers(res, full_url)
    found = _find_patient(actor.clinic_id, identifiers)
    created = found is None
    if found is None:
        patient = patient_register(actor=actor, **_patient_values(res, result))
        deceased = res.get("deceasedDateTime") or res.get("deceasedBoolean")
        if deceased:
            # Not a registration field: a deceased patient must not get reminders or recalls.
            Patient.objects.filter(pk=patient.pk).update(active=False)
            patient.active = False
            when = f" on {deceased[:10]}" if isinstance(deceased, str) else ""
            result.notes.append(f"deceased{when} at the source: patient marked inactive")
        result.loaded["Patient"] += 1
    else:
        patient = found
        result.present["Patient"] += 1
    known = set(
        SourceIdentifier.objects.filter(
            clinic_id=actor.clinic_id, resource_type="Patient", object_public_id=patient.public_id
        ).values_list("system", "value")
    )
    new = [
        SourceIdentifier(
            clinic_id=actor.clinic_id,
            resource_type="Patient",
            object_public_id=patient.public_id,
            system=system,
            value=value,
            created_by=actor,
            updated_by=actor,
        )
        for system, value in identifiers
        if (system, value) not in known
    ]
    SourceIdentifier.objects.bulk_create(new)
    return patient, created


# --- chart items ----------------------------------------------------------------------------


class _Checks:
    """The records services' own checks, built once per bundle."""

    def __init__(self, actor) -> None:
        today, now = clinic_today(actor), timezone.now()
        self.by_model = {
            Encounter: validate_encounter(actor),
            Problem: validate_problem(today),
            Allergy: validate_allergy(today),
            MedicationStatement: validate_medication(actor),
            Immunization: validate_immunization(actor, today),
            Procedure: validate_procedure(now),
            Observation: validate_observation(now),
        }

    def check(self, obj) -> None:
        label = CODE_LABELS[type(obj)]
        if label is not None:
            if not obj.display and obj.code_system not in ("icd-10-cm", "cvx"):
                obj.display = obj.code  # ICD-10-CM and CVX get their official name
            obj.code_system, obj.code, obj.display = coded(
                obj.code_system, obj.code, obj.display, label=label
            )
        self.by_model[type(obj)](obj)
        full_clean(obj)


def _key(res: dict, full_url: str) -> str:
    """The source identifier of a resource: `<ResourceType>/<id>`, else its fullUrl."""
    return f"{res['resourceType']}/{res['id']}" if res.get("id") else full_url


def _validate_all(resources: list[dict]) -> None:
    """R4B-validate each resource; BadBundle naming the first errors if any fails."""
    errors = []
    for res in resources:
        try:
            r4b_validate(res)
        except ValidationError as exc:
            errors.append(f"{res['resourceType']} {res.get('id', '?')}: {_pydantic_message(exc)}")
    if errors:
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        raise BadBundle("invalid FHIR R4: " + " | ".join(errors[:3]) + more)


def _existing_source_ids(patient) -> set[str]:
    found: set[str] = set()
    for model in CHART_MODELS:
        found.update(
            model.objects.filter(patient=patient)
            .exclude(source_identifier="")
            .values_list("source_identifier", flat=True)
        )
    return found


def _load_bundle(actor, source: str, raw: bytes, result: BundleResult) -> None:
    if not raw:
        raise BadBundle("empty file (or larger than the import limit)")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadBundle(f"not JSON ({exc})") from exc
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        kind = data.get("resourceType") if isinstance(data, dict) else type(data).__name__
        raise BadBundle(f"not a FHIR Bundle (resourceType {kind!r})")
    entries = data.get("entry") or []
    if not isinstance(entries, list):
        raise BadBundle("Bundle.entry is not a list")

    resources: list[tuple[str, dict]] = []
    index: dict[str, dict] = {}
    for n, entry in enumerate(entries, start=1):
        res = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(res, dict) or not isinstance(res.get("resourceType"), str):
            raise BadBundle(f"entry {n} has no resource")
        full_url = entry.get("fullUrl") or ""
        resources.append((full_url, res))
        if full_url:
            index[full_url] = res
        if res.get("id"):
            index[f"{res['resourceType']}/{res['id']}"] = res

    patients = [(u, r) for u, r in resources if r["resourceType"] == "Patient"]
    if len(patients) != 1:
        raise BadBundle(f"a bundle must hold exactly one Patient (found {len(patients)})")

    patient_url, patient_res = patients[0]
    _validate_all([patient_res])
    patient, created = _get_or_register_patient(actor, patient_res, patient_url, result)
    result.patient_public_id = str(patient.public_id)
    patient_refs = {f"Patient/{patient_res.get('id')}"} | ({patient_url} if patient_url else set())
    ctx = Context(patient_refs=patient_refs, index=index)
    existing = set() if created else _existing_source_ids(patient)
    if not created:
        ctx.encounter_pks.update(
            Encounter.objects.filter(patient=patient)
            .exclude(source_identifier="")
            .values_list("source_identifier", "pk")
        )
    checks = _Checks(actor)
    # R4B-validate what may load; a resource already in the chart is not read again (a re-import
    # of the same files costs little). One invalid resource makes the whole bundle bad.
    present_bases = {sid.split("#", 1)[0] for sid in existing}
    validated: set[int] = set()
    to_check = [
        res
        for url, res in resources
        if res["resourceType"] in MAPPERS and _key(res, url) not in present_bases
    ]
    _validate_all(to_check)
    validated.update(id(res) for res in to_check)

    # unknown and not-loaded types
    mapped: list[tuple[str, dict]] = []
    unknown_types: dict[str, bool] = {}
    for full_url, res in resources:
        rtype = res["resourceType"]
        if rtype == "Patient":
            continue
        if rtype in MAPPERS:
            mapped.append((full_url, res))
        elif rtype in NOT_CHART:
            result.skip(rtype, NOT_CHART[rtype])
        else:
            if rtype not in unknown_types:
                unknown_types[rtype] = _known_resource_type(rtype)
            reason = (
                "not a chart resource (not imported)"
                if unknown_types[rtype]
                else "unknown resource type (not FHIR R4)"
            )
            result.skip(rtype, reason)

    seen: set[str] = set()
    created_objs: list = []
    active_allergies = (
        {
            d.casefold()
            for d in Allergy.objects.filter(
                patient=patient, status=Allergy.Status.ACTIVE
            ).values_list("display", flat=True)
        }
        if not created
        else set()
    )

    active_icd: set[str] = (
        set()
        if created
        else set(
            Problem.objects.filter(
                patient=patient,
                code_system="icd-10-cm",
                clinical_status__in=Problem.ACTIVE_STATUSES,
            )
            .exclude(verification_status="entered-in-error")
            .values_list("code", flat=True)
        )
    )

    def load(phase_types: set[str]) -> None:
        pending: dict[Any, list] = {}
        for full_url, res in mapped:
            rtype = res["resourceType"]
            if rtype not in phase_types:
                continue
            model, mapper = MAPPERS[rtype]
            key = _key(res, full_url)
            label = res.get("id") or full_url or "(no id)"
            if not key:
                result.skip(
                    rtype,
                    "no id or fullUrl: it could not be matched on re-import",
                    resource_id=label,
                )
                continue
            if key in seen:
                result.skip(rtype, "appears twice in the bundle", resource_id=label)
                continue
            seen.add(key)
            try:
                rows = [r if isinstance(r, tuple) else ("", r) for r in mapper(res, ctx)]
                rows = [(key + suffix, obj) for suffix, obj in rows]
                new_rows = [(sid, obj) for sid, obj in rows if sid not in existing]
                if not new_rows:
                    result.present[rtype] += 1
                    continue
                if id(res) not in validated:  # partly present before: check it now
                    _validate_all([res])
                for sid, obj in new_rows:
                    obj.patient = patient
                    obj.source_identifier = sid[:200]
                    checks.check(obj)
                    if isinstance(obj, Allergy) and obj.status == Allergy.Status.ACTIVE:
                        if obj.display.casefold() in active_allergies:
                            raise Skip(f"{obj.display} is already on the allergy list")
                        active_allergies.add(obj.display.casefold())
                    if (
                        isinstance(obj, Problem)
                        and obj.code_system == "icd-10-cm"
                        and obj.clinical_status in Problem.ACTIVE_STATUSES
                    ):
                        if obj.code in active_icd:
                            raise Skip(f"{obj.code} is already an active problem")
                        active_icd.add(obj.code)
            except Skip as exc:
                result.skip(rtype, exc.reason, resource_id=label)
                continue
            except ApplicationError as exc:
                result.skip(rtype, exc.message, resource_id=label)
                continue
            for sid, obj in new_rows:
                obj.stamp(actor)
                pending.setdefault(type(obj), []).append((sid, obj))
            result.loaded[rtype] += 1
        for model, rows in pending.items():
            objs = [obj for _, obj in rows]
            model.objects.bulk_create(objs, batch_size=500)
            created_objs.extend(objs)
            if model is Encounter:
                ctx.encounter_pks.update((sid, obj.pk) for sid, obj in rows)

    load({"Encounter"})
    load(set(MAPPERS) - {"Encounter"})

    now = timezone.now()
    reason = f"Imported from FHIR ({Path(source).name})"[:500]
    ChartHistory.objects.bulk_create(
        [
            ChartHistory(
                patient_id=patient.pk,
                item_type=obj.ITEM_TYPE,
                item_id=obj.public_id,
                item_label=str(obj)[:300],
                version=1,
                action=ChartHistory.Action.CREATE,
                changes=diff({}, snapshot(obj)),
                reason=reason,
                actor=actor,
                actor_name=actor_name(actor),
                at=now,
            )
            for obj in created_objs
        ],
        batch_size=500,
    )
    result.rows = len(created_objs)
    _smoking_status(actor, patient, created_objs, result)
    if any(isinstance(o, Allergy) and o.status == Allergy.Status.ACTIVE for o in created_objs):
        end_nka(actor=actor, patient=patient, why="Allergy imported from FHIR")
    if created_objs or created:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
            obj=patient,
            patient=patient,
            detail={
                "import": "fhir",
                "source": Path(source).name[:200],
                "loaded": dict(result.loaded),
                "already_present": sum(result.present.values()),
                "not_imported": sum(result.skipped.values()),
                "rows": len(created_objs),
            },
        )


SMOKING_LOINC = "72166-2"


def _smoking_status(actor, patient, created_objs: list, result: BundleResult) -> None:
    """The latest imported smoking-status observation (LOINC 72166-2, a SNOMED CT answer) fills
    the social history's smoking status when it is blank; what staff recorded is kept."""
    answers = [
        o
        for o in created_objs
        if isinstance(o, Observation)
        and o.code == SMOKING_LOINC
        and o.value_code in SmokingStatus.values
    ]
    if not answers:
        return
    latest = max(answers, key=lambda o: o.effective_at)
    social = current_social_history(patient)
    if social is None:
        social = SocialHistory(
            patient=patient,
            smoking_status=latest.value_code,
            source_identifier=latest.source_identifier,
        )
        save_new(actor=actor, obj=social)
    elif not social.smoking_status:
        apply_update(
            actor=actor,
            obj=social,
            changes={"smoking_status": latest.value_code},
            reason="Smoking status imported from FHIR",
        )
    else:
        return
    result.notes.append(
        f"smoking status from {latest.effective_at:%Y-%m-%d}: {latest.value_string}"
    )


def import_bundle(*, actor, source: str, raw: bytes) -> BundleResult:
    """Import one bundle in its own transaction. Never raises for bad data: a bad bundle comes
    back with ok=False and its message, and nothing of it is saved."""
    require(actor, PERMISSION)
    result = BundleResult(source=source)
    try:
        with transaction.atomic():
            _load_bundle(actor, source, raw, result)
    except BadBundle as exc:
        return BundleResult(source=source, ok=False, message=exc.message)
    except ApplicationError as exc:
        return BundleResult(source=source, ok=False, message=exc.message)
    except DatabaseError as exc:
        return BundleResult(source=source, ok=False, message=f"the database refused it: {exc}")
    except Exception as exc:  # a bug must not stop the other bundles; it is reported
        log.exception("FHIR import of %s failed", source)
        return BundleResult(
            source=source, ok=False, message=f"unexpected error {type(exc).__name__}: {exc}"
        )
    return result


def import_paths(
    *, actor, paths: Iterable, progress: bool = False, progress_file=None
) -> ImportReport:
    """Import every bundle found in `paths` (files, directories, archives). With `progress`, a
    tqdm bar is drawn on `progress_file` (standard error by default)."""
    require(actor, PERMISSION)
    paths = [Path(p) for p in paths]
    check_paths(paths)
    report = ImportReport()
    started = time.perf_counter()
    bar = None
    if progress:
        import sys

        from tqdm import tqdm

        bar = tqdm(
            total=count_bundles(paths),
            unit="bundle",
            file=progress_file or sys.stderr,
            dynamic_ncols=True,
        )
    try:
        for source, raw in iter_bundles(paths):
            result = import_bundle(actor=actor, source=source, raw=raw)
            report.add(result)
            if bar is not None:
                bar.update(1)
                bar.set_postfix(resources=report.resources, failed=len(report.failed))
    finally:
        if bar is not None:
            bar.close()
    report.seconds = time.perf_counter() - started
    return report
