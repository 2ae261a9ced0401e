"""The questionnaires API: list, staff-entered response page by page (a page sent twice with
one token writes once), 422 with a message per question, completion, scores by role, alerts."""

from __future__ import annotations

import uuid

from medassist.intake import instruments as ins
from medassist.intake.models import Questionnaire, ResponseSave
from tests.api.conftest import Api


def test_staff_entered_phq9_through_the_api(
    clinic, patient, medical_assistant, front_desk, physician
):
    ma = Api(medical_assistant)
    listed = ma.get("/api/intake/questionnaires").json()
    assert {q["title"] for q in listed} >= {"PHQ-9", "GAD-7", "AUDIT-C"}
    phq9 = Questionnaire.objects.get(clinic=clinic, name="phq-9")
    started = ma.post(
        "/api/intake/responses",
        {"patient": str(patient.public_id), "questionnaire": str(phq9.public_id)},
    )
    assert started.status_code == 201, started.content
    rid = started.json()["id"]
    assert started.json()["next_page"] == "phq9"
    bad = ma.post(
        f"/api/intake/responses/{rid}/pages/phq9",
        {"answers": {"44250-9": "nope"}, "token": str(uuid.uuid4())},
    )
    assert bad.status_code == 422 and bad.json()["errors"]["44250-9"] == [
        "Choose one of the answers shown."
    ]
    answers = {c: ins.FREQUENCY[3][0] for c, _ in ins.PHQ9_ITEMS}
    token = str(uuid.uuid4())
    first = ma.post(f"/api/intake/responses/{rid}/pages/phq9", {"answers": answers, "token": token})
    again = ma.post(f"/api/intake/responses/{rid}/pages/phq9", {"answers": answers, "token": token})
    assert first.status_code == again.status_code == 200
    assert first.json()["emergency_items"] == ["44260-8"] and again.json()["replayed"] is True
    assert ResponseSave.objects.count() == 1
    done = ma.post(f"/api/intake/responses/{rid}/complete")
    assert done.status_code == 200 and done.json()["score"]["total"] == 27
    assert done.json()["score"]["band"] == "Severe"
    desk = Api(front_desk).get(f"/api/intake/responses/{rid}").json()
    assert desk["score"] is None
    alerts = Api(physician).get("/api/intake/alerts").json()
    assert alerts[0]["urgent"] and alerts[0]["clinician_only"]
    assert Api(medical_assistant).get("/api/intake/alerts").json() == []
    assert Api(front_desk).get("/api/intake/alerts").status_code == 403
