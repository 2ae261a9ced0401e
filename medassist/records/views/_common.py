"""What the chart screens share: the page context, the form flow (a GET shows the form, a POST
checks it, calls one service and answers with the refreshed section) and the responses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms as django_forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from medassist.core.errors import ApplicationError, NotFound, PermissionDenied
from medassist.core.web import StaffRequest, form_errors
from medassist.intake.growth.report import growth_for
from medassist.intake.selectors import growth_vitals
from medassist.practice.roles import can
from medassist.practice.scope import ScopeRefused
from medassist.records import selectors
from medassist.records.charts import KG_TO_LB, vitals_trends

CHART = "records/chart.html"


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def page_number(request: HttpRequest, name: str = "page") -> int:
    try:
        return max(1, int(request.GET.get(name, 1)))
    except (TypeError, ValueError):
        return 1


def chart_url(patient, anchor: str = "") -> str:
    url = reverse("records:chart", args=[patient.public_id])
    return f"{url}#{anchor}" if anchor else url


# --- the page context ---------------------------------------------------------------------


def _perms(user) -> dict:
    return {
        "can_edit": can(user, "chart.edit"),
        "can_note": can(user, "note.write"),
        "can_sign": can(user, "note.sign"),
        "can_upload": can(user, "document.upload"),
    }


def _vitals_rows(vitals) -> list[dict]:
    rows = []
    for v in reversed(vitals):  # newest first in the table
        rows.append(
            {
                "v": v,
                "bp": f"{v.bp_systolic}/{v.bp_diastolic}"
                if v.bp_systolic and v.bp_diastolic
                else "",
                "weight_lb": round(float(v.weight_kg) * KG_TO_LB, 1) if v.weight_kg else None,
            }
        )
    return rows


def chart_context(request: StaffRequest, patient, *, sections: bool = True, **extra) -> dict:
    """The chart page's context; with `sections`, every list section (one query each)."""
    user = request.user
    tz = user.clinic.tz
    ctx = {
        "patient": patient,
        "age": patient.age_on(timezone.localdate(timezone=tz)),
        "age_text": patient.age_text_on(timezone.localdate(timezone=tz)),
        "clinic_tz": tz,
        **_perms(user),
        **extra,
    }
    if sections:
        summary = selectors.chart_summary(patient)
        ctx.update(
            summary=summary,
            vitals_rows=_vitals_rows(summary.vitals),
            trends=vitals_trends(summary.vitals),
        )
        if ctx["age"] < 20:  # growth percentiles and chart, staff only
            ctx["growth"] = growth_for(patient, growth_vitals(patient=patient), tz=tz)
    return ctx


def section_response(request: StaffRequest, patient, section: str) -> HttpResponse:
    """After a change: the refreshed section (htmx), or the chart at that section."""
    if not is_htmx(request):
        return redirect(chart_url(patient, f"sec-{section}"))
    ctx = chart_context(request, patient, oob_banner=section in ("allergies",))
    return render(request, f"{CHART}#{section}", ctx)


PAGES = {
    "encounters": selectors.encounter_page,
    "documents": selectors.document_page,
    "observations": selectors.observation_page,
}


def page_response(request: StaffRequest, patient, section: str) -> HttpResponse:
    """After a change to a paged section (encounters, documents, results): its first page."""
    if not is_htmx(request):
        return redirect(chart_url(patient, f"sec-{section}"))
    page = PAGES[section](patient)
    ctx = chart_context(request, patient, sections=False, **{section: page})
    return render(request, f"{CHART}#{section}", ctx)


# --- the form flow ------------------------------------------------------------------------


@dataclass
class FormScreen:
    """What the chart form shows: its title, where it posts, the element it replaces."""

    title: str
    action: str
    target: str
    patient: object
    section: str
    extra: dict = field(default_factory=dict)  # danger, multipart, original


def form_response(
    request: HttpRequest, screen: FormScreen, form: django_forms.Form, status: int = 200
) -> HttpResponse:
    ctx = {
        "form": form,
        "form_title": screen.title,
        "action": screen.action,
        "target": screen.target,
        "patient": screen.patient,
        "section": screen.section,
        "cancel_url": chart_url(screen.patient, screen.target.lstrip("#")),
        **screen.extra,
    }
    template = f"{CHART}#form" if is_htmx(request) else "records/form_page.html"
    response = render(request, template, ctx, status=status)
    if is_htmx(request) and status >= 400:  # show the errors in place of the form
        response["HX-Retarget"] = "#chart-form"
        response["HX-Reswap"] = "outerHTML"
    return response


def run_form(
    request: HttpRequest,
    screen: FormScreen,
    *,
    blank: Callable[[], django_forms.Form],
    bound: Callable[[], django_forms.Form],
    act: Callable[[dict], object],
    done: Callable[[], HttpResponse],
) -> HttpResponse:
    """GET: the `blank` form. POST: the `bound` form; when valid, `act(cleaned_data)` calls the
    service, whose refusal shows on the form (422), and `done()` answers."""
    if request.method == "GET":
        return form_response(request, screen, blank())
    form = bound()
    if not form.is_valid():
        return form_response(request, screen, form, status=422)
    try:
        act(form.cleaned_data)
    except ScopeRefused as exc:
        # outside this person's scope of practice: the reason shows on the form they filled
        form_errors(form, exc)
        return form_response(request, screen, form, status=exc.status)
    except ApplicationError as exc:
        if isinstance(exc, (PermissionDenied, NotFound)):
            raise
        form_errors(form, exc)
        return form_response(request, screen, form, status=422)
    return done()
