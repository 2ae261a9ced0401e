"""The chart's part of rooming (records reads the chart; intake stores what the MA found):
medication reconciliation against the medication list, and the allergy list read back to the
patient. Both are steps of intake's rooming checklist."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from medassist.core.errors import ApplicationError
from medassist.core.web import StaffRequest, clinic_zone, staff_view
from medassist.intake.models import MedReconciliation
from medassist.intake.services import allergies_confirm, med_reconcile
from medassist.records.models import MedicationStatement, NoKnownAllergies
from medassist.records.selectors import allergy_list, medication_list
from medassist.scheduling.selectors import access_appointment


@staff_view("chart.edit")
def reconcile(request: StaffRequest, id) -> HttpResponse:
    appt = access_appointment(user=request.user, id=id)
    clinic_zone(request.user.clinic)
    meds = list(
        medication_list(appt.patient).filter(
            status__in=(MedicationStatement.Status.ACTIVE, MedicationStatement.Status.ON_HOLD)
        )
    )
    error = ""
    if request.method == "POST":
        entries = [
            {
                "medication_id": str(m.public_id),
                "medication": " ".join(p for p in (str(m), m.dose, m.frequency) if p),
                "taking": request.POST.get(f"taking-{m.public_id}", ""),
                "change": request.POST.get(f"change-{m.public_id}", ""),
                "source": request.POST.get("source", ""),
            }
            for m in meds
        ]
        extra = request.POST.get("new_medication", "").strip()
        if extra:
            entries.append(
                {
                    "medication": extra,
                    "taking": MedReconciliation.Taking.CHANGED,
                    "change": "New: not on the list. " + request.POST.get("new_how", "").strip(),
                    "source": request.POST.get("source", ""),
                }
            )
        if not entries:
            entries = [
                {
                    "medication": "No medications",
                    "taking": MedReconciliation.Taking.NOT_TAKING,
                    "source": request.POST.get("source", ""),
                }
            ]
        try:
            med_reconcile(actor=request.user, appointment=appt, entries=entries)
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, "Medication reconciliation saved.")
            return redirect("intake:rooming", id=appt.public_id)
    return render(
        request,
        "records/reconcile.html",
        {
            "appt": appt,
            "meds": meds,
            "error": error,
            "taking": MedReconciliation.Taking.choices,
            "sources": MedReconciliation.Source.choices,
            "previous": appt.med_reconciliations.order_by("-created_at")[:50],
        },
        status=422 if error else 200,
    )


@staff_view("chart.edit")
def allergies(request: StaffRequest, id) -> HttpResponse:
    appt = access_appointment(user=request.user, id=id)
    clinic_zone(request.user.clinic)
    listed = list(allergy_list(appt.patient).filter(status="active"))
    nka = NoKnownAllergies.objects.filter(
        patient=appt.patient, status=NoKnownAllergies.Status.CURRENT
    ).exists()
    error = ""
    if request.method == "POST":
        shown = [f"{a.display}{f' ({a.reaction})' if a.reaction else ''}" for a in listed]
        if nka and not shown:
            shown = ["No known allergies"]
        try:
            allergies_confirm(
                actor=request.user,
                appointment=appt,
                listed=shown,
                confirmed=request.POST.get("confirmed") == "yes",
                note=request.POST.get("note", ""),
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, "Allergies recorded.")
            return redirect("intake:rooming", id=appt.public_id)
    return render(
        request,
        "records/allergies_confirm.html",
        {"appt": appt, "allergies": listed, "nka": nka, "error": error},
        status=422 if error else 200,
    )
