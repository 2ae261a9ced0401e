"""Clinic → Organization."""

from __future__ import annotations

from medassist.fhir.mappers.common import finish, meta


def organization_to_fhir(clinic) -> dict:
    return finish(
        {
            "resourceType": "Organization",
            "id": str(clinic.public_id),
            "meta": meta(clinic, versioned=False),
            "active": True,
            "type": [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/organization-type",
                            "code": "prov",
                            "display": "Healthcare Provider",
                        }
                    ]
                }
            ],
            "name": clinic.name,
            "telecom": [{"system": "phone", "value": clinic.phone, "use": "work"}]
            if clinic.phone
            else [],
            "address": [{"state": clinic.state, "country": "US"}] if clinic.state else [],
        }
    )
