"""The clinic admin's screen for the MA procedure checklists: edit, reset to the built-in one;
other roles are refused and change nothing; bad input saves nothing; every change audited."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from medassist.audit.models import AuditEvent
from medassist.records.models import MaKind, ProcedureChecklist
from medassist.records.services.procedures_ma import DEFAULT_CHECKLISTS, checklist_for

URL = "ecg:checklists"


def test_admin_sees_every_kind_with_the_built_in_checklist(client_for, clinic_admin):
    # when the admin opens the screen
    r = client_for(clinic_admin).get(reverse(URL))
    # then every kind is there with its built-in items
    body = r.content.decode()
    assert r.status_code == 200
    for value, label in MaKind.choices:
        assert escape(label) in body and escape(DEFAULT_CHECKLISTS[value][0][1]) in body
    assert "built-in" in body


def test_admin_edits_a_checklist_and_the_ma_form_uses_it(client_for, clinic_admin,
                                                         medical_assistant, patient):
    # when the admin saves a checklist of the clinic's own
    c = client_for(clinic_admin)
    r = c.post(reverse(URL), {"kind": MaKind.DRESSING_CHANGE,
                              "items": "Identity checked\r\n\r\nOld dressing removed\r\n"
                                       "New dressing dated",
                              "consent_required": "on"})
    # then it is stored, audited, and the MA's procedure form lists exactly those steps
    assert r.status_code == 302
    assert checklist_for(clinic_admin.clinic, MaKind.DRESSING_CHANGE) == (
        ["Identity checked", "Old dressing removed", "New dressing dated"], True)
    assert AuditEvent.objects.filter(object_type="records.ProcedureChecklist",
                                     action="create").count() == 1
    form = client_for(medical_assistant).get(
        reverse("ecg:procedures", args=[patient.public_id]), {"kind": MaKind.DRESSING_CHANGE})
    assert "New dressing dated" in form.content.decode()
    assert "the clinic's own" in c.get(reverse(URL)).content.decode()


def test_reset_goes_back_to_the_built_in_checklist(client_for, clinic_admin):
    c = client_for(clinic_admin)
    c.post(reverse(URL), {"kind": MaKind.EXAM_ASSIST, "items": "One step"})
    r = c.post(reverse(URL), {"kind": MaKind.EXAM_ASSIST, "action": "reset"})
    assert r.status_code == 302
    assert checklist_for(clinic_admin.clinic, MaKind.EXAM_ASSIST) == (
        list(DEFAULT_CHECKLISTS[MaKind.EXAM_ASSIST][0]), False)
    assert AuditEvent.objects.filter(object_type="records.ProcedureChecklist",
                                     action="update").exists()


@pytest.mark.parametrize("data", [
    {"kind": MaKind.WOUND_CARE, "items": "  \n \n"},
    {"kind": MaKind.WOUND_CARE, "items": "Same\nSame"},
    {"kind": MaKind.WOUND_CARE, "items": "\n".join(f"Step {i}" for i in range(31))},
    {"kind": "tattoo", "items": "Step"},
    {"kind": MaKind.WOUND_CARE, "action": "reset"},  # nothing of the clinic's own to reset
])
def test_bad_input_saves_nothing_and_says_why(client_for, clinic_admin, data):
    r = client_for(clinic_admin).post(reverse(URL), data)
    assert r.status_code == 422 and "Nothing was saved" in r.content.decode()
    assert not ProcedureChecklist.objects.exists()


@pytest.mark.parametrize("role", ["front_desk", "medical_assistant", "physician", "biller"])
def test_other_roles_are_refused_and_change_nothing(client_for, request, role):
    user = request.getfixturevalue(role)
    c = client_for(user)
    assert c.get(reverse(URL)).status_code == 403
    r = c.post(reverse(URL), {"kind": MaKind.EXAM_ASSIST, "items": "Sneaky"})
    assert r.status_code == 403
    assert not ProcedureChecklist.objects.exists()


def test_one_clinic_does_not_change_another(client_for, clinic_admin, other_clinic_physician):
    client_for(clinic_admin).post(reverse(URL), {"kind": MaKind.EXAM_ASSIST, "items": "Ours"})
    assert checklist_for(other_clinic_physician.clinic, MaKind.EXAM_ASSIST)[0] == list(
        DEFAULT_CHECKLISTS[MaKind.EXAM_ASSIST][0])
