"""The CapabilityStatement: exactly what this server does (built from the same tables the
server dispatches on, so it cannot drift)."""

from __future__ import annotations

from django.utils import timezone

from medassist.fhir.mappers.common import instant, validate
from medassist.fhir.resources import TYPES
from medassist.fhir.writers import WRITERS

PARAM_TYPES = {
    "_id": "token",
    "patient": "reference",
    "subject": "reference",
    "actor": "reference",
    "practitioner": "reference",
    "location": "reference",
    "encounter": "reference",
    "appointment": "reference",
    "date": "date",
    "birthdate": "date",
    "onset-date": "date",
    "recorded-date": "date",
    "effective": "date",
    "name": "string",
    "family": "string",
    "given": "string",
}


def capability_statement(base_url: str) -> dict:
    resources = []
    for rtype, sources in TYPES.items():
        names = sorted({"_id", *(n for src in sources for n in src.params)})
        interactions = ["read", "search-type"]
        writer = WRITERS.get(rtype)
        if writer and writer.create:
            interactions.append("create")
        if writer and writer.update:
            interactions.append("update")
        entry: dict = {
            "type": rtype,
            "interaction": [{"code": i} for i in interactions],
            "versioning": "versioned"
            if rtype not in ("Patient", "Practitioner", "Organization", "Location", "Appointment")
            else "no-version",
            "readHistory": False,
            "updateCreate": False,
            "searchParam": [{"name": n, "type": PARAM_TYPES.get(n, "token")} for n in names]
            + [{"name": "_count", "type": "number"}],
        }
        if rtype == "Patient":
            entry["operation"] = [
                {
                    "name": "everything",
                    "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything",
                }
            ]
        resources.append(entry)
    return validate(
        {
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": instant(timezone.now()),
            "publisher": "medassist",
            "kind": "instance",
            "software": {"name": "medassist"},
            "implementation": {"description": "medassist FHIR R4 server", "url": base_url},
            "fhirVersion": "4.0.1",
            "format": ["application/fhir+json", "json"],
            "rest": [
                {
                    "mode": "server",
                    "documentation": "Session (logged-in staff) or Authorization: Bearer <API "
                    "token>. Every read and write uses the staff member's role and clinic.",
                    "security": {
                        "cors": False,
                        "description": "Bearer API tokens (see /api/docs) or a staff session.",
                    },
                    "resource": resources,
                    "interaction": [{"code": "batch"}, {"code": "transaction"}],
                }
            ],
        }
    )
