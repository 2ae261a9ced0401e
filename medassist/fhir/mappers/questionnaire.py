"""intake.Questionnaire → Questionnaire, intake.QuestionnaireResponse → QuestionnaireResponse.

The items are stored in FHIR shape already (intake/engine.py); a response's answers are
rendered nested like the questionnaire's groups. Scores are never part of the answers: staff
who may see them (questionnaire.score_view) get them as an extension, others do not."""

from __future__ import annotations

import re

from medassist.fhir.mappers.common import finish, instant, meta, ref
from medassist.intake import engine

SCORE_EXT = "https://medassist.dev/fhir/StructureDefinition/instrument-score"
STATUS = {"draft": "draft", "active": "active", "retired": "retired"}


def canonical(q, base_url: str) -> str:
    return f"{base_url or 'urn:medassist'}/Questionnaire/{q.public_id}"


def _computer_name(title: str) -> str:
    words = re.sub(r"[^A-Za-z0-9]+", "_", title).strip("_") or "Questionnaire"
    return words if words[0].isalpha() and words[0].isupper() else f"Q_{words}"


def questionnaire_to_fhir(q, *, base_url: str = "") -> dict:
    data: dict = {
        "resourceType": "Questionnaire",
        "id": str(q.public_id),
        "meta": meta(q),
        "url": canonical(q, base_url),
        "version": str(q.version),
        "name": _computer_name(q.title),
        "title": q.title,
        "status": STATUS.get(q.status, "unknown"),
        "subjectType": ["Patient"],
        "description": q.description or None,
        "item": q.items,
    }
    if q.code:
        data["code"] = [{"system": "http://loinc.org", "code": q.code, "display": q.title}]
    return finish(data)


def response_to_fhir(r, *, base_url: str = "", with_score: bool = False) -> dict:
    q = r.questionnaire
    data: dict = {
        "resourceType": "QuestionnaireResponse",
        "id": str(r.public_id),
        "meta": meta(r, versioned=False),
        "questionnaire": f"{canonical(q, base_url)}|{r.questionnaire_version}",
        "status": r.status,
        "subject": ref("Patient", r.patient, r.patient.display_name),
        "authored": instant(r.completed_at or r.updated_at),
        "item": engine.to_fhir_answers(q.items, r.answers) or None,
    }
    if r.channel in ("link", "portal", "kiosk"):
        data["source"] = ref("Patient", r.patient)
    if with_score and r.score:
        score = r.score
        parts = [{"url": "band", "valueString": score["band"]}]
        if score.get("total") is not None:
            parts.insert(0, {"url": "total", "valueInteger": int(score["total"])})
        parts.append({"url": "positive", "valueBoolean": bool(score.get("positive"))})
        parts += [{"url": "flag", "valueString": f} for f in score.get("flags", [])]
        data["extension"] = [{"url": SCORE_EXT, "extension": parts}]
    return finish(data)
