"""What a procedure the MA performed adds to FHIR Procedure: the performer (the MA) and the
co-signing clinician, and notes for the checklist, consent and wound measurements."""

from __future__ import annotations

from medassist.fhir.mappers.common import ref


def _person(user, function: str) -> dict:
    provider = getattr(user, "provider", None)
    actor = (ref("Practitioner", provider, user.display_name) if provider is not None
             else {"display": user.display_name})
    return {"function": {"text": function}, "actor": actor}


def ma_performers(p) -> list[dict]:
    out = []
    if p.performed_by_id:
        out.append(_person(p.performed_by, "performed by"))
    if p.cosigned_by_id:
        out.append(_person(p.cosigned_by, "co-signed by"))
    return out


def ma_notes(p) -> list[dict]:
    if not p.ma_kind:
        return []
    notes = []
    if p.checklist:
        done = "; ".join(i["item"] for i in p.checklist if i.get("done"))
        notes.append({"text": f"Checklist confirmed: {done}"})
    if p.consent_obtained is not None:
        notes.append({"text": "Consent obtained" if p.consent_obtained else "No consent"})
    if p.wound_length_cm is not None:
        notes.append({"text": f"Wound {p.wound_length_cm} × {p.wound_width_cm} × "
                              f"{p.wound_depth_cm} cm (L × W × D)"})
    if p.cosigned_at is not None:
        notes.append({"text": f"Co-signed {p.cosigned_at.isoformat()}"})
    return notes
