"""Every chart screen and fragment over the whole cast: the status each role gets, and that a
refused request changed nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from medassist.records import services
from medassist.records.models import (
    Allergy,
    ChartHistory,
    Document,
    Encounter,
    HistoryEntry,
    Immunization,
    MedicationStatement,
    NoKnownAllergies,
    Note,
    Problem,
    SocialHistory,
)
from tests import factories
from tests.records.conftest import png_bytes

ROLES = [*factories.STAFF_ROLES, "other_clinic_physician", "anonymous"]
STAFF = {"front_desk", "medical_assistant", "physician", "biller", "clinic_admin"}
CLINICAL = {"medical_assistant", "physician"}
DOCS = {"front_desk", "medical_assistant", "physician", "clinic_admin"}
MODELS = [
    Problem,
    Allergy,
    NoKnownAllergies,
    MedicationStatement,
    Immunization,
    HistoryEntry,
    SocialHistory,
    Encounter,
    Note,
    Document,
]


def chart_state():
    """Everything a refused request must leave as it was."""
    return (
        ChartHistory.objects.count(),
        tuple(m.objects.count() for m in MODELS),
        tuple(Note.objects.order_by("pk").values_list("status", "body")),
        tuple(Problem.objects.order_by("pk").values_list("verification_status", "note")),
    )


@dataclass
class Spec:
    name: str
    method: str
    url: str
    allowed: set[str]
    data: dict = field(default_factory=dict)
    ok: int = 200
    htmx: bool = True
    files: bool = False


@pytest.fixture
def world(patient, physician, medical_assistant, front_desk):
    enc = services.encounter_create(actor=physician, patient=patient, type_display="Visit")
    draft = services.note_create(actor=physician, encounter=enc, title="Draft", body="draft text")
    signed = services.note_create(actor=physician, encounter=enc, title="Signed", body="signed")
    services.note_sign(actor=physician, note=signed)
    problem = services.problem_create(actor=physician, patient=patient, code="I10")
    doc = services.document_upload(
        actor=front_desk, patient=patient, uploaded_file=SimpleUploadedFile("a.png", png_bytes())
    )
    return {
        "patient": patient,
        "enc": enc,
        "draft": draft,
        "signed": signed,
        "problem": problem,
        "doc": doc,
    }


def specs(w) -> list[Spec]:
    p = w["patient"].public_id
    enc, draft, signed = w["enc"].public_id, w["draft"].public_id, w["signed"].public_id
    problem, doc = w["problem"].public_id, w["doc"].public_id
    return [
        Spec("chart", "get", f"/records/patients/{p}/", STAFF, htmx=False),
        Spec("patient history", "get", f"/records/patients/{p}/history/", STAFF, htmx=False),
        Spec("encounters page", "get", f"/records/patients/{p}/encounters/?enc=1", STAFF),
        Spec("documents page", "get", f"/records/patients/{p}/documents/?doc=1", STAFF),
        Spec("results page", "get", f"/records/patients/{p}/results/", STAFF),
        Spec("item history", "get", f"/records/items/problem/{problem}/history/", STAFF),
        Spec("download", "get", f"/records/documents/{doc}/", STAFF, htmx=False),
        Spec("add problem form", "get", f"/records/patients/{p}/problems/new/", CLINICAL),
        Spec(
            "add problem",
            "post",
            f"/records/patients/{p}/problems/new/",
            CLINICAL,
            {"code": "E11.9", "clinical_status": "active", "verification_status": "confirmed"},
        ),
        Spec(
            "add allergy",
            "post",
            f"/records/patients/{p}/allergies/new/",
            CLINICAL,
            {"substance": "Latex", "status": "active"},
        ),
        Spec(
            "add medication",
            "post",
            f"/records/patients/{p}/medications/new/",
            CLINICAL,
            {"drug_name": "Atorvastatin", "strength": "20 mg", "status": "active"},
        ),
        Spec(
            "add immunization",
            "post",
            f"/records/patients/{p}/immunizations/new/",
            CLINICAL,
            {"cvx_code": "140", "occurrence_date": "2025-10-01", "status": "completed"},
        ),
        # given here needs the vaccine-administration scope task: the cast's MA is untrained
        Spec(
            "add immunization given here",
            "post",
            f"/records/patients/{p}/immunizations/new/",
            {"physician"},
            {
                "cvx_code": "140",
                "occurrence_date": "2025-10-01",
                "status": "completed",
                "primary_source": "True",
            },
        ),
        Spec(
            "add history",
            "post",
            f"/records/patients/{p}/history/new/",
            CLINICAL,
            {"kind": "family", "display": "Diabetes", "relation": "FTH"},
        ),
        Spec("edit problem form", "get", f"/records/items/problems/{problem}/edit/", CLINICAL),
        Spec(
            "edit problem",
            "post",
            f"/records/items/problems/{problem}/edit/",
            CLINICAL,
            {
                "code": "I10",
                "clinical_status": "active",
                "verification_status": "confirmed",
                "note": "well controlled",
            },
        ),
        Spec(
            "problem entered in error",
            "post",
            f"/records/items/problem/{problem}/error/",
            CLINICAL,
            {"reason": "Wrong patient"},
        ),
        Spec("record NKA", "post", f"/records/patients/{p}/nka/", CLINICAL),
        Spec(
            "social history",
            "post",
            f"/records/patients/{p}/social/",
            CLINICAL,
            {"smoking_status": "266919005", "occupation": "Teacher"},
        ),
        Spec(
            "start encounter",
            "post",
            f"/records/patients/{p}/encounters/new/",
            CLINICAL,
            {"start": "2025-05-01T10:00", "class_code": "AMB", "type_display": "Visit"},
        ),
        Spec(
            "write note",
            "post",
            f"/records/encounters/{enc}/notes/new/",
            CLINICAL,
            {"note_type": "progress", "title": "Note", "body": "text"},
        ),
        Spec(
            "edit draft",
            "post",
            f"/records/notes/{draft}/edit/",
            CLINICAL,
            {"note_type": "progress", "title": "Draft", "body": "better text"},
        ),
        Spec("sign note", "post", f"/records/notes/{draft}/sign/", {"physician"}),
        Spec(
            "amend note",
            "post",
            f"/records/notes/{signed}/amend/",
            {"physician"},
            {"body": "corrected", "reason": "typo"},
        ),
        Spec(
            "signed note entered in error",
            "post",
            f"/records/notes/{signed}/error/",
            {"physician"},
            {"reason": "wrong encounter"},
        ),
        Spec(
            "upload document",
            "post",
            f"/records/patients/{p}/documents/upload/",
            DOCS,
            {"kind": "scanned-form", "title": "Intake form"},
            files=True,
        ),
        Spec(
            "document entered in error",
            "post",
            f"/records/documents/{doc}/error/",
            DOCS,
            {"reason": "Wrong patient"},
        ),
    ]


def expected_status(spec: Spec, role: str) -> int:
    if role == "anonymous":
        return 401 if spec.htmx else 302
    if role == "other_clinic_physician":
        # a physician has the permission, but not for this clinic's patient
        return 404 if "physician" in spec.allowed else 403
    if role in spec.allowed:
        return spec.ok
    if spec.name == "signed note entered in error" and role == "medical_assistant":
        return 403  # may write notes, but not withdraw a signed one
    return 403


SPEC_NAMES = [
    "chart", "patient history", "encounters page", "documents page", "results page",
    "item history", "download", "add problem form", "add problem", "add allergy",
    "add medication", "add immunization", "add immunization given here", "add history",
    "edit problem form", "edit problem",
    "problem entered in error", "record NKA", "social history", "start encounter", "write note",
    "edit draft", "sign note", "amend note", "signed note entered in error", "upload document",
    "document entered in error",
]  # fmt: skip


@pytest.mark.parametrize("name", SPEC_NAMES)
def test_role_matrix(name, world, cast, client_for):
    spec = next(s for s in specs(world) if s.name == name)
    for role in ROLES:
        # given
        user = cast.get(role)
        client = client_for(user)
        before = chart_state()
        headers = {"HTTP_HX_REQUEST": "true"} if spec.htmx else {}
        data = dict(spec.data)
        if spec.files:
            data["file"] = SimpleUploadedFile("form.png", png_bytes(), content_type="image/png")
        sid = transaction.savepoint()
        # when
        response = getattr(client, spec.method)(spec.url, data, **headers)
        # then
        want = expected_status(spec, role)
        assert response.status_code == want, (name, role, response.content[:500])
        if want >= 300 or spec.method == "get":
            if spec.method == "post" or want >= 300:
                assert chart_state() == before, (name, role)
        else:
            assert chart_state() != before, (name, role, "an allowed write changed nothing")
        transaction.savepoint_rollback(sid)


def test_every_records_url_is_in_the_matrix():
    from django.urls import get_resolver

    resolver = get_resolver()
    names = {
        p.name
        for p in resolver.url_patterns
        if getattr(p, "app_name", None) == "records"
        for p in p.url_patterns
    }
    covered = {
        "chart", "patient_history", "encounters", "documents", "observations", "item_history",
        "document_download", "section_add", "item_edit", "item_error", "nka_record",
        "social_edit", "encounter_new", "note_new", "note_edit", "note_sign", "note_amend",
        "note_error", "document_upload", "document_error",
    }  # fmt: skip
    covered |= {"summary_pdf"}  # its role matrix: tests/records/test_export_pdf.py
    covered |= {"start_visit"}  # its role matrix: tests/records/test_visit_start.py
    # rooming's chart steps and the pre-visit summary: tests/intake/test_rooming_steps.py,
    # tests/records/test_previsit.py
    covered |= {"med_reconcile", "allergies_confirm", "previsit", "previsit_pdf"}
    assert names == covered


# --- behaviour of the screens ---------------------------------------------------------------


def test_chart_shows_the_allergy_banner_and_sections(physician, patient, client_for, allergy):
    # when
    html = client_for(physician).get(f"/records/patients/{patient.public_id}/").content.decode()
    # then
    assert 'class="allergy-banner has"' in html
    assert "Penicillin (Hives)" in html
    for section in (
        "sec-problems",
        "sec-medications",
        "sec-immunizations",
        "sec-vitals",
        "sec-encounters",
        "sec-documents",
        "sec-history",
        "sec-social",
    ):
        assert f'id="{section}"' in html


def test_chart_says_when_allergies_were_never_recorded(physician, patient, client_for):
    html = client_for(physician).get(f"/records/patients/{patient.public_id}/").content.decode()
    assert "Allergies not recorded" in html


def test_invalid_icd10_code_is_shown_next_to_the_field_and_nothing_saved(
    physician, patient, client_for
):
    # when
    response = client_for(physician).post(
        f"/records/patients/{patient.public_id}/problems/new/",
        {"code": "E11", "clinical_status": "active", "verification_status": "confirmed"},
        HTTP_HX_REQUEST="true",
    )
    # then
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#chart-form"
    assert "choose a more specific code" in response.content.decode()
    assert not Problem.objects.exists()


def test_nka_with_an_active_allergy_is_refused_with_a_message(
    physician, patient, client_for, allergy
):
    response = client_for(physician).post(
        f"/records/patients/{patient.public_id}/nka/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 409
    assert "Penicillin" in response.content.decode()
    assert not NoKnownAllergies.objects.exists()


def test_adding_an_allergy_updates_the_banner_out_of_band(physician, patient, client_for):
    services.nka_record(actor=physician, patient=patient)
    response = client_for(physician).post(
        f"/records/patients/{patient.public_id}/allergies/new/",
        {"substance": "Codeine", "reaction": "Nausea", "status": "active"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'hx-swap-oob="true"' in html and "Codeine (Nausea)" in html


def test_oversized_upload_shows_the_limit_and_stores_nothing(
    front_desk, patient, client_for, media_root
):
    big = SimpleUploadedFile("big.png", png_bytes() + b"\0" * (70 * 1024))
    response = client_for(front_desk).post(
        f"/records/patients/{patient.public_id}/documents/upload/",
        {"kind": "other", "file": big},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert "too large" in response.content.decode()
    assert not Document.objects.exists()
    assert not any(p.is_file() for p in media_root.rglob("*")) if media_root.exists() else True


def test_download_is_audited_and_served_with_the_sniffed_type(
    biller, front_desk, patient, client_for
):
    from medassist.audit.models import AuditEvent

    doc = services.document_upload(
        actor=front_desk, patient=patient, uploaded_file=SimpleUploadedFile("x.pdf", png_bytes())
    )
    response = client_for(biller).get(f"/records/documents/{doc.public_id}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png_bytes()
    assert AuditEvent.objects.filter(
        actor=biller, action="export", object_id=str(doc.public_id)
    ).exists()


def test_item_history_page_shows_before_and_after(physician, problem, client_for):
    services.problem_update(actor=physician, problem=problem, note="Diet")
    html = (
        client_for(physician)
        .get(f"/records/items/problem/{problem.public_id}/history/")
        .content.decode()
    )
    assert "Diet" in html and "Updated" in html and "Created" in html


def test_vitals_trend_chart_is_inline_svg(physician, medical_assistant, patient, client_for):
    from django.utils import timezone

    from medassist.intake.models import Vitals

    for i, (sys, dia) in enumerate([(150, 95), (140, 90), (128, 82)]):
        Vitals.objects.create(
            patient=patient,
            taken_at=timezone.now() - dt.timedelta(days=30 * (3 - i)),
            recorded_by=medical_assistant,
            bp_systolic=sys,
            bp_diastolic=dia,
            pulse=80,
            weight_kg=80,
            bmi=25,
        )
    html = client_for(physician).get(f"/records/patients/{patient.public_id}/").content.decode()
    assert html.count('<svg class="trend"') == 4
    assert "Systolic 128 mmHg" in html
    assert "150/95" in html


def test_the_edit_page_of_a_signed_note_refuses_and_changes_nothing(
    client_for, physician, signed_note
):
    # given
    url = f"/records/notes/{signed_note.public_id}/edit/"
    client = client_for(physician)
    # when
    shown = client.get(url)
    posted = client.post(url, {"note_type": "progress", "title": "New", "body": "rewritten"})
    # then
    assert (shown.status_code, posted.status_code) == (409, 409)
    signed_note.refresh_from_db()
    assert (signed_note.title, signed_note.body) == ("Progress note", "S: cough x3 days")
