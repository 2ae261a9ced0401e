"""The clinic tablet: a staff member unlocks it for a location (kiosk mode: their own session
ends on the device), then patients check themselves in: who they are, demographics, insurance
with card photos, consent forms, the due questionnaires. The patient's progress lives in the
tablet's session for KIOSK_IDLE_MINUTES; "Finish" (or the idle time) ends it."""

from __future__ import annotations

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from medassist.core.errors import ApplicationError, NotFound
from medassist.core.web import StaffRequest, clinic_zone, staff_view
from medassist.intake.fill_views import Pass, _page, form_page, forms_home
from medassist.intake.models import KioskCheckIn, QuestionnaireResponse
from medassist.intake.services.kiosk import (
    NO_MATCH,
    KioskLocked,
    _coverage,
    kiosk_check_in,
    kiosk_demographics,
    kiosk_device,
    kiosk_finish,
    kiosk_identify,
    kiosk_insurance,
    kiosk_sign,
    kiosk_start,
    kiosk_unlock,
    unsigned_consents,
)
from medassist.practice.models import Location
from medassist.practice.throttle import give_back, take_turn

DEVICE_COOKIE = "medassist_kiosk"
SESSION_KEY = "kiosk_visit"
KIOSK_IDLE_MINUTES = 15
IDENTIFY_LIMIT = 10  # attempts per tablet before a cool-down


@staff_view("kiosk.unlock")
def unlock(request: StaffRequest) -> HttpResponse:
    locations = list(Location.objects.filter(clinic_id=request.user.clinic_id, active=True))
    if request.method == "POST":
        chosen = next(
            (x for x in locations if str(x.public_id) == request.POST.get("location")), None
        )
        if chosen is None:
            return _page(
                request,
                "intake/kiosk.html",
                {"unlock": locations, "error": "Choose a location."},
                422,
            )
        value = kiosk_unlock(actor=request.user, location=chosen)
        logout(request)  # the tablet is the patients' now: no staff session stays on it
        response = redirect("intake:kiosk")
        response.set_cookie(
            DEVICE_COOKIE,
            value,
            max_age=12 * 3600,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
        return response
    return _page(request, "intake/kiosk.html", {"unlock": locations})


def _device(request: HttpRequest):
    return kiosk_device(request.COOKIES.get(DEVICE_COOKIE))


def _row(request: HttpRequest, location: Location) -> KioskCheckIn | None:
    data = request.session.get(SESSION_KEY) or {}
    at = data.get("at")
    if not at or timezone.now().timestamp() - float(at) > KIOSK_IDLE_MINUTES * 60:
        request.session.pop(SESSION_KEY, None)
        return None
    row = (
        KioskCheckIn.objects.select_related(
            "appointment__clinic", "patient__clinic", "appointment__location"
        )
        .filter(
            public_id=str(data.get("row", "")),
            appointment__location=location,
            finished_at__isnull=True,
        )
        .first()
    )
    if row is not None:
        request.session[SESSION_KEY] = {"row": str(row.public_id), "at": timezone.now().timestamp()}
    return row


def _locked(request, exc: ApplicationError) -> HttpResponse:
    return _page(request, "intake/kiosk.html", {"locked": exc.message}, status=403)


@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest) -> HttpResponse:
    """Step 1: who are you (name, date of birth, phone)."""
    try:
        location, device = _device(request)
    except KioskLocked as exc:
        return _locked(request, exc)
    clinic_zone(location.clinic)
    context: dict = {
        "location": location,
        "clinic": location.clinic,
        "identify": True,
        "values": {},
    }
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("first_name", "last_name", "born", "phone")}
        context["values"] = values
        refusal = take_turn(f"kiosk:{device}", IDENTIFY_LIMIT)
        if refusal is not None:
            context["error"] = (
                "Too many tries on this tablet. Please check in at the front desk, or try "
                f"again in {refusal.minutes} minutes."
            )
            return _page(request, "intake/kiosk.html", context, status=429)
        try:
            appt = kiosk_identify(location=location, **values)
        except NotFound:
            context["error"] = NO_MATCH
            return _page(request, "intake/kiosk.html", context, status=200)
        give_back(f"kiosk:{device}")
        row = kiosk_start(appointment=appt)
        request.session.cycle_key()
        request.session[SESSION_KEY] = {"row": str(row.public_id), "at": timezone.now().timestamp()}
        return redirect("intake:kiosk_visit")
    request.session.pop(SESSION_KEY, None)
    return _page(request, "intake/kiosk.html", context)


