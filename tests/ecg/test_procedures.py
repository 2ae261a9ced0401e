"""Procedures the MA performs: checklist, consent, wound, supplies, photos, co-signature,
the screen, and the FHIR Procedure."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from medassist.core.errors import Conflict, PermissionDenied, ValidationFailed
from medassist.fhir.mappers.procedure import procedure_to_fhir
from medassist.records.models import ChartHistory, Document, MaKind, Procedure
from medassist.records.services.procedures_ma import (
    checklist_for,
    ma_procedure_record,
    procedure_checklist_set,
    procedure_cosign,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDASSIST_MAX_DOCUMENT_BYTES = 64 * 1024
    return settings.MEDIA_ROOT


def _all(clinic, kind):
    return checklist_for(clinic, kind)[0]


def test_wound_care_with_everything(medical_assistant, physician, patient):
    items = _all(medical_assistant.clinic, MaKind.WOUND_CARE)
    proc = ma_procedure_record(
        actor=medical_assistant, patient=patient, kind=MaKind.WOUND_CARE, checklist_done=items,
        consent_obtained=True, wound_length_cm="3.2", wound_width_cm="1.05",
        wound_depth_cm="0.3", supplies=[{"name": "Foam dressing 10 cm", "quantity": "2"},
                                        {"name": "", "quantity": ""}],
        photos=[SimpleUploadedFile("w.png", PNG, "image/png")], body_site="left shin",
    )
    assert proc.ma_kind == "wound-care" and proc.performed_by == medical_assistant
    assert str(proc.wound_width_cm) == "1.1" and proc.supplies == [
        {"name": "Foam dressing 10 cm", "quantity": 2}]
    assert proc.photos.count() == 1 and proc.photos.get().kind == Document.Kind.IMAGE
    assert ChartHistory.objects.filter(item_id=proc.public_id).exists()
    proc = procedure_cosign(actor=physician, procedure=proc)
    assert proc.cosigned_by == physician
    with pytest.raises(Conflict):
        procedure_cosign(actor=physician, procedure=proc)

    from fhir.resources.R4B.procedure import Procedure as FhirProcedure

    body = procedure_to_fhir(Procedure.objects.get(pk=proc.pk))
    FhirProcedure.model_validate(body)
    functions = [p["function"]["text"] for p in body["performer"]]
    assert functions == ["performed by", "co-signed by"]
    assert body["usedCode"] == [{"text": "Foam dressing 10 cm × 2"}]
    assert any("3.2 × 1.1 × 0.3 cm" in n["text"] for n in body["note"])


@pytest.mark.parametrize(
    "kw,field",
    [
        ({"checklist_done": "first"}, "checklist"),
        ({"consent_obtained": None}, "consent_obtained"),
        ({"wound_length_cm": ""}, "wound_length_cm"),
        ({"wound_depth_cm": "-1"}, "wound_depth_cm"),
        ({"supplies": [{"name": "Gauze", "quantity": "many"}]}, "supplies"),
        ({"photos": [SimpleUploadedFile("x.pdf", b"%PDF-1.4\n%%EOF", "application/pdf")]},
         "photos"),
        ({"kind": "tattoo"}, "kind"),
    ],
)
def test_refusals_write_nothing(medical_assistant, patient, media_root, kw, field):
    items = _all(medical_assistant.clinic, MaKind.WOUND_CARE)
    args = dict(actor=medical_assistant, patient=patient, kind=MaKind.WOUND_CARE,
                checklist_done=items, consent_obtained=True, wound_length_cm="3",
                wound_width_cm="2", wound_depth_cm="0.5")
    if kw.get("checklist_done") == "first":
        kw = {"checklist_done": items[:1]}
    args.update(kw)
    with pytest.raises(ValidationFailed) as err:
        ma_procedure_record(**args)
    assert err.value.field == field
    assert not Procedure.objects.exists() and not Document.objects.exists()
    assert not [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else True


def test_clinic_configures_its_checklist(clinic_admin, medical_assistant, patient):
    procedure_checklist_set(actor=clinic_admin, kind=MaKind.EXAM_ASSIST,
                            items=["Chaperone present", " ", "Gown offered"],
                            consent_required=True)
    items, consent = checklist_for(medical_assistant.clinic, MaKind.EXAM_ASSIST)
    assert items == ["Chaperone present", "Gown offered"] and consent
    with pytest.raises(PermissionDenied):
        procedure_checklist_set(actor=medical_assistant, kind=MaKind.EXAM_ASSIST,
                                items=["x"], consent_required=False)
    with pytest.raises(ValidationFailed):
        ma_procedure_record(actor=medical_assistant, patient=patient, kind=MaKind.EXAM_ASSIST,
                            checklist_done=items)
    proc = ma_procedure_record(actor=medical_assistant, patient=patient,
                               kind=MaKind.EXAM_ASSIST, checklist_done=items,
                               consent_obtained=True)
    assert [c["item"] for c in proc.checklist] == items


def test_only_the_physician_cosigns(medical_assistant, patient):
    items = _all(medical_assistant.clinic, MaKind.DRESSING_CHANGE)
    proc = ma_procedure_record(actor=medical_assistant, patient=patient,
                               kind=MaKind.DRESSING_CHANGE, checklist_done=items,
                               wound_length_cm="2", wound_width_cm="1", wound_depth_cm="0")
    with pytest.raises(PermissionDenied):
        procedure_cosign(actor=medical_assistant, procedure=proc)


def test_procedures_screen(client_for, medical_assistant, physician, patient):
    c = client_for(medical_assistant)
    url = reverse("ecg:procedures", args=[patient.public_id])
    page = c.get(url + "?kind=suture-removal").content.decode()
    assert "Every suture counted and removed" in page and "(required)" in page
    items = _all(medical_assistant.clinic, MaKind.SUTURE_REMOVAL)
    r = c.post(url, {"kind": "suture-removal", "checklist": items[:-1], "consent": "yes"})
    assert r.status_code == 422 and "Nothing was saved" in r.content.decode()
    r = c.post(url, {"kind": "suture-removal", "checklist": items, "consent": "yes",
                     "supply_name": ["Suture removal kit", ""], "supply_qty": ["1", "1"]})
    assert r.status_code == 302
    proc = Procedure.objects.get()
    doc = client_for(physician)
    assert "Co-sign" in doc.get(url).content.decode()
    doc.post(reverse("ecg:procedure_cosign", args=[proc.public_id]))
    proc.refresh_from_db()
    assert proc.cosigned_by == physician
