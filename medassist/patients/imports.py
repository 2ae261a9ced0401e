"""Importing patients from a CSV file (e.g. moving from another system).

All or nothing: every row is checked first; if any row is bad, nothing is imported and every
problem is reported with its row number and column."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction

from medassist.core.errors import ApplicationError, ValidationFailed
from medassist.patients.errors import ImportRefused
from medassist.patients.services import PATIENT_FIELDS, coverage_add, patient_register
from medassist.practice.models import Payer, User
from medassist.practice.roles import require, staff_clinic

REQUIRED = ("first_name", "last_name", "date_of_birth", "sex")
COVERAGE_COLUMNS = ("payer", "member_id", "group_number", "relationship", "copay")
KNOWN = set(PATIENT_FIELDS) | set(COVERAGE_COLUMNS)
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000


@dataclass
class ImportReport:
    imported: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _parse_date(text: str) -> date:
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise ValidationFailed(f"{text!r} is not a date (use YYYY-MM-DD or MM/DD/YYYY).")


def _read_rows(data: bytes) -> tuple[list[str], list[dict]]:
    if len(data) > MAX_BYTES:
        raise ImportRefused(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused("The file is not UTF-8 text; save it as CSV UTF-8 and retry.") from exc
    try:
        reader = csv.DictReader(io.StringIO(text))
        header = [h.strip() for h in (reader.fieldnames or [])]
        reader.fieldnames = header
        rows = []
        for row in reader:
            if None in row:
                raise ImportRefused(f"Row {reader.line_num} has more cells than the header.")
            rows.append(row)
            if len(rows) > MAX_ROWS:
                raise ImportRefused(f"At most {MAX_ROWS:,} rows per file.")
    except csv.Error as exc:
        raise ImportRefused(f"The file is not valid CSV: {exc}.") from exc
    if not header:
        raise ImportRefused("The file is empty.")
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportRefused(f"Missing required column(s): {', '.join(missing)}.")
    unknown = [c for c in header if c not in KNOWN]
    if unknown:
        raise ImportRefused(
            f"Unknown column(s): {', '.join(unknown)}. Known columns: {', '.join(sorted(KNOWN))}."
        )
    if not rows:
        raise ImportRefused("The file has a header but no patients.")
    return header, rows


def patients_import_csv(
    *, actor: User, data: bytes, allow_duplicates: bool = False
) -> ImportReport:
    """Import every row or none. Returns the report; raises ImportRefused listing all errors."""
    require(actor, "patient.register")
    _, rows = _read_rows(data)
    in_use = Payer.objects.filter(clinic=staff_clinic(actor), active=True)
    payers = {p.name.casefold(): p for p in in_use}
    payers.update({p.payer_id: p for p in payers.values() if p.payer_id})
    report = ImportReport()
    try:
        with transaction.atomic():
            for number, row in enumerate(rows, start=2):  # row 1 is the header
                values = {k: (v or "").strip() for k, v in row.items()}
                try:
                    _import_row(actor, values, payers, allow_duplicates)
                    report.imported += 1
                except ApplicationError as exc:
                    detail = (
                        "; ".join(f"{f}: {m}" for f, msgs in exc.errors.items() for m in msgs)
                        or exc.message
                    )
                    report.errors.append(f"Row {number}: {detail}")
            if report.errors:
                raise _Rollback
    except _Rollback:
        shown = report.errors[:50]
        more = len(report.errors) - len(shown)
        raise ImportRefused(
            f"Nothing was imported: {len(report.errors)} row(s) have problems. "
            + " | ".join(shown)
            + (f" | … and {more} more." if more > 0 else ""),
            extra={"row_errors": report.errors},
        ) from None
    return report


class _Rollback(Exception):
    pass


def _import_row(actor: User, values: dict, payers: dict, allow_duplicates: bool) -> None:
    patient_values = {k: v for k, v in values.items() if k in PATIENT_FIELDS and v != ""}
    for required in REQUIRED:
        if not values.get(required):
            raise ValidationFailed(f"{required} is empty.", field=required)
    patient_values["date_of_birth"] = _parse_date(values["date_of_birth"])
    patient_values["sex"] = values["sex"].upper()[:1]
    with transaction.atomic():
        patient = patient_register(actor=actor, allow_duplicate=allow_duplicates, **patient_values)
        payer_key = values.get("payer", "")
        if payer_key:
            payer = payers.get(payer_key.casefold()) or payers.get(payer_key)
            if payer is None:
                raise ValidationFailed(f"Unknown payer {payer_key!r}.", field="payer")
            coverage_add(
                actor=actor,
                patient=patient,
                payer=payer,
                member_id=values.get("member_id", ""),
                group_number=values.get("group_number", ""),
                relationship=values.get("relationship") or "self",
                copay=values.get("copay") or None,
            )
