"""Provider → Practitioner."""

from __future__ import annotations

from medassist.fhir.mappers.common import NPI_SYSTEM, finish, meta


def practitioner_to_fhir(provider) -> dict:
    return finish(
        {
            "resourceType": "Practitioner",
            "id": str(provider.public_id),
            "meta": meta(provider, versioned=False),
            "identifier": [{"system": NPI_SYSTEM, "value": provider.npi}],
            "active": provider.active,
            "name": [
                {
                    "use": "official",
                    "text": provider.display_name,
                    "family": provider.last_name,
                    "given": [provider.first_name],
                    "suffix": [provider.credentials] if provider.credentials else [],
                }
            ],
            "qualification": [{"code": {"text": provider.specialty}}] if provider.specialty else [],
        }
    )
