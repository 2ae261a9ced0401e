"""Pharmacy screens: the refill queue and a request, the patient's portal refill page, the
stock room, today's medication orders, and giving or dispensing against an order. Thin:
parse, access, call a service, render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from medassist.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from medassist.core.web import StaffRequest, clinic_zone, first_error, form_errors, staff_view
from medassist.pharmacy import selectors, services
from medassist.pharmacy.fax import refill_fax_pdf
from medassist.pharmacy.forms import (
    ApproveForm,
    DenyForm,
    GiveForm,
    LotActionForm,
    OrderForm,
    PharmacyToldForm,
    PortalRefillForm,
    ReceiveForm,
    RefillEntryForm,
)
from medassist.pharmacy.handouts import handout_pdf
from medassist.pharmacy.models import (
    Administration,
    ChangeDiscussion,
    Dispense,
    MedicationOrder,
    RefillRequest,
    StockItem,
)
from medassist.portal.selectors import portal_user
from medassist.portal.signin import SESSION_COOKIE, SessionEnded, patient_from_session
from medassist.practice.roles import can
from medassist.records.selectors import access_chart_patient

# ---------------------------------------------------------------------------- refills


@staff_view("refill.view")
@require_http_methods(["GET", "POST"])
def refill_queue(request: StaffRequest) -> HttpResponse:
    form = RefillEntryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = dict(form.cleaned_data)
            patient = selectors.patient_by_mrn(user=request.user, mrn=data.pop("mrn"))
            if patient is None:
                form.add_error("mrn", "No patient of this clinic has that MRN.")
            else:
                try:
                    refill = services.refill_request_create(
                        actor=request.user, patient=patient, **data
                    )
                except ApplicationError as exc:
                    form_errors(form, exc)
                else:
                    messages.success(request, "Refill request queued.")
                    return redirect("pharmacy:refill", refill.public_id)
    show = "pharmacy" if request.GET.get("show") == "pharmacy" else "open"
    if show == "pharmacy":
        rows = list(selectors.pharmacy_to_tell(user=request.user))
    else:
        rows = list(selectors.refill_queue(user=request.user))
    now = timezone.now()
    return render(
        request,
        "pharmacy/refills.html",
        {
            "rows": [(r, selectors.refill_overdue(r, now)) for r in rows],
            "show": show,
            "to_tell": (
                len(rows)
                if show == "pharmacy"
                else selectors.pharmacy_to_tell_count(user=request.user)
            ),
            "form": form,
            "clinic_tz": request.user.clinic.tz,
        },
        status=status,
    )


@staff_view("refill.view")
@require_http_methods(["GET", "POST"])
def refill_detail(request: StaffRequest, id) -> HttpResponse:
    refill = selectors.access_refill(user=request.user, id=id)
    approve, deny, told = ApproveForm(), DenyForm(), PharmacyToldForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "prepare":
                services.refill_prepare(
                    actor=request.user, refill=refill, note=request.POST.get("note", "")
                )
            elif action == "approve":
                approve = ApproveForm(request.POST)
                if not approve.is_valid():
                    raise ValidationFailed("Check the quantity and refills.")
                services.refill_approve(actor=request.user, refill=refill, **approve.cleaned_data)
            elif action == "deny":
                deny = DenyForm(request.POST)
                if not deny.is_valid():
                    raise ValidationFailed("Say why the refill is denied.", field="reason")
                services.refill_deny(actor=request.user, refill=refill, **deny.cleaned_data)
            elif action == "pharmacy_told":
                told = PharmacyToldForm(request.POST)
                if not told.is_valid():
                    raise ValidationFailed(first_error(told))
                services.refill_pharmacy_told(
                    actor=request.user, refill=refill, **told.cleaned_data
                )
                messages.success(request, "Recorded: the pharmacy was told.")
            else:
                raise ValidationFailed("Unknown action.")
        except ApplicationError as exc:
            if exc.status == 403:
                raise
            status = exc.status
            messages.error(request, exc.message)
            refill.refresh_from_db()
        else:
            return redirect("pharmacy:refill", refill.public_id)
    return render(
        request,
        "pharmacy/refill.html",
        {
            "refill": refill,
            "overdue": selectors.refill_overdue(refill),
            "approve": approve,
            "deny": deny,
            "may_prepare": can(request.user, "refill.prepare"),
            "may_decide": can(request.user, "refill.decide"),
            "may_tell": can(request.user, "refill.tell"),
            "told": told,
            "notice": selectors.refill_pharmacy_notice(refill),
            "clinic_tz": request.user.clinic.tz,
        },
        status=status,
    )


@staff_view("refill.tell")
def refill_fax_view(request: StaffRequest, id) -> HttpResponse:
    """The fax sheet of a refill's answer for the pharmacy (to fax or hand over outside
    medassist, then record as told)."""
    refill = selectors.access_refill(user=request.user, id=id)
    if refill.status not in {RefillRequest.Status.APPROVED, RefillRequest.Status.DENIED} or (
        not refill.pharmacy_message
    ):
        raise NotFound("This request has no answer for a pharmacy yet.")
    response = HttpResponse(refill_fax_pdf(refill), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="refill-fax-{refill.public_id}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def portal_refill(request: HttpRequest) -> HttpResponse:
    """A signed-in patient asks for a refill (the portal's patient session)."""
    try:
        patient = patient_from_session(request.COOKIES.get(SESSION_COOKIE))
    except SessionEnded as exc:
        return render(request, "pharmacy/portal_refill.html", {"ended": exc.message}, status=401)
    clinic = patient.clinic
    clinic_zone(clinic)
    form = PortalRefillForm(request.POST or None)
    done = None
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.refill_request_create(
                    actor=portal_user(clinic),
                    patient=patient,
                    source=RefillRequest.Source.PORTAL,
                    **form.cleaned_data,
                )
            except ApplicationError as exc:
                form_errors(form, exc)
            else:
                done, status, form = True, 200, PortalRefillForm()
    requests_ = RefillRequest.objects.filter(patient=patient).order_by("-created_at")[:10]
    medications = MedicationOrder.objects.filter(
        patient=patient,
        kind=MedicationOrder.Kind.PRESCRIPTION,
        status=MedicationOrder.Status.ACTIVE,
    ).order_by("drug_name")
    response = render(
        request,
        "pharmacy/portal_refill.html",
        {
            "patient": patient,
            "clinic": clinic,
            "form": form,
            "done": done,
            "requests": requests_,
            "medications": medications,
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


portal_refill.permission = "patient session cookie"  # type: ignore[attr-defined]

# ---------------------------------------------------------------------------- stock


def _choices(rows, label=str):
    return [("", "—")] + [(str(r.public_id), label(r)) for r in rows]


@staff_view("stock.view")
@require_http_methods(["GET", "POST"])
def stock(request: StaffRequest) -> HttpResponse:
    user = request.user
    items = StockItem.objects.filter(clinic_id=user.clinic_id, active=True).order_by("name")
    people = list(selectors.witnesses(user=user))
    receive = ReceiveForm(request.POST if request.POST.get("form") == "receive" else None)
    action = LotActionForm(request.POST if request.POST.get("form") == "lot" else None)
    for f in (receive, action):
        f.fields["witness"].choices = _choices(  # type: ignore[attr-defined]
            people, lambda u: u.display_name
        )
    receive.fields["item"].choices = _choices(  # type: ignore[attr-defined]
        items, lambda i: f"{i.name} ({i.ndc_display})"
    )
    status = 200
    if request.method == "POST":
        form: forms.Form = receive if request.POST.get("form") == "receive" else action
        status = 422
        if form.is_valid():
            data = dict(form.cleaned_data)
            witness = next((u for u in people if str(u.public_id) == data.pop("witness")), None)
            try:
                if form is receive:
                    item = selectors.access_stock_item(user=user, id=data.pop("item"))
                    services.stock_receive(actor=user, item=item, witness=witness, **data)
                else:
                    lot = selectors.access_lot(user=user, id=data["lot"])
                    kind, n, why = data["action"], data["quantity"], data["reason"]
                    if kind == "count":
                        services.stock_count(
                            actor=user, lot=lot, counted=n, witness=witness, note=why
                        )
                    elif kind == "waste":
                        services.stock_waste(
                            actor=user, lot=lot, quantity=n, reason=why, witness=witness
                        )
                    else:
                        services.stock_return(
                            actor=user, lot=lot, quantity=n, reason=why, witness=witness
                        )
            except ApplicationError as exc:
                if exc.status == 403:
                    raise
                form_errors(form, exc)
            else:
                messages.success(request, "Recorded.")
                return redirect("pharmacy:stock")
    return render(
        request,
        "pharmacy/stock.html",
        {
            "lines": selectors.stock_lines(user=user),
            "lots": selectors.lot_list(user=user)
            .filter(on_hand__gt=0)
            .order_by("item__name", "expires_on"),
            "refusals": selectors.five_rights_refusals(user=user, limit=20),
            "receive": receive,
            "action": action,
            "today": selectors.clinic_today(user.clinic),
            "clinic_tz": user.clinic.tz,
        },
        status=status,
    )


# ---------------------------------------------------------------------------- orders


@staff_view("patient.view")
@require_http_methods(["GET", "POST"])
def orders(request: StaffRequest) -> HttpResponse:
    user = request.user
    form = OrderForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = dict(form.cleaned_data)
            patient = selectors.patient_by_mrn(user=user, mrn=data.pop("mrn"))
            if patient is None:
                form.add_error("mrn", "No patient of this clinic has that MRN.")
            else:
                try:
                    order = services.medication_order_create(actor=user, patient=patient, **data)
                except ApplicationError as exc:
                    if exc.status == 403:
                        raise
                    form_errors(form, exc)
                else:
                    messages.success(request, f"Ordered {order.drug_name}.")
                    return redirect("pharmacy:orders")
    active = selectors.order_list(user=user).exclude(kind=MedicationOrder.Kind.PRESCRIPTION)
    return render(
        request,
        "pharmacy/orders.html",
        {
            "orders": active,
            "form": form,
            "may_order": can(user, "medication.order"),
            "clinic_tz": user.clinic.tz,
        },
        status=status,
    )


@staff_view("medication.give")
@require_http_methods(["GET", "POST"])
def give(request: StaffRequest, id) -> HttpResponse:
    user = request.user
    order = selectors.access_order(user=user, id=id)
    form = GiveForm(
        request.POST or None, initial={"route": order.route, "dose_unit": order.dose_unit}
    )
    status = 200
    done: Dispense | Administration | None = None
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                if order.kind == MedicationOrder.Kind.DISPENSE:
                    done = services.medication_dispense(
                        actor=user,
                        order=order,
                        patient=order.patient,
                        scan=data["scan"],
                        lot_number=data["lot_number"],
                        quantity=data["quantity"],
                        supervisor_present=data["supervisor_present"],
                    )
                else:
                    done = services.medication_administer(
                        actor=user,
                        order=order,
                        patient=order.patient,
                        scan=data["scan"],
                        lot_number=data["lot_number"],
                        dose_amount=data["dose_amount"],
                        dose_unit=data["dose_unit"],
                        route=data["route"],
                        site=data["site"],
                        vis_date=data["vis_date"],
                        supervisor_present=data["supervisor_present"],
                    )
            except ApplicationError as exc:
                status = 403 if exc.status == 403 else 422
                form_errors(form, exc)
                for reason in exc.extra.get("reasons", []):
                    messages.error(request, reason)
            else:
                status = 200
                order.refresh_from_db()
    return render(
        request,
        "pharmacy/give.html",
        {"order": order, "form": form, "done": done, "clinic_tz": user.clinic.tz},
        status=status,
    )


# ---------------------------------------------------------------------------- handouts


@staff_view("patient.view")
def handout_pdf_view(request: StaffRequest, id) -> HttpResponse:
    handout = selectors.access_handout(user=request.user, id=id)
    response = HttpResponse(handout_pdf(handout), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="handout-{handout.public_id}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@staff_view("handout.give")
@require_http_methods(["POST"])
def handout_discussed_view(request: StaffRequest, id) -> HttpResponse:
    handout = selectors.access_handout(user=request.user, id=id)
    back = request.POST.get("back") == "patient"
    try:
        services.handout_discussed(
            actor=request.user, handout=handout, note=request.POST.get("note", "")
        )
    except ApplicationError as exc:
        if not back:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, "Recorded as discussed.")
    if back:
        return redirect("pharmacy:handouts", handout.patient.public_id)
    return redirect("pharmacy:orders")


@staff_view("patient.view")
@require_http_methods(["GET", "POST"])
def handouts(request: StaffRequest, id) -> HttpResponse:
    """A patient's medication-change and diet handouts: the clinician writes one (their own
    words, the order for a medication change, English or Spanish); the MA prints the PDF and
    records that it was discussed."""
    patient = access_chart_patient(user=request.user, id=id)
    may_write = can(request.user, "medication.order")
    orders = list(
        MedicationOrder.objects.filter(patient=patient, clinic_id=request.user.clinic_id)
        .exclude(status=MedicationOrder.Status.ENTERED_IN_ERROR)
        .order_by("-created_at")[:50]
    )
    error, posted = "", request.POST if request.method == "POST" else {}
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied("Only the clinician writes a change to relay.")
        order = None
        if request.POST.get("order"):
            order = next((o for o in orders if str(o.public_id) == request.POST["order"]), None)
            if order is None:
                error = "Nothing was saved. Choose one of this patient's orders."
        if not error:
            try:
                handout = services.handout_create(
                    actor=request.user,
                    patient=patient,
                    kind=request.POST.get("kind", ""),
                    clinician_text=request.POST.get("clinician_text", ""),
                    order=order,
                    language=request.POST.get("language", ""),
                )
            except ApplicationError as exc:
                error = f"Nothing was saved. {exc.message}"
            else:
                messages.success(
                    request, f"{handout.get_kind_display()} written for the MA to go over."
                )
                return redirect("pharmacy:handouts", patient.public_id)
    rows = selectors.patient_handouts(user=request.user, patient=patient)
    return render(
        request,
        "pharmacy/handouts.html",
        {
            "patient": patient,
            "handouts": rows,
            "orders": orders,
            "kinds": ChangeDiscussion.Kind.choices,
            "may_write": may_write,
            "may_give": can(request.user, "handout.give"),
            "error": error,
            "posted": posted,
            "clinic_tz": request.user.clinic.tz,
        },
        status=422 if error else 200,
    )
