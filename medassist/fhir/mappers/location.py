"""Location → Location."""

from __future__ import annotations

from medassist.fhir.mappers.common import finish, meta, ref


def location_to_fhir(location) -> dict:
    return finish(
        {
            "resourceType": "Location",
            "id": str(location.public_id),
            "meta": meta(location, versioned=False),
            "status": "active" if location.active else "inactive",
            "name": location.name,
            "mode": "instance",
            "telecom": [{"system": "phone", "value": location.phone, "use": "work"}]
            if location.phone
            else [],
            "address": {
                "line": [location.address_line1] if location.address_line1 else [],
                "city": location.city,
                "state": location.state,
                "postalCode": location.postal_code,
                "country": "US",
            },
            "managingOrganization": ref("Organization", location.clinic, location.clinic.name),
        }
    )
