"""Billing for API clients: a patient's balance, code suggestions, 835 posting (the same
selectors and services as the screens)."""

from __future__ import annotations

import uuid

from ninja import Router, Schema
from ninja.responses import codes_4xx

from medassist.billing import selectors, services, suggest
from medassist.patients.selectors import access_patient
from medassist.practice.roles import require
from medassist.practice.schemas import ErrorOut

router = Router()
ERRORS = {codes_4xx: ErrorOut}


class BalanceOut(Schema):
    patient: uuid.UUID
    patient_balance: str
    insurance_balance: str


class SuggestIn(Schema):
    text: str


class SuggestionOut(Schema):
    code: str
    title: str
    score: float
    evidence: list[str]
    terms: list[str]


class SuggestOut(Schema):
    codes: list[str]
    suggestions: list[SuggestionOut]


class RemittanceIn(Schema):
    x12: str


class PostingOut(Schema):
    remittance: uuid.UUID
    created: bool
    posted: int
    unmatched: int
    payer: str
    payment_amount: str


@router.get(
    "/patients/{id}/balance", response={200: BalanceOut, **ERRORS}, summary="A patient's balance"
)
def balance(request, id: uuid.UUID):
    require(request.auth, "billing.view")
    patient = access_patient(user=request.auth, id=id)
    return {
        "patient": patient.public_id,
        "patient_balance": str(selectors.patient_balance(patient=patient)),
        "insurance_balance": str(selectors.insurance_balance(patient=patient)),
    }


@router.post(
    "/suggest-codes",
    response={200: SuggestOut, **ERRORS},
    summary="ICD-10-CM suggestions for a text",
)
def suggest_codes(request, body: SuggestIn):
    """Ranked billable ICD-10-CM codes (at most 20) with the words that led to each; a coder
    accepts or rejects them. Nothing is filed."""
    require(request.auth, "billing.code")
    found = suggest.suggest(body.text[:100_000])
    return {"codes": [s.code for s in found], "suggestions": [s.as_dict() for s in found]}


@router.post("/remittances", response={200: list[PostingOut], **ERRORS}, summary="Post an X12 835")
def post_remittance(request, body: RemittanceIn):
    reports = services.remittance_import_835(actor=request.auth, data=body.x12.encode())
    return [
        {
            "remittance": r.remittance.public_id,
            "created": r.created,
            "posted": r.posted,
            "unmatched": r.unmatched,
            "payer": r.remittance.payer.name,
            "payment_amount": str(r.remittance.payment_amount),
        }
        for r in reports
    ]
