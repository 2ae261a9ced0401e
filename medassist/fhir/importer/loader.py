"""Loading FHIR R4 bundles into the chart, one patient (bundle) per transaction.

Rules (see docs/fhir.md "Import" and docs/decisions/fhir-import-parsing.md):
- a bundle is read with `json`, and every resource we load is checked with its
  `fhir.resources.R4B` model; a bundle that is not JSON, not a Bundle, has not exactly one
  Patient, or holds an invalid resource is *bad*: it is reported and loads nothing;
- the patient is found by the identifiers recorded at an earlier import or registered through
  the patient service (`patient.py`);
- every chart item keeps `<ResourceType>/<id>` in `source_identifier`; what is already there is
  skipped, so re-importing the same files creates nothing new;
- the chart is written only through `records.services.ChartImport`: each item passes the
  records services' checks and is written in bulk with one ChartHistory "create" row per item;
  a resource it refuses is skipped with the reason. One audit event per patient records the
  import.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import DatabaseError, transaction
from pydantic import ValidationError

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import ApplicationError
from medassist.practice.roles import require
from medassist.records.models import Encounter
from medassist.records.selectors import encounter_ids_by_source, imported_source_ids
from medassist.records.services import ChartImport

from .mapping import MAPPERS, NOT_CHART, Context, Skip
from .patient import get_or_register_patient
from .report import BadBundle, BundleResult, ImportReport
from .sources import check_paths, count_bundles, iter_bundles

log = logging.getLogger(__name__)

PERMISSION = "practice.manage"  # a data migration is practice set-up (clinic admin)

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


def _key(res: dict, full_url: str) -> str:
    """The source identifier of a resource: `<ResourceType>/<id>`, else its fullUrl."""
    return f"{res['resourceType']}/{res['id']}" if res.get("id") else full_url


# --- reading a bundle -----------------------------------------------------------------------


def _read_entries(raw: bytes) -> list[tuple[str, dict]]:
    """(fullUrl, resource) of every entry; BadBundle when the file is not a Bundle of them."""
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
    for n, entry in enumerate(entries, start=1):
        res = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(res, dict) or not isinstance(res.get("resourceType"), str):
            raise BadBundle(f"entry {n} has no resource")
        resources.append((entry.get("fullUrl") or "", res))
    return resources


def _index(resources: list[tuple[str, dict]]) -> dict[str, dict]:
    """ "urn:uuid:…" and "Type/id" → resource, to resolve references."""
    index: dict[str, dict] = {}
    for full_url, res in resources:
        if full_url:
            index[full_url] = res
        if res.get("id"):
            index[f"{res['resourceType']}/{res['id']}"] = res
    return index


def _chart_resources(resources: list[tuple[str, dict]], result: BundleResult) -> list:
    """The resources the chart may hold; the other types are reported as not imported."""
    mapped: list[tuple[str, dict]] = []
    known_types: dict[str, bool] = {}
    for full_url, res in resources:
        rtype = res["resourceType"]
        if rtype == "Patient":
            continue
        if rtype in MAPPERS:
            mapped.append((full_url, res))
        elif rtype in NOT_CHART:
            result.skip(rtype, NOT_CHART[rtype])
        else:
            if rtype not in known_types:
                known_types[rtype] = _known_resource_type(rtype)
            reason = (
                "not a chart resource (not imported)"
                if known_types[rtype]
                else "unknown resource type (not FHIR R4)"
            )
            result.skip(rtype, reason)
    return mapped


# --- loading the chart ----------------------------------------------------------------------


@dataclass
class _Loading:
    """One bundle's chart resources going into `batch`, with what the report needs."""

    batch: ChartImport
    ctx: Context
    result: BundleResult
    existing: set[str]  # source ids already in the chart
    validated: set[int]  # id() of the resources already R4B-validated
    seen: set[str] = field(default_factory=set)

    def load(self, mapped: list[tuple[str, dict]], types: set[str]) -> None:
        """Map, check and queue the resources of these types, then save them."""
        encounters: list[tuple[str, Encounter]] = []
        for full_url, res in mapped:
            if res["resourceType"] in types:
                encounters += self._resource(full_url, res)
        self.batch.save()
        self.ctx.encounter_pks.update((sid, obj.pk) for sid, obj in encounters)

    def _resource(self, full_url: str, res: dict) -> list[tuple[str, Encounter]]:
        """Add one resource's rows to the batch (or report why not); its new encounters."""
        rtype = res["resourceType"]
        key = _key(res, full_url)
        label = res.get("id") or full_url or "(no id)"
        if not key:
            reason = "no id or fullUrl: it could not be matched on re-import"
            self.result.skip(rtype, reason, resource_id=label)
            return []
        if key in self.seen:
            self.result.skip(rtype, "appears twice in the bundle", resource_id=label)
            return []
        self.seen.add(key)
        _, mapper = MAPPERS[rtype]
        try:
            rows = [r if isinstance(r, tuple) else ("", r) for r in mapper(res, self.ctx)]
            new_rows = [
                (key + suffix, obj) for suffix, obj in rows if key + suffix not in self.existing
            ]
            if not new_rows:
                self.result.present[rtype] += 1
                return []
            if id(res) not in self.validated:  # partly present before: check it now
                _validate_all([res])
            for sid, obj in new_rows:
                obj.source_identifier = sid[:200]
            self.batch.add(obj for _, obj in new_rows)
        except Skip as exc:
            self.result.skip(rtype, exc.reason, resource_id=label)
            return []
        except ApplicationError as exc:
            self.result.skip(rtype, exc.message, resource_id=label)
            return []
        self.result.loaded[rtype] += 1
        return [(sid, obj) for sid, obj in new_rows if isinstance(obj, Encounter)]


