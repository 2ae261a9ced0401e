"""The patient's handouts in the portal (the portal's patient session, at /portal/me/handouts/):
the same content as the printed handout, in the language the clinician chose,
and the PDF. Only the patient's own, and only those the MA has gone over with them."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from medassist.core.errors import NotFound
from medassist.core.web import clinic_zone
from medassist.pharmacy import selectors
from medassist.pharmacy.handouts import handout_content, handout_pdf
from medassist.portal.selectors import portal_user
from medassist.portal.signin import SESSION_COOKIE, SessionEnded, patient_from_session

TEMPLATE = "pharmacy/portal_handouts.html"


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


@require_GET
def portal_handouts(request: HttpRequest) -> HttpResponse:
    try:
        patient = patient_from_session(request.COOKIES.get(SESSION_COOKIE))
    except SessionEnded as exc:
        return _no_store(render(request, TEMPLATE, {"refused": exc.message}, status=401))
    clinic = patient.clinic
    clinic_zone(clinic)
    rows = selectors.portal_handouts(patient=patient, actor=portal_user(clinic))
    context = {
        "patient": patient,
        "clinic": clinic,
        "clinic_tz": clinic.tz,
        "handouts": [(h, handout_content(h)) for h in rows],
    }
    return _no_store(render(request, TEMPLATE, context))


@require_GET
def portal_handout_pdf(request: HttpRequest, id: str) -> HttpResponse:
    try:
        patient = patient_from_session(request.COOKIES.get(SESSION_COOKIE))
    except SessionEnded as exc:
        return _no_store(render(request, TEMPLATE, {"refused": exc.message}, status=401))
    try:
        handout = selectors.portal_access_handout(
            patient=patient, actor=portal_user(patient.clinic), id=id
        )
    except NotFound as exc:
        return _no_store(render(request, TEMPLATE, {"refused": exc.message}, status=404))
    response = HttpResponse(handout_pdf(handout), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="handout-{handout.public_id}.pdf"'
    return _no_store(response)


# Declared for the URL-protection test: the patient's own pages, opened by their session.
portal_handouts.permission = "patient session cookie"  # type: ignore[attr-defined]
portal_handout_pdf.permission = "patient session cookie"  # type: ignore[attr-defined]
