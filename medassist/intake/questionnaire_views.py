"""Staff screens of questionnaires: the clinic's list and the admin's editor (FHIR items as
JSON), one response with its answers and (for clinical staff) its score and alerts, and a
visit's forms with the patient's signed link."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from medassist.core.errors import ApplicationError, ValidationFailed
from medassist.core.web import StaffRequest, clinic_zone, staff_view
from medassist.intake import engine, links
from medassist.intake.fill_views import display_answer
from medassist.intake.models import IntakeAlert, Questionnaire
from medassist.intake.selectors import (
    access_questionnaire,
    access_response,
    clinic_questionnaires,
    due_questionnaires,
    patient_responses,
)
from medassist.intake.services import alert_done, questionnaire_save, response_mark_error
from medassist.practice.roles import can
from medassist.scheduling.selectors import access_appointment


@staff_view("schedule.view")
def questionnaires(request: StaffRequest) -> HttpResponse:
    rows = clinic_questionnaires(user=request.user)
    return render(
        request,
        "intake/questionnaires.html",
        {"rows": rows, "can_manage": can(request.user, "questionnaire.manage")},
    )


@staff_view("questionnaire.manage")
def questionnaire_edit(request: StaffRequest, id=None) -> HttpResponse:
    q = access_questionnaire(user=request.user, id=id) if id else None
    context: dict = {
        "q": q,
        "title": q.title if q else "",
        "description": q.description if q else "",
        "status": q.status if q else Questionnaire.Status.ACTIVE,
        "items_json": json.dumps(q.items if q else [], indent=2, ensure_ascii=False),
        "statuses": Questionnaire.Status.choices,
        "errors": [],
    }
    if request.method == "POST":
        context.update(
            title=request.POST.get("title", ""),
            description=request.POST.get("description", ""),
            status=request.POST.get("status", ""),
            items_json=request.POST.get("items", ""),
        )
        try:
            try:
                items = json.loads(context["items_json"] or "null")
            except json.JSONDecodeError as exc:
                raise ValidationFailed(
                    f"The items are not valid JSON (line {exc.lineno}: {exc.msg}).", field="items"
                ) from None
            saved = questionnaire_save(
                actor=request.user,
                questionnaire=q,
                name=request.POST.get("name", ""),
                title=context["title"],
                description=context["description"],
                items=None if q is not None and q.locked else items,
                status=context["status"],
            )
        except ApplicationError as exc:
            context["errors"] = exc.errors.get("items") or [exc.message]
            return render(request, "intake/questionnaire_edit.html", context, status=exc.status)
        messages.success(request, f"Saved {saved.title} (version {saved.version}).")
        return redirect("intake:questionnaires")
    return render(request, "intake/questionnaire_edit.html", context)


def answer_rows(response) -> list[dict]:
    items = response.questionnaire.items
    on = engine.enabled(items, response.answers)
    rows = []
    for item in engine.walk(items):
        if item.get("type") not in engine.ANSWER_TYPES or item["linkId"] not in on:
            continue
        value = response.answers.get(item["linkId"])
        rows.append(
            {
                "link": item["linkId"],
                "text": item.get("text", ""),
                "answer": display_answer(item, value),
                "emergency": item["linkId"] in engine.emergencies(items, response.answers),
            }
        )
    return rows


@staff_view("patient.view")
def response(request: StaffRequest, id) -> HttpResponse:
    r = access_response(user=request.user, id=id)
    clinic_zone(request.user.clinic)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "error":
                response_mark_error(
                    actor=request.user, response=r, reason=request.POST.get("reason", "")
                )
                messages.success(request, "Marked entered in error.")
            else:
                alert = IntakeAlert.objects.get(response=r, public_id=request.POST.get("alert", ""))
                alert_done(actor=request.user, alert=alert)
                messages.success(request, "Alert marked handled.")
        except (IntakeAlert.DoesNotExist, DjangoValidationError, ApplicationError) as exc:
            message = exc.message if isinstance(exc, ApplicationError) else "No such alert."
            messages.error(request, message)
        return redirect("intake:response", id=r.public_id)
    see_scores = can(request.user, "questionnaire.score_view")
    alerts = list(r.alerts.all()) if see_scores else []
    if not can(request.user, "note.sign"):
        alerts = [a for a in alerts if not a.clinician_only]
    return render(
        request,
        "intake/response.html",
        {
            "r": r,
            "rows": answer_rows(r),
            "score": r.score if see_scores else None,
            "alerts": alerts,
            "can_answer": can(request.user, "questionnaire.answer"),
        },
    )


@staff_view("schedule.view")
def visit_forms(request: StaffRequest, id) -> HttpResponse:
    """A visit's forms: what is due, what was answered, and the patient's signed link."""
    appt = access_appointment(user=request.user, id=id)
    clinic_zone(request.user.clinic)
    link = None
    if appt.status in links.OPEN_STATUSES and can(request.user, "questionnaire.answer"):
        link = request.build_absolute_uri(reverse("intake:fill", args=[links.fill_token(appt)]))
    return render(
        request,
        "intake/visit_forms.html",
        {
            "appt": appt,
            "due": due_questionnaires(patient=appt.patient, appointment=appt),
            "responses": patient_responses(patient=appt.patient, appointment=appt),
            "link": link,
            "see_scores": can(request.user, "questionnaire.score_view"),
        },
    )
