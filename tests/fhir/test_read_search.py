"""Reading and searching: every resource parses as R4B, ids and references line up, search
parameters filter, paging links walk the whole set, and reads are audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.records import services as chart
from tests import factories

pytestmark = pytest.mark.django_db


def ids(bundle: dict) -> list[str]:
    return [e["resource"]["id"] for e in bundle.get("entry", [])]


def test_metadata_lists_what_the_server_serves(client):
    # when
    response = client.get("/fhir/r4/metadata")
    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    from tests.fhir.conftest import r4b

    statement = r4b(response.json())
    resources = {r.type: r for r in statement.rest[0].resource}
    assert {"Patient", "Condition", "Observation", "Appointment", "DocumentReference"} <= set(
        resources
    )
    patient_interactions = {i.code for i in resources["Patient"].interaction}
    assert patient_interactions == {"read", "search-type", "create", "update"}
    assert {i.code for i in resources["Practitioner"].interaction} == {"read", "search-type"}
    assert resources["Patient"].operation[0].name == "everything"
    assert {i.code for i in statement.rest[0].interaction} == {"batch", "transaction"}


def test_read_every_resource_type(fhir_as, physician, patient, chart_items, appointment, clinic):
    # given
    api = fhir_as(physician)
    vitals = chart_items["vitals"]
    wanted = {
        "Patient": patient.public_id,
        "Practitioner": physician.provider.public_id,
        "Organization": clinic.public_id,
        "Location": clinic.locations.first().public_id,
        "Appointment": appointment.public_id,
        "Encounter": chart_items["encounter"].public_id,
        "Condition": chart_items["problem"].public_id,
        "AllergyIntolerance": chart_items["allergy"].public_id,
        "MedicationStatement": chart_items["medication"].public_id,
        "Immunization": chart_items["immunization"].public_id,
        "Observation": chart_items["observation"].public_id,
    }
    for rtype, pid in wanted.items():
        # when
        response = api.get(f"/{rtype}/{pid}")
        # then (the client parsed it with the R4B model)
        assert response.status_code == 200, (rtype, response.data)
        assert response.data["resourceType"] == rtype
        assert response.data["id"] == str(pid)
    bp = api.get(f"/Observation/{vitals.public_id}-bp").data
    assert [c["valueQuantity"]["value"] for c in bp["component"]] == [128, 82]
    assert bp["component"][0]["valueQuantity"]["code"] == "mm[Hg]"


def test_patient_carries_mrn_identifier_and_clinic(fhir_as, front_desk, patient, clinic):
    # when
    data = fhir_as(front_desk).get(f"/Patient/{patient.public_id}").data
    # then
    mrn = data["identifier"][0]
    assert mrn["system"] == f"urn:medassist:clinic:{clinic.public_id}:mrn"
    assert mrn["value"] == patient.mrn
    assert data["name"][0] == {"use": "official", "family": "Reyes", "given": ["Jordan"]}
    assert data["gender"] == "female" and data["birthDate"] == "1980-05-17"
    assert data["managingOrganization"]["reference"] == f"Organization/{clinic.public_id}"
    assert data["telecom"][0] == {"system": "phone", "value": "+15185550142", "use": "mobile"}


def test_chart_item_versions_and_meta(fhir_as, physician, chart_items):
    # given
    problem = chart.problem_update(
        actor=physician, problem=chart_items["problem"], note="Home readings fine"
    )
    # when
    response = fhir_as(physician).get(f"/Condition/{problem.public_id}")
    # then
    assert response.data["meta"]["versionId"] == "2"
    assert response["ETag"] == 'W/"2"'
    assert response.data["note"] == [{"text": "Home readings fine"}]
    assert response.data["code"]["coding"][0] == {
        "system": "http://hl7.org/fhir/sid/icd-10-cm",
        "code": "I10",
        "display": problem.display,
    }


def test_vital_signs_use_loinc_and_ucum(fhir_as, physician, patient, chart_items):
    # when
    bundle = fhir_as(physician).get("/Observation", {"category": "vital-signs"}).data
    # then
    by_code = {e["resource"]["code"]["coding"][0]["code"]: e["resource"] for e in bundle["entry"]}
    assert set(by_code) == {
        "85354-9",
        "8867-4",
        "8310-5",
        "59408-5",
        "8302-2",
        "29463-7",
        "39156-5",
    }
    assert by_code["8867-4"]["valueQuantity"] == {
        "value": 72,
        "unit": "/min",
        "system": "http://unitsofmeasure.org",
        "code": "/min",
    }
    assert by_code["8310-5"]["valueQuantity"]["code"] == "Cel"
    assert by_code["29463-7"]["valueQuantity"]["value"] == 70.5
    assert by_code["39156-5"]["valueQuantity"]["code"] == "kg/m2"
    assert by_code["59408-5"]["code"]["coding"][1]["code"] == "2708-6"
    encounter = chart_items["encounter"]
    assert by_code["8867-4"]["encounter"]["reference"] == f"Encounter/{encounter.public_id}"


def test_search_by_patient_reference_or_bare_id(fhir_as, physician, patient, chart_items):
    # given
    other = factories.make_patient(physician.clinic.staff.get(role="front_desk"))
    chart.problem_create(actor=physician, patient=other, code="E11.9")
    api = fhir_as(physician)
    # when
    by_ref = api.get("/Condition", {"patient": f"Patient/{patient.public_id}"}).data
    by_id = api.get("/Condition", {"subject": str(patient.public_id)}).data
    everyone = api.get("/Condition").data
    # then
    assert ids(by_ref) == ids(by_id) == [str(chart_items["problem"].public_id)]
    assert everyone["total"] == 2


def test_search_by_id_code_and_status(fhir_as, physician, patient, chart_items):
    # given
    api = fhir_as(physician)
    medication = chart_items["medication"]
    chart.medication_stop(actor=physician, medication=medication, reason="Cough")
    chart.medication_create(actor=physician, patient=patient, drug_name="Metformin", code="6809")
    # when / then
    assert ids(api.get("/MedicationStatement", {"_id": str(medication.public_id)}).data) == [
        str(medication.public_id)
    ]
    rx = "http://www.nlm.nih.gov/research/umls/rxnorm"
    assert api.get("/MedicationStatement", {"code": f"{rx}|6809"}).data["total"] == 1
    assert api.get("/MedicationStatement", {"code": "6809"}).data["total"] == 1
    assert api.get("/MedicationStatement", {"code": "http://loinc.org|6809"}).data["total"] == 0
    assert api.get("/MedicationStatement", {"code": f"{rx}|"}).data["total"] == 2
    assert api.get("/MedicationStatement", {"status": "active"}).data["total"] == 1
    assert api.get("/MedicationStatement", {"status": "active,stopped"}).data["total"] == 2
    assert api.get("/Observation", {"code": "http://loinc.org|4548-4"}).data["total"] == 1
    assert api.get("/Observation", {"code": "8480-6"}).data["total"] == 1  # BP component


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-10-01", 1),
        ("eq2024-10", 1),
        ("2024", 1),
        ("ge2024-10-02", 0),
        ("gt2024-10-01", 0),
        ("le2024-10-01", 1),
        ("lt2024-10-01", 0),
        ("lt2024-10-02", 1),
        ("ge2024-09-30", 1),
    ],
)
def test_search_dates_with_prefixes(fhir_as, physician, chart_items, value, expected):
    # when
    bundle = fhir_as(physician).get("/Immunization", {"date": value}).data
    # then
    assert bundle["total"] == expected


def test_search_datetime_ranges_and_and(fhir_as, physician, patient, chart_items):
    # given
    api = fhir_as(physician)
    taken = chart_items["vitals"].taken_at
    before = (taken - dt.timedelta(minutes=5)).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    after = (taken + dt.timedelta(minutes=5)).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    # when
    inside = api.get(f"/Observation?category=vital-signs&date=ge{before}&date=le{after}").data
    outside = api.get(f"/Observation?category=vital-signs&date=gt{after}").data
    # then
    assert inside["total"] == 7
    assert outside["total"] == 0


def test_paging_walks_every_result_once(fhir_as, physician, patient, chart_items):
    # given: 1 result plus 7 vital-sign observations
    api = fhir_as(physician)
    seen: list[str] = []
    page = api.get("/Observation", {"patient": str(patient.public_id), "_count": "3"}).data
    assert page["total"] == 8
    assert not any(link["relation"] == "previous" for link in page["link"])
    # when
    while True:
        seen += ids(page)
        nxt = [link["url"] for link in page["link"] if link["relation"] == "next"]
        if not nxt:
            break
        page = api.get(nxt[0].split("/fhir/r4", 1)[1]).data
    # then
    assert len(seen) == len(set(seen)) == 8
    assert any(link["relation"] == "previous" for link in page["link"])


def test_count_zero_gives_only_the_total(fhir_as, physician, chart_items):
    # when
    bundle = fhir_as(physician).get("/Observation", {"_count": "0"}).data
    # then
    assert bundle["total"] == 8 and "entry" not in bundle


def test_patient_search_by_name_identifier_birthdate_gender(fhir_as, front_desk, patient):
    # given
    factories.make_patient(front_desk, first_name="Sam", last_name="Okafor", sex="M")
    api = fhir_as(front_desk)
    # when / then
    assert ids(api.get("/Patient", {"name": "rey"}).data) == [str(patient.public_id)]
    assert ids(api.get("/Patient", {"family": "Reyes", "given": "jor"}).data) == [
        str(patient.public_id)
    ]
    assert api.get("/Patient", {"identifier": patient.mrn}).data["total"] == 1
    assert api.get("/Patient", {"birthdate": "1980-05-17"}).data["total"] == 2
    assert api.get("/Patient", {"gender": "male"}).data["total"] == 1


def test_appointment_search_by_status_and_date(fhir_as, front_desk, appointment, clinic):
    # given
    api = fhir_as(front_desk)
    day = appointment.start.astimezone(clinic.tz).date().isoformat()
    # when / then
    assert api.get("/Appointment", {"date": day, "status": "booked"}).data["total"] == 1
    assert api.get("/Appointment", {"status": "cancelled"}).data["total"] == 0
    data = api.get("/Appointment", {"patient": str(appointment.patient.public_id)}).data
    resource = data["entry"][0]["resource"]
    actors = [p["actor"]["reference"].split("/")[0] for p in resource["participant"]]
    assert actors == ["Patient", "Practitioner", "Location"]
    assert resource["appointmentType"]["coding"][0]["code"] == "follow-up"


def test_another_clinic_sees_nothing(fhir_as, other_clinic_physician, patient, chart_items):
    # given
    api = fhir_as(other_clinic_physician)
    # when / then
    assert api.get("/Patient").data["total"] == 0
    assert api.get("/Observation").data["total"] == 0
    assert api.get(f"/Patient/{patient.public_id}").status_code == 404
    assert api.get(f"/Condition/{chart_items['problem'].public_id}").status_code == 404
    assert api.get(f"/Observation/{chart_items['vitals'].public_id}-bp").status_code == 404


def test_reads_and_searches_are_audited(fhir_as, physician, patient, chart_items):
    # given
    api = fhir_as(physician)
    before = AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count()
    # when
    api.get(f"/Condition/{chart_items['problem'].public_id}")
    api.get("/Observation", {"patient": str(patient.public_id)})
    # then
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.action, e.patient_id, e.channel) for e in events] == [
        (AuditEvent.Action.READ, patient.pk, "fhir"),
        (AuditEvent.Action.LIST, patient.pk, "fhir"),
    ]
    assert events[1].object_type == "fhir.Observation"


def test_entered_in_error_items_show_their_status(fhir_as, physician, chart_items):
    # given
    chart.problem_enter_in_error(actor=physician, problem=chart_items["problem"], reason="Wrong")
    # when
    data = fhir_as(physician).get(f"/Condition/{chart_items['problem'].public_id}").data
    # then
    assert data["verificationStatus"]["coding"][0]["code"] == "entered-in-error"
    assert "clinicalStatus" not in data


def test_no_known_allergies_is_an_allergy_intolerance(fhir_as, physician, front_desk):
    # given
    other = factories.make_patient(front_desk)
    nka = chart.nka_record(actor=physician, patient=other)
    # when
    data = fhir_as(physician).get(f"/AllergyIntolerance/{nka.public_id}").data
    # then
    assert data["code"]["coding"][0]["code"] == "716186003"
    assert data["clinicalStatus"]["coding"][0]["code"] == "active"


def test_document_reference_links_to_the_download(fhir_as, physician, patient, settings, tmp_path):
    # given
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    doc = chart.document_upload(
        actor=physician,
        patient=patient,
        uploaded_file=SimpleUploadedFile("scan.pdf", pdf),
        title="Outside labs",
        kind="outside-record",
    )
    # when
    data = fhir_as(physician).get(f"/DocumentReference/{doc.public_id}").data
    # then
    attachment = data["content"][0]["attachment"]
    assert attachment["contentType"] == "application/pdf"
    assert attachment["url"] == f"http://testserver/records/documents/{doc.public_id}/"
    assert data["description"] == "Outside labs"


def test_session_login_works_too(fhir_as, physician, patient):
    # when
    response = fhir_as(physician, token=False).get(f"/Patient/{patient.public_id}")
    # then
    assert response.status_code == 200


def test_now_is_used_for_searches_in_clinic_time(fhir_as, front_desk, appointment, clinic):
    # given: "today" in the clinic's zone
    today = timezone.localdate(timezone=clinic.tz)
    start_day = appointment.start.astimezone(clinic.tz).date()
    # when
    bundle = fhir_as(front_desk).get("/Appointment", {"date": f"ge{today.isoformat()}"}).data
    # then
    assert bundle["total"] == (1 if start_day >= today else 0)


def test_notes_are_document_references_with_their_text(fhir_as, physician, chart_items):
    # given
    import base64

    encounter = chart_items["encounter"]
    note = chart.note_create(actor=physician, encounter=encounter, title="Visit", body="BP ok.")
    note = chart.note_sign(actor=physician, note=note)
    amendment = chart.note_amend(
        actor=physician, note=note, body="BP ok. Recheck 3 mo.", reason="Plan"
    )
    api = fhir_as(physician)
    # when
    original = api.get(f"/DocumentReference/{note.public_id}").data
    amended = api.get(f"/DocumentReference/{amendment.public_id}").data
    current = api.get("/DocumentReference", {"status": "current"}).data
    # then
    assert original["status"] == "superseded" and original["docStatus"] == "final"
    assert original["type"]["coding"][0]["code"] == "11506-3"
    assert base64.b64decode(original["content"][0]["attachment"]["data"]) == b"BP ok."
    assert amended["docStatus"] == "amended"
    assert amended["relatesTo"][0]["target"]["reference"] == f"DocumentReference/{note.public_id}"
    assert ids(current) == [str(amendment.public_id)]


def test_procedures_are_served(fhir_as, physician, patient, chart_items):
    # given
    proc = chart.procedure_create(
        actor=physician,
        patient=patient,
        display="Excision of skin lesion",
        code_system="cpt",
        code="11400",
        performed_start=timezone.now() - dt.timedelta(days=2),
        body_site="Left forearm",
    )
    api = fhir_as(physician)
    # when
    data = api.get(f"/Procedure/{proc.public_id}").data
    found = api.get("/Procedure", {"code": "http://www.ama-assn.org/go/cpt|11400"}).data
    # then
    assert data["status"] == "completed" and data["bodySite"] == [{"text": "Left forearm"}]
    assert ids(found) == [str(proc.public_id)]
    everything = api.get(f"/Patient/{patient.public_id}/$everything").data
    assert "Procedure" in [e["resource"]["resourceType"] for e in everything["entry"]]


def test_histories_and_smoking_status_are_served(fhir_as, physician, patient, chart_items):
    # given
    medical = chart.history_entry_create(
        actor=physician,
        patient=patient,
        kind="medical",
        display="Childhood asthma",
        date_text="1990s",
    )
    surgical = chart.history_entry_create(
        actor=physician,
        patient=patient,
        kind="surgical",
        display="Appendectomy",
        date=dt.date(2005, 3, 2),
    )
    family = chart.history_entry_create(
        actor=physician,
        patient=patient,
        kind="family",
        display="Type 2 diabetes",
        code_system="icd-10-cm",
        code="E11.9",
        relation="MTH",
        onset_age=52,
    )
    social = chart.social_history_save(
        actor=physician, patient=patient, smoking_status="8517006", pack_years=Decimal("10.0")
    )
    api = fhir_as(physician)
    # when
    condition = api.get(f"/Condition/{medical.public_id}").data
    procedure = api.get(f"/Procedure/{surgical.public_id}").data
    relative = api.get(f"/FamilyMemberHistory/{family.public_id}").data
    smoking = api.get("/Observation", {"code": "http://loinc.org|72166-2"}).data
    # then
    assert condition["onsetString"] == "1990s" and condition["category"][0]["text"]
    assert procedure["performedDateTime"] == "2005-03-02"
    assert relative["relationship"]["coding"][0]["code"] == "MTH"
    assert relative["condition"][0]["onsetAge"]["value"] == 52
    assert ids(smoking) == [str(social.public_id)]
    value = smoking["entry"][0]["resource"]["valueCodeableConcept"]["coding"][0]
    assert (value["system"], value["code"]) == ("http://snomed.info/sct", "8517006")
    assert api.get(f"/Condition/{family.public_id}").status_code == 404  # a family entry
    assert api.get("/Condition", {"clinical-status": "active"}).data["total"] == 1
    assert api.get("/Condition", {"patient": str(patient.public_id)}).data["total"] == 2
    assert api.get("/FamilyMemberHistory", {"relationship": "MTH"}).data["total"] == 1
    kinds = [
        e["resource"]["resourceType"]
        for e in api.get(f"/Patient/{patient.public_id}/$everything").data["entry"]
    ]
    assert kinds.count("FamilyMemberHistory") == 1 and kinds.count("Procedure") == 1
    assert kinds.count("Condition") == 2 and kinds.count("Observation") == 1 + 7 + 1
