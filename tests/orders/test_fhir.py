"""ServiceRequest, Specimen and DiagnosticReport read and searched over FHIR, each resource
validated with fhir.resources (R4B) by the client."""

from __future__ import annotations

from medassist.orders.ingest import receive
from medassist.orders.services import specimens_collect
from tests.fhir.conftest import Fhir
from tests.orders.samples import oru


def test_orders_over_fhir(physician, medical_assistant, other_clinic_physician, lipid_order):
    p = lipid_order.patient
    (s,) = specimens_collect(
        actor=medical_assistant, order=lipid_order, site="left arm", fasting_confirmed=True
    )
    receive(
        actor=medical_assistant,
        data=oru(
            mrn=p.mrn, family=p.last_name, given=p.first_name, placer=lipid_order.placer_number
        ),
    )
    fhir = Fhir(physician)
    sr = fhir.get(f"/ServiceRequest/{lipid_order.public_id}").data
    assert sr["status"] == "completed" and sr["code"]["coding"][0]["code"] == "57698-3"
    assert sr["identifier"][0]["value"] == lipid_order.placer_number
    bundle = fhir.get(
        "/ServiceRequest", {"patient": str(p.public_id), "code": "http://loinc.org|57698-3"}
    ).data
    assert bundle["total"] == 1
    assert fhir.get("/ServiceRequest", {"code": "http://loinc.org|2093-3"}).data["total"] == 0
    sp = fhir.get(f"/Specimen/{s.public_id}").data
    assert (
        sp["accessionIdentifier"]["value"] == s.accession
        and sp["collection"]["bodySite"]["text"] == "left arm"
    )
    assert fhir.get("/Specimen", {"accession": s.accession}).data["total"] == 1
    dr = fhir.get(f"/DiagnosticReport/{lipid_order.public_id}").data
    assert len(dr["result"]) == 3 and dr["status"] == "final"
    obs_id = dr["result"][0]["reference"].split("/")[1]
    assert fhir.get(f"/Observation/{obs_id}").data["resourceType"] == "Observation"
    assert fhir.get("/DiagnosticReport", {"patient": str(p.public_id)}).data["total"] == 1
    other = Fhir(other_clinic_physician)
    assert (
        other.client.get(
            f"/fhir/r4/ServiceRequest/{lipid_order.public_id}", headers=other.headers
        ).status_code
        == 404
    )
