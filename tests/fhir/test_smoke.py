import pytest

pytestmark = pytest.mark.django_db


def test_smoke(fhir_as, physician, chart_items, patient):
    api = fhir_as(physician)
    for rtype in ("Patient", "Practitioner", "Organization", "Location", "Appointment",
                  "Encounter", "Condition", "AllergyIntolerance", "MedicationStatement",
                  "Immunization", "Observation", "DocumentReference"):
        r = api.get(f"/{rtype}")
        assert r.status_code == 200, (rtype, r.data)
        print(rtype, r.data["total"])
    r = api.get(f"/Patient/{patient.public_id}/$everything")
    assert r.status_code == 200, r.data
    print([e["resource"]["resourceType"] for e in r.data["entry"]])
