"""Patient/$everything (the record export) and the query count of searches: bounded however
much data there is."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.intake.models import Vitals
from medassist.records import services as chart
from tests import factories

pytestmark = pytest.mark.django_db


def _grow_chart(patient, physician, medical_assistant, n: int) -> None:
    """n more of each kind of item."""
    for i in range(n):
        encounter = chart.encounter_create(
            actor=physician,
            patient=patient,
            provider=physician.provider,
            start=timezone.now() - dt.timedelta(days=30 + i),
            type_display="Office visit",
        )
        chart.observation_create(
            actor=physician,
            patient=patient,
            display="Glucose",
            code="2345-7",
            effective_at=timezone.now() - dt.timedelta(days=i + 1),
            value_quantity=Decimal(90 + i),
            value_unit="mg/dL",
            encounter=encounter,
        )
        chart.medication_create(
            actor=physician,
            patient=patient,
            drug_name=f"Drug {i}",
            prescriber=physician.provider,
        )
        chart.immunization_create(
            actor=physician,
            patient=patient,
            cvx_code="140",
            occurrence_date=dt.date(2020, 1, 1) + dt.timedelta(days=i),
        )
        note = chart.note_create(
            actor=physician, encounter=encounter, title=f"Note {i}", body="Seen."
        )
        chart.note_sign(actor=physician, note=note)
        chart.procedure_create(
            actor=physician,
            patient=patient,
            display="Ear lavage",
            performed_start=timezone.now() - dt.timedelta(days=i + 1),
            encounter=encounter,
        )
        chart.history_entry_create(
            actor=physician, patient=patient, kind="family", display="Asthma", relation="SIS"
        )
        chart.history_entry_create(
            actor=physician, patient=patient, kind="medical", display=f"Old illness {i}"
        )
        chart.social_history_save(
            actor=physician, patient=patient, smoking_status="266919005", note=f"v{i}"
        )
        Vitals.objects.create(
            patient=patient,
            taken_at=timezone.now() - dt.timedelta(days=i, hours=2),
            recorded_by=medical_assistant,
            pulse=70 + i,
            bp_systolic=120,
            bp_diastolic=80,
        )


def test_everything_holds_the_whole_record(fhir_as, physician, patient, chart_items, clinic):
    # when
    response = fhir_as(physician).get(f"/Patient/{patient.public_id}/$everything")
    # then
    assert response.status_code == 200
    bundle = response.data
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds[:2] == ["Patient", "Organization"]
    for kind in (
        "Practitioner",
        "Location",
        "Appointment",
        "Encounter",
        "Condition",
        "AllergyIntolerance",
        "MedicationStatement",
        "Immunization",
    ):
        assert kinds.count(kind) == 1, kind
    assert kinds.count("Observation") == 1 + 7  # a result and seven vital signs
    assert bundle["total"] == len(kinds)
    # every reference points at an entry of the bundle
    present = {f"{e['resource']['resourceType']}/{e['resource']['id']}" for e in bundle["entry"]}
    refs = set()

    def collect(value):
        if isinstance(value, dict):
            for k, v in value.items():
                if k == "reference":
                    refs.add(v)
                else:
                    collect(v)
        elif isinstance(value, list):
            for v in value:
                collect(v)

    collect([e["resource"] for e in bundle["entry"]])
    assert refs <= present


def test_everything_is_audited_as_an_export(fhir_as, physician, patient, chart_items):
    # given
    before = AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count()
    # when
    fhir_as(physician).get(f"/Patient/{patient.public_id}/$everything")
    # then
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.action, e.patient_id, e.channel) for e in events] == [
        (AuditEvent.Action.EXPORT, patient.pk, "fhir")
    ]


def test_everything_download_is_an_attachment(fhir_as, front_desk, patient):
    # when
    response = fhir_as(front_desk, token=False).get(
        f"/Patient/{patient.public_id}/$everything", {"_download": "1"}
    )
    # then
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{patient.mrn}-fhir.json"'


def test_everything_runs_a_fixed_number_of_queries(
    fhir_as, physician, medical_assistant, patient, chart_items, django_assert_max_num_queries
):
    # given
    api = fhir_as(physician)
    with django_assert_max_num_queries(40) as small:
        api.get(f"/Patient/{patient.public_id}/$everything")
    _grow_chart(patient, physician, medical_assistant, 15)
    # when / then: the same number of queries with many more items
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = api.get(f"/Patient/{patient.public_id}/$everything")
    assert response.data["total"] > 60


@pytest.mark.parametrize(
    "path",
    [
        "/Observation",
        "/Condition",
        "/MedicationStatement",
        "/Immunization",
        "/Encounter",
        "/Patient",
        "/Appointment",
        "/Procedure",
        "/DocumentReference",
        "/FamilyMemberHistory",
    ],
)
def test_a_search_page_runs_a_fixed_number_of_queries(
    fhir_as,
    physician,
    medical_assistant,
    front_desk,
    patient,
    chart_items,
    path,
    django_assert_max_num_queries,
):
    # given
    api = fhir_as(physician)
    _grow_chart(patient, physician, medical_assistant, 1)
    with django_assert_max_num_queries(20) as small:
        api.get(path, {"_count": "50"})
    _grow_chart(patient, physician, medical_assistant, 12)
    for i in range(12):
        other = factories.make_patient(front_desk)
        chart.problem_create(actor=physician, patient=other, code="E11.9")
        start = factories.next_slot(physician.clinic, hours_ahead=3 + i)
        factories.book(front_desk, other, physician.provider, start=start)
    # when / then
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = api.get(path, {"_count": "50"})
    assert response.status_code == 200


def test_chart_shows_the_export_link_to_those_who_may_export(client_for, cast, patient):
    # given
    url = f"/records/patients/{patient.public_id}/"
    link = f"/fhir/r4/Patient/{patient.public_id}/$everything?_download=1"
    # when / then
    for role in ("front_desk", "physician", "clinic_admin"):
        page = client_for(cast[role]).get(url)
        assert page.status_code == 200
        assert link in page.content.decode() and "Export record (FHIR)" in page.content.decode()
    for role in ("medical_assistant", "biller"):
        page = client_for(cast[role]).get(url)
        assert "Export record (FHIR)" not in page.content.decode()
