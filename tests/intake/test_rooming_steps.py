"""The rooming workflow beyond room and vitals: the room board (free, occupied by whom and for
how long, needs cleaning), the checklist per visit type, repeat BP, medication reconciliation
and allergy confirmation; refusals write nothing."""

from __future__ import annotations

import pytest

from medassist.core.errors import PermissionDenied, ValidationFailed
from medassist.intake.models import AllergyConfirmation, ChecklistTick, MedReconciliation
from medassist.intake.selectors import checklist_for, room_board
from medassist.intake.services import (
    allergies_confirm,
    checklist_save,
    checklist_tick,
    med_reconcile,
    room_clean,
)
from medassist.scheduling.services import appointment_transition


def _states(user, rooms):
    return {b["room"].name: b for b in room_board(user=user, location=rooms[0].location)}


def test_room_board_free_occupied_cleaning(medical_assistant, physician, roomed, rooms, front_desk):
    board = _states(medical_assistant, rooms)
    exam1 = board["Exam 1"]
    assert exam1["state"] == "occupied" and exam1["appointment"].pk == roomed.pk
    assert exam1["minutes"] >= 0 and board["Exam 2"]["state"] == "free"
    appointment_transition(actor=physician, appointment=roomed, to_status="with_provider")
    appointment_transition(actor=front_desk, appointment=roomed, to_status="checked_out")
    assert _states(medical_assistant, rooms)["Exam 1"]["state"] == "cleaning"
    room_clean(actor=medical_assistant, room=rooms[0])
    assert _states(medical_assistant, rooms)["Exam 1"]["state"] == "free"


def test_an_occupied_room_cannot_be_marked_clean(medical_assistant, roomed, rooms, biller):
    with pytest.raises(ValidationFailed):
        room_clean(actor=medical_assistant, room=rooms[0])
    with pytest.raises(PermissionDenied):
        room_clean(actor=biller, room=rooms[1])


def test_checklist_per_visit_type(clinic_admin, medical_assistant, roomed):
    steps = checklist_for(appointment=roomed)
    assert [s["key"] for s in steps][:2] == ["reason", "vitals"]
    assert steps[0]["done"] is True  # the reason was recorded at rooming
    checklist_save(
        actor=clinic_admin,
        visit_type=roomed.visit_type,
        steps=[
            {"key": "vitals", "label": "Vital signs"},
            {"key": "gown", "label": "Patient in a gown"},
        ],
    )
    steps = checklist_for(appointment=roomed)
    assert [s["key"] for s in steps] == ["vitals", "gown"] and not steps[1]["done"]
    checklist_tick(actor=medical_assistant, appointment=roomed, key="gown")
    assert checklist_tick(actor=medical_assistant, appointment=roomed, key="gown") is None
    assert checklist_for(appointment=roomed)[1]["done"]
    with pytest.raises(ValidationFailed):
        checklist_tick(actor=medical_assistant, appointment=roomed, key="vitals")
    with pytest.raises(ValidationFailed):
        checklist_save(
            actor=clinic_admin, visit_type=None, steps=[{"key": "Bad Key", "label": "x"}]
        )
    assert ChecklistTick.objects.count() == 1


def test_med_reconciliation_needs_how_and_source(medical_assistant, roomed):
    with pytest.raises(ValidationFailed) as exc:
        med_reconcile(
            actor=medical_assistant,
            appointment=roomed,
            entries=[{"medication": "Lisinopril 10 mg", "taking": "changed", "source": "patient"}],
        )
    assert "how the patient takes it" in exc.value.message
    with pytest.raises(ValidationFailed):
        med_reconcile(
            actor=medical_assistant,
            appointment=roomed,
            entries=[{"medication": "Lisinopril 10 mg", "taking": "taking", "source": ""}],
        )
    assert not MedReconciliation.objects.exists()
    med_reconcile(
        actor=medical_assistant,
        appointment=roomed,
        entries=[
            {"medication": "Lisinopril 10 mg", "taking": "taking", "source": "bottles"},
            {
                "medication": "Metformin 500 mg",
                "taking": "changed",
                "change": "once a day, not twice",
                "source": "patient",
            },
        ],
    )
    assert MedReconciliation.objects.filter(appointment=roomed).count() == 2
    assert any(s["key"] == "medications" and s["done"] for s in checklist_for(appointment=roomed))


def test_allergy_confirmation(medical_assistant, roomed, appointment, front_desk):
    with pytest.raises(ValidationFailed):
        allergies_confirm(actor=medical_assistant, appointment=roomed, listed=[], confirmed=False)
    allergies_confirm(
        actor=medical_assistant, appointment=roomed, listed=["Penicillin (hives)"], confirmed=True
    )
    assert AllergyConfirmation.objects.get().listed == ["Penicillin (hives)"]


def test_rooming_screens(client_for, medical_assistant, roomed, rooms):
    c = client_for(medical_assistant)
    page = c.get(f"/intake/visits/{roomed.public_id}/rooming/")
    assert page.status_code == 200 and b"Checklist" in page.content
    bp = c.post(
        f"/intake/visits/{roomed.public_id}/rooming/",
        {"action": "repeat_bp", "bp_systolic": "132", "bp_diastolic": "84"},
    )
    assert bp.status_code == 302
    assert b"132/84" in c.get(f"/intake/visits/{roomed.public_id}/rooming/").content
    board = c.get("/intake/rooms/")
    assert board.status_code == 200 and b"Exam 1" in board.content and b"Jordan" in board.content
    med = c.get(f"/records/visits/{roomed.public_id}/reconcile/")
    assert med.status_code == 200
    saved = c.post(f"/records/visits/{roomed.public_id}/reconcile/", {"source": "patient"})
    assert saved.status_code == 302  # no medications on the list: "No medications" recorded
    allergy = c.post(f"/records/visits/{roomed.public_id}/allergies/", {"confirmed": "yes"})
    assert allergy.status_code == 302