def _step(row: KioskCheckIn) -> str:
    if row.demographics_ok is None:
        return "demographics"
    if (
        row.insurance_ok is None
        and not row.self_pay
        and not row.insurance_note
        and not row.card_front
    ):
        return "insurance"
    if unsigned_consents(row):
        return "consent"
    return "forms"


def kiosk_pass(row: KioskCheckIn) -> Pass:
    return Pass(
        patient=row.patient,
        appointment=row.appointment,
        channel=QuestionnaireResponse.Channel.KIOSK,
        home=reverse("intake:kiosk_visit"),
        form_name="intake:kiosk_form",
    )


@require_http_methods(["GET", "POST"])
def visit(request: HttpRequest) -> HttpResponse:
    """Steps 2-5: demographics, insurance, consents, then the due questionnaires."""
    try:
        location, _ = _device(request)
    except KioskLocked as exc:
        return _locked(request, exc)
    row = _row(request, location)
    if row is None:
        return redirect("intake:kiosk")
    clinic_zone(location.clinic)
    step = _step(row)
    status = 200
    error = ""
    if request.method == "POST":
        posted = request.POST.get("step", "")
        try:
            if posted == "demographics" and step == "demographics":
                kiosk_demographics(
                    row=row,
                    correct=request.POST.get("correct") == "yes",
                    note=request.POST.get("note", ""),
                )
            elif posted == "insurance" and step == "insurance":
                kiosk_insurance(
                    row=row,
                    answer=request.POST.get("answer", ""),
                    note=request.POST.get("note", ""),
                    card_front=request.FILES.get("card_front"),
                    card_back=request.FILES.get("card_back"),
                )
            elif posted == "consent" and step == "consent":
                kiosk_sign(
                    row=row,
                    form_ids=request.POST.getlist("form"),
                    signed_name=request.POST.get("signed_name", ""),
                )
            if _step(row) == "forms" and not row.checked_in and not row.needs_desk:
                kiosk_check_in(row=row)
            return redirect("intake:kiosk_visit")
        except ApplicationError as exc:
            error, status = exc.message, exc.status
    if step == "forms":
        return forms_home(
            request,
            kiosk_pass(row),
            {
                "kiosk_row": row,
                "next_url": reverse("intake:kiosk_done"),
                "next_label": "I'm finished",
            },
        )
    patient = row.patient
    context = {
        "clinic": location.clinic,
        "location": location,
        "row": row,
        "patient": patient,
        "step": step,
        "error": error,
        "coverage": _coverage(patient),
        "consents": unsigned_consents(row) if step == "consent" else [],
    }
    return _page(request, "intake/kiosk.html", context, status=status)


@require_http_methods(["GET", "POST"])
def form(request: HttpRequest, qid) -> HttpResponse:
    try:
        location, _ = _device(request)
    except KioskLocked as exc:
        return _locked(request, exc)
    row = _row(request, location)
    if row is None:
        return redirect("intake:kiosk")
    return form_page(request, kiosk_pass(row), qid)


@require_http_methods(["GET", "POST"])
def done(request: HttpRequest) -> HttpResponse:
    try:
        location, _ = _device(request)
    except KioskLocked as exc:
        return _locked(request, exc)
    row = _row(request, location)
    context: dict = {"clinic": location.clinic, "location": location, "finished": True}
    if row is not None and request.method == "POST":
        kiosk_finish(row=row)
        context["row"] = row
    request.session.pop(SESSION_KEY, None)
    return _page(request, "intake/kiosk.html", context)
