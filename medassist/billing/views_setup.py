"""Billing set-up screens (clinic admin and biller, `billing.setup`): payers with their billing
details, the fee schedule, the billing provider's identity and the places of service.

Thin: the forms parse, billing's services validate and save (audited), a refusal shows its
message next to the field with status 422 and saves nothing."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from medassist.billing import reference, services, services_setup
from medassist.billing.forms import FeeItemForm, PayerForm, ProviderForm
from medassist.billing.models import BillingProvider, FeeScheduleItem, PayerBilling
from medassist.core.errors import ApplicationError, NotFound, PermissionDenied
from medassist.core.web import StaffRequest, form_errors, staff_view
from medassist.practice.models import Payer
from medassist.practice.roles import can, staff_clinic


@staff_view("billing.setup")
def setup_home(request: StaffRequest) -> HttpResponse:
    clinic = staff_clinic(request.user)
    fees = FeeScheduleItem.objects.filter(clinic=clinic).aggregate(
        all=Count("id"), demo=Count("id", filter=Q(demo=True))
    )
    return render(
        request,
        "billing/setup.html",
        {
            "provider": BillingProvider.objects.filter(clinic=clinic).first(),
            "payers": Payer.objects.filter(clinic=clinic).count(),
            "payers_ready": PayerBilling.objects.filter(clinic=clinic).count(),
            "fees": fees,
            "hub": can(request.user, "practice.manage"),
        },
    )


def _payer_initial(payer: Payer) -> dict:
    details = PayerBilling.objects.filter(payer=payer).first()
    initial = {"name": payer.name, "payer_id": payer.payer_id, "active": payer.active}
    if details is not None:
        initial.update(
            filing_indicator=details.filing_indicator,
            submission=details.submission,
            address_line1=details.address_line1,
            city=details.city,
            state=details.state,
            postal_code=details.postal_code,
        )
    return initial


def _save_payer(request: StaffRequest, form: PayerForm, payer: Payer | None) -> bool:
    if not form.is_valid():
        return False
    values = form.cleaned_data
    try:
        saved = services_setup.payer_setup_save(actor=request.user, payer=payer, **values)
    except ApplicationError as exc:
        form_errors(form, exc)
        return False
    messages.success(request, f"Saved {saved.payer.name}.")
    return True


@staff_view("billing.setup")
@require_http_methods(["GET", "POST"])
def payers(request: StaffRequest) -> HttpResponse:
    clinic = staff_clinic(request.user)
    admin = can(request.user, "practice.manage")
    form = PayerForm(request.POST or None) if admin else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Only a clinic admin adds a payer.")
        if _save_payer(request, form, None):
            return redirect("billing:setup_payers")
        status = 422
    rows = Payer.objects.filter(clinic=clinic).select_related("billing").order_by("name")
    return render(
        request,
        "billing/setup_payers.html",
        {"payers": rows, "form": form, "admin": admin},
        status=status,
    )


@staff_view("billing.setup")
@require_http_methods(["GET", "POST"])
def payer_edit(request: StaffRequest, id) -> HttpResponse:
    payer = Payer.objects.filter(clinic=staff_clinic(request.user), public_id=id).first()
    if payer is None:
        raise NotFound("No such payer in your clinic.")
    admin = can(request.user, "practice.manage")
    form = PayerForm(request.POST or None, initial=_payer_initial(payer), admin=admin)
    status = 200
    if request.method == "POST":
        if _save_payer(request, form, payer):
            return redirect("billing:setup_payers")
        payer.refresh_from_db()
        status = 422
    return render(
        request,
        "billing/setup_payer.html",
        {"payer": payer, "form": form, "admin": admin},
        status=status,
    )


@staff_view("billing.setup")
@require_http_methods(["GET", "POST"])
def fees(request: StaffRequest) -> HttpResponse:
    clinic = staff_clinic(request.user)
    adding = request.method == "POST" and request.POST.get("action") != "demo"
    form = FeeItemForm(request.POST if adding else None)
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "demo":
                count = services_setup.fee_schedule_demo_load(actor=request.user)
                messages.success(request, f"Loaded the demo sample: {count} items.")
                return redirect("billing:setup_fees")
            if form.is_valid():
                item = services_setup.fee_item_add(actor=request.user, **form.cleaned_data)
                messages.success(request, f"Added {item.code} at {item.price}.")
                return redirect("billing:setup_fees")
        except ApplicationError as exc:
            if exc.field:
                form_errors(form, exc)
            else:
                messages.error(request, exc.message)
        status = 422
    items = FeeScheduleItem.objects.filter(clinic=clinic).order_by("-active", "code")
    return render(request, "billing/setup_fees.html", {"items": items, "form": form}, status=status)


@staff_view("billing.setup")
@require_http_methods(["GET", "POST"])
def fee_edit(request: StaffRequest, id) -> HttpResponse:
    item = FeeScheduleItem.objects.filter(clinic=staff_clinic(request.user), public_id=id).first()
    if item is None:
        raise NotFound("No such fee schedule item in your clinic.")
    initial = {
        "system": item.system,
        "code": item.code,
        "description": item.description,
        "price": item.price,
        "modifiers": item.modifiers,
        "active": item.active,
    }
    form = FeeItemForm(request.POST or None, initial=initial, editing=True)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = dict(form.cleaned_data)
            values.pop("code", None)
            try:
                services_setup.fee_item_update(actor=request.user, item=item, **values)
            except ApplicationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, f"Saved {item.code}.")
                return redirect("billing:setup_fees")
        item.refresh_from_db()
        status = 422
    return render(request, "billing/setup_fee.html", {"item": item, "form": form}, status=status)


_PROVIDER_FIELDS = [
    "name",
    "npi",
    "taxonomy",
    "tin",
    "address_line1",
    "city",
    "state",
    "postal_code",
    "contact_name",
    "contact_phone",
    "submitter_id",
    "receiver_id",
    "receiver_name",
    "usage",
    "default_place_of_service",
    "places_of_service",
]


@staff_view("billing.setup")
@require_http_methods(["GET", "POST"])
def provider(request: StaffRequest) -> HttpResponse:
    current = BillingProvider.objects.filter(clinic=staff_clinic(request.user)).first()
    initial = {name: getattr(current, name) for name in _PROVIDER_FIELDS} if current else {}
    form = ProviderForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.billing_provider_save(actor=request.user, **form.service_values())
            except ApplicationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, "Saved the billing provider.")
                return redirect("billing:setup")
        status = 422
    return render(
        request,
        "billing/setup_provider.html",
        {"form": form, "provider": current, "places": reference.places_of_service()},
        status=status,
    )
