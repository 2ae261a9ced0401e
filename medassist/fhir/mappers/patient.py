"""Patient ↔ Patient. Identifiers: our MRN under a per-clinic system URI, plus any external
identifiers an importer recorded (medassist.fhir.models.SourceIdentifier, when present)."""

from __future__ import annotations

from medassist.fhir.mappers.common import (
    date,
    date_in,
    finish,
    first,
    invert,
    meta,
    ref,
)

GENDER = {"F": "female", "M": "male", "U": "unknown", "X": "other"}
MR_TYPE = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/v2-0203",
            "code": "MR",
            "display": "Medical record number",
        }
    ],
    "text": "MRN",
}
EMERGENCY_CONTACT = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/v2-0131",
            "code": "C",
            "display": "Emergency Contact",
        }
    ]
}


def mrn_system(clinic) -> str:
    return f"urn:medassist:clinic:{clinic.public_id}:mrn"


def source_identifiers(clinic_id: int, resource_type: str, public_ids) -> dict[str, list[dict]]:
    """External identifiers recorded by the importer, by object public id (as text). Empty when
    the importer's model is not installed."""
    try:
        from medassist.fhir.models import SourceIdentifier  # type: ignore[attr-defined]
    except ImportError:
        return {}
    ids = [str(p) for p in public_ids]
    if not ids:
        return {}
    rows = SourceIdentifier.objects.filter(
        clinic_id=clinic_id, resource_type=resource_type, object_public_id__in=ids
    ).values_list("object_public_id", "system", "value")
    found: dict[str, list[dict]] = {}
    for oid, system, value in rows:
        ident = {"value": value}
        if system:
            ident["system"] = system
        elif value.startswith("urn:"):
            ident["system"] = "urn:ietf:rfc:3986"  # the identifier is itself a URI
        found.setdefault(str(oid), []).append(ident)
    return found


def patient_to_fhir(patient, *, identifiers: list[dict] | None = None) -> dict:
    p = patient
    names = [
        {
            "use": "official",
            "family": p.last_name,
            "given": [n for n in (p.first_name, p.middle_name) if n],
        }
    ]
    if p.preferred_name:
        names.append({"use": "usual", "family": p.last_name, "given": [p.preferred_name]})
    telecom = []
    if p.phone_mobile:
        telecom.append({"system": "phone", "value": p.phone_mobile, "use": "mobile"})
    if p.phone_home:
        telecom.append({"system": "phone", "value": p.phone_home, "use": "home"})
    if p.email:
        telecom.append({"system": "email", "value": p.email})
    address = {
        "use": "home",
        "line": [line for line in (p.address_line1, p.address_line2) if line],
        "city": p.city,
        "state": p.state,
        "postalCode": p.postal_code,
    }
    contact = []
    if p.emergency_contact_name or p.emergency_contact_phone:
        contact.append(
            {
                "relationship": [
                    EMERGENCY_CONTACT,
                    {"text": p.emergency_contact_relationship}
                    if p.emergency_contact_relationship
                    else None,
                ],
                "name": {"text": p.emergency_contact_name} if p.emergency_contact_name else None,
                "telecom": [{"system": "phone", "value": p.emergency_contact_phone}]
                if p.emergency_contact_phone
                else [],
            }
        )
    return finish(
        {
            "resourceType": "Patient",
            "id": str(p.public_id),
            "meta": meta(p, versioned=False),
            "identifier": [
                {"use": "usual", "type": MR_TYPE, "system": mrn_system(p.clinic), "value": p.mrn},
                *(identifiers or []),
            ],
            "active": p.active,
            "name": names,
            "telecom": telecom,
            "gender": GENDER.get(p.sex, "unknown"),
            "birthDate": date(p.date_of_birth),
            "address": [address] if any(v for k, v in address.items() if k != "use") else [],
            "contact": contact,
            "communication": [{"language": {"text": p.preferred_language}, "preferred": True}]
            if p.preferred_language
            else [],
            "managingOrganization": ref("Organization", p.clinic, p.clinic.name),
        }
    )


def patient_from_fhir(data: dict) -> dict:
    """Service arguments (patient_register / patient_update) from a Patient resource. A PUT
    replaces: elements left out become blank."""
    names = data.get("name") or []
    official = next((n for n in names if n.get("use") == "official"), None) or first(names)
    usual = next((n for n in names if n.get("use") == "usual" and n is not official), None)
    given = official.get("given") or []
    telecom = data.get("telecom") or []

    def phone(use: str) -> str:
        return next(
            (
                t.get("value", "")
                for t in telecom
                if t.get("system") == "phone" and t.get("use") == use
            ),
            "",
        )

    mobile = phone("mobile")
    home = phone("home")
    if not mobile and not home:
        home = next((t.get("value", "") for t in telecom if t.get("system") == "phone"), "")
    email = next((t.get("value", "") for t in telecom if t.get("system") == "email"), "")
    address = next((a for a in data.get("address") or [] if a.get("use") == "home"), None) or first(
        data.get("address")
    )
    lines = address.get("line") or []
    contact = next(
        (
            c
            for c in data.get("contact") or []
            if any(
                cd.get("code") == "C"
                for r in c.get("relationship") or []
                for cd in r.get("coding") or []
            )
        ),
        None,
    ) or first(data.get("contact"))
    relationship_text = next(
        (r.get("text") for r in contact.get("relationship") or [] if r.get("text")), ""
    )
    contact_name = (contact.get("name") or {}).get("text") or " ".join(
        [
            *((contact.get("name") or {}).get("given") or []),
            (contact.get("name") or {}).get("family") or "",
        ]
    ).strip()
    values = {
        "first_name": given[0] if given else "",
        "middle_name": " ".join(given[1:]),
        "last_name": official.get("family") or "",
        "preferred_name": first((usual or {}).get("given")) or "",
        "date_of_birth": date_in(data.get("birthDate"), field="birthDate"),
        "sex": invert(GENDER).get(data.get("gender") or "", ""),
        "phone_mobile": mobile,
        "phone_home": home,
        "email": email,
        "address_line1": lines[0] if lines else "",
        "address_line2": " ".join(lines[1:]),
        "city": address.get("city") or "",
        "state": address.get("state") or "",
        "postal_code": address.get("postalCode") or "",
        "emergency_contact_name": contact_name,
        "emergency_contact_relationship": relationship_text,
        "emergency_contact_phone": next(
            (t.get("value", "") for t in contact.get("telecom") or [] if t.get("value")), ""
        ),
    }
    language = first(data.get("communication")).get("language") or {}
    language_text = language.get("text") or first(language.get("coding")).get("display")
    if language_text:
        values["preferred_language"] = language_text
    return values
