"""The patient of a bundle: found again through the identifiers an earlier import recorded
(`fhir.SourceIdentifier`), or registered through `patients.services.patient_register` (MRN,
duplicate check, audit)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db.models import Q

from medassist.core.errors import ValidationFailed
from medassist.core.normalize import phone_e164
from medassist.fhir.models import SourceIdentifier
from medassist.patients.models import Patient
from medassist.patients.services import patient_mark_deceased, patient_register

from .report import BadBundle, BundleResult
from .values import parse_day, state_code

SSN_SYSTEMS = {"http://hl7.org/fhir/sid/us-ssn"}


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


def find_patient(clinic_id: int, identifiers: list[tuple[str, str]]) -> Patient | None:
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


def patient_values(res: dict, result: BundleResult) -> dict:
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


def get_or_register_patient(
    actor, res: dict, full_url: str, result: BundleResult
) -> tuple[Patient, bool]:
    """The bundle's patient, and whether it was registered now; new identifiers are kept."""
    identifiers = patient_identifiers(res, full_url)
    found = find_patient(actor.clinic_id, identifiers)
    created = found is None
    if found is None:
        patient = patient_register(actor=actor, **patient_values(res, result))
        deceased = res.get("deceasedDateTime") or res.get("deceasedBoolean")
        if deceased:
            # Not a registration field: a deceased patient must not get reminders or recalls.
            day = parse_day(deceased) if isinstance(deceased, str) else None
            patient = patient_mark_deceased(actor=actor, patient=patient, deceased_on=day)
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
