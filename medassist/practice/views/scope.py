"""The clinic admin's scope-of-practice screen: who may do what here (by the state's rules,
each person's credentials and training), what expires within 60 days, and the forms that
record a credential or a training record (through the practice services)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from medassist.core.errors import ApplicationError
from medassist.core.web import StaffRequest, form_errors, staff_view
from medassist.practice import scope
from medassist.practice.forms import CredentialForm, TrainingForm
from medassist.practice.models import StaffCredential, TrainingRecord, User
from medassist.practice.roles import Role, staff_clinic
from medassist.practice.services import staff_credential_add, training_record_add


def _staff(clinic):
    return list(
        User.objects.filter(
            clinic=clinic, is_active=True, role__in=[Role.MEDICAL_ASSISTANT, Role.PHYSICIAN]
        ).order_by("last_name", "first_name", "username")
    )


@staff_view("practice.manage")
@require_http_methods(["GET", "POST"])
def scope_home(request: StaffRequest) -> HttpResponse:
    clinic = staff_clinic(request.user)
    staff = _staff(clinic)
    by_id = {str(u.public_id): u for u in staff}
    credential_form: forms.Form = CredentialForm(staff=staff, prefix="credential")
    training_form: forms.Form = TrainingForm(staff=staff, prefix="training")
    status = 200
    if request.method == "POST":
        which = request.POST.get("form")
        form = (
            CredentialForm(request.POST, staff=staff, prefix="credential")
            if which == "credential"
            else TrainingForm(request.POST, staff=staff, prefix="training")
        )
        if form.is_valid():
            values = dict(form.cleaned_data)
            user = by_id[values.pop("user")]
            try:
                if which == "credential":
                    staff_credential_add(actor=request.user, user=user, **values)
                else:
                    training_record_add(actor=request.user, user=user, **values)
            except ApplicationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, f"Recorded for {user.display_name}.")
                return redirect("practice:scope")
        status = 422
        if which == "credential":
            credential_form = form
        else:
            training_form = form
    state = scope.clinic_state(clinic)
    rules = scope.rules()["jurisdictions"]
    jurisdiction = rules.get(state) or rules[scope.DEFAULT]
    return render(
        request,
        "practice/scope.html",
        {
            "state": state,
            "jurisdiction": jurisdiction,
            "tasks": [(t, scope.task_label(t)) for t in scope.TASKS],
            "matrix": scope.scope_matrix(clinic),
            "expiring": scope.expiring_soon(clinic),
            "days": scope.EXPIRY_WARNING_DAYS,
            "credentials": StaffCredential.objects.filter(user__clinic=clinic, active=True)
            .select_related("user")
            .order_by("user__last_name", "kind"),
            "trainings": TrainingRecord.objects.filter(user__clinic=clinic, active=True)
            .select_related("user")
            .order_by("user__last_name", "task", "completed_on"),
            "credential_form": credential_form,
            "training_form": training_form,
        },
        status=status,
    )