def _load_bundle(actor, source: str, raw: bytes, result: BundleResult) -> None:
    resources = _read_entries(raw)
    patients = [(u, r) for u, r in resources if r["resourceType"] == "Patient"]
    if len(patients) != 1:
        raise BadBundle(f"a bundle must hold exactly one Patient (found {len(patients)})")
    patient_url, patient_res = patients[0]
    _validate_all([patient_res])
    patient, created = get_or_register_patient(actor, patient_res, patient_url, result)
    result.patient_public_id = str(patient.public_id)
    existing = set() if created else imported_source_ids(patient)
    ctx = Context(
        patient_refs={f"Patient/{patient_res.get('id')}"}
        | ({patient_url} if patient_url else set()),
        index=_index(resources),
        encounter_pks={} if created else encounter_ids_by_source(patient),
    )
    # R4B-validate what may load; a resource already in the chart is not read again (a re-import
    # of the same files costs little). One invalid resource makes the whole bundle bad.
    present_bases = {sid.split("#", 1)[0] for sid in existing}
    to_check = [
        res
        for url, res in resources
        if res["resourceType"] in MAPPERS and _key(res, url) not in present_bases
    ]
    _validate_all(to_check)
    mapped = _chart_resources(resources, result)

    batch = ChartImport(actor=actor, patient=patient, source=f"FHIR ({Path(source).name})")
    loading = _Loading(
        batch=batch,
        ctx=ctx,
        result=result,
        existing=existing,
        validated={id(res) for res in to_check},
    )
    loading.load(mapped, {"Encounter"})  # first, so the other resources can point at them
    loading.load(mapped, set(MAPPERS) - {"Encounter"})
    batch.finish()
    result.rows = len(batch.created)
    if batch.smoking_status_from is not None:
        latest = batch.smoking_status_from
        result.notes.append(
            f"smoking status from {latest.effective_at:%Y-%m-%d}: {latest.value_string}"
        )
    if batch.created or created:
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
                "rows": len(batch.created),
            },
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
