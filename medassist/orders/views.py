"""Orders screens: the worklist (overdue and open orders), signing a new order, one order
(results, review, telling the patient), the phlebotomy screen with labels, the unmatched
result queue, results on the chart, and point-of-care testing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from medassist.core.errors import ApplicationError, ValidationFailed
from medassist.core.web import StaffRequest, staff_view
from medassist.orders import notices
from medassist.orders import poc as poc_rules
from medassist.orders.connections import describe, lab_connection_set, transport_for
from medassist.orders.ingest import unmatched_file
from medassist.orders.labels import draw_labels_pdf, labels_pdf
from medassist.orders.models import (
    HL7Message,
    Order,
    PerformingLab,
    PocDevice,
    PocKit,
    Transport,
)
from medassist.orders.outbound import STRUCTURES, order_send
from medassist.orders.prep import order_prep
from medassist.orders.requisition import order_requisition
from medassist.orders.selectors import (
    access_order,
    access_work_item,
    draws_due_by_patient,
    open_orders,
    overdue_worklist,
    results_for_order,
    results_over_time,
    work_queue,
)
from medassist.orders.services import (
    draw_collect,
    order_cancel,
    order_imaging_create,
    order_lab_create,
    order_mark_sent,
    order_referral_create,
    order_report_receive,
    order_review,
    order_schedule,
    order_send_prep,
    order_tell_patient,
    tube_list,
    work_item_done,
)
from medassist.patients.selectors import access_patient
from medassist.practice.roles import can, staff_clinic
from medassist.records.charts import Series as ChartSeries
from medassist.records.charts import line_chart
from medassist.reminders.models import Message


def _tz(request: StaffRequest):
    return staff_clinic(request.user).tz


@staff_view("order.view")
def worklist(request: StaffRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in ("", *Order.Kind.values):
        kind = ""
    return render(
        request,
        "orders/worklist.html",
        {
            "overdue": overdue_worklist(user=request.user, kind=kind),
            "kind": kind,
            "kinds": Order.Kind.choices,
            "clinic_tz": _tz(request),
        },
    )


@staff_view("order.sign")
def new_order(request: StaffRequest, patient_id) -> HttpResponse:
    patient = access_patient(user=request.user, id=patient_id)
    clinic = staff_clinic(request.user)
    labs = list(PerformingLab.objects.filter(clinic=clinic, active=True).prefetch_related("tests"))
    kind = request.POST.get("kind") or request.GET.get("kind") or Order.Kind.LAB
    error = None
    if request.method == "POST":
        post = request.POST
        common: dict[str, Any] = {
            "due_date": post.get("due_date") or None,
            "priority": post.get("priority") or Order.Priority.ROUTINE,
            "diagnosis": post.get("diagnosis", ""),
            "note": post.get("note", ""),
        }
        try:
            if kind == Order.Kind.LAB:
                lab = next((x for x in labs if str(x.public_id) == post.get("lab")), None)
                if lab is None:
                    raise ValidationFailed("Choose a performing lab.", field="lab")
                wanted = set(post.getlist("tests"))
                tests = [t for t in lab.tests.all() if str(t.public_id) in wanted and t.active]
                if len(tests) != len(wanted):
                    raise ValidationFailed("A chosen test is not in this lab's compendium.")
                order = order_lab_create(
                    actor=request.user, patient=patient, lab=lab, tests=tests, **common
                )
            elif kind == Order.Kind.IMAGING:
                order = order_imaging_create(
                    actor=request.user,
                    patient=patient,
                    modality=post.get("modality", ""),
                    body_site=post.get("body_site", ""),
                    procedure_name=post.get("procedure_name", ""),
                    reason=post.get("reason", ""),
                    **common,
                )
            elif kind == Order.Kind.REFERRAL:
                order = order_referral_create(
                    actor=request.user,
                    patient=patient,
                    refer_to=post.get("refer_to", ""),
                    specialty=post.get("specialty", ""),
                    reason=post.get("reason", ""),
                    **common,
                )
            else:
                raise ValidationFailed("Choose lab, imaging or referral.")
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(request, f"Order {order.placer_number} signed.")
            return redirect("orders:detail", order.public_id)
    return render(
        request,
        "orders/new.html",
        {
            "patient": patient,
            "labs": labs,
            "kind": kind,
            "error": error,
            "post": request.POST,
            "priorities": Order.Priority.choices,
        },
        status=422 if error else 200,
    )


@staff_view("order.view")
def detail(request: StaffRequest, id) -> HttpResponse:
    order = access_order(user=request.user, id=id)
    error = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            _act(request, order, action)
        except ApplicationError as exc:
            error = exc
        else:
            return redirect("orders:detail", order.public_id)
    events = list(order.events.select_related("by"))
    return render(
        request,
        "orders/detail.html",
        {
            "order": order,
            "results": results_for_order(order),
            "tubes": tube_list(order) if order.kind == Order.Kind.LAB else [],
            "specimens": list(order.specimens.select_related("collected_by")),
            "events": events,
            "notices": _with_delivery(list(order.notices.all())),
            "templates": list(notices.TEMPLATES.values()),
            "can_review": can(request.user, "result.review"),
            "can_receive": can(request.user, "result.receive"),
            "can_sign": can(request.user, "order.sign"),
            "can_manage": can(request.user, "order.manage"),
            "prep": order_prep(order) if order.status == Order.Status.ORDERED else [],
            "prep_sent": any(e.note.startswith(notices.PREP_SENT_NOTE) for e in events),
            "lab_connected": order.lab is not None and transport_for(order.lab) is not None,
            "lab_connection": describe(order.lab) if order.lab is not None else "",
            "sent_messages": list(
                order.messages.filter(direction=HL7Message.Direction.OUT).order_by("at", "id")
            ),
            "error": error,
            "clinic_tz": _tz(request),
        },
        status=422 if error else 200,
    )


def _with_delivery(notices_: list) -> list:
    """Each notice with its reminders.Message (queued, sent, failed...) as `delivery`."""
    ids = [n.delivery_id for n in notices_ if n.delivery_id]
    sent = {m.pk: m for m in Message.objects.filter(pk__in=ids)}
    for n in notices_:
        n.delivery = sent.get(n.delivery_id)
    return notices_


def _act(request: StaffRequest, order: Order, action: str) -> None:
    post, user = request.POST, request.user
    if action == "review":
        order_review(actor=user, order=order, comment=post.get("comment", ""))
        messages.success(request, "Result reviewed.")
    elif action == "tell":
        order_tell_patient(
            actor=user,
            order=order,
            template=post.get("template", ""),
            clinician_text=post.get("clinician_text", ""),
            channel=post.get("channel", ""),
        )
        messages.success(request, "The message to the patient is on its way.")
    elif action == "report":
        order_report_receive(
            actor=user,
            order=order,
            uploaded_file=request.FILES.get("file"),
            title=post.get("title", ""),
            abnormal=post.get("abnormal") == "on",
        )
        messages.success(request, "Report filed to the chart; it waits for the clinician's review.")
    elif action == "prep":
        msg = order_send_prep(actor=user, order=order, channel=post.get("channel", ""))
        messages.success(request, f"Preparation instructions are on their way to {msg.to}.")
    elif action == "send":
        order_mark_sent(actor=user, order=order, note=post.get("note", ""))
        messages.success(request, "Marked as sent.")
    elif action in ("send_lab", "resend_lab"):
        _send_to_lab(request, order, resend=action == "resend_lab")
    elif action == "schedule":
        at = _local_datetime(post.get("appointment_at", ""), _tz(request))
        order_schedule(actor=user, order=order, appointment_at=at, place=post.get("place", ""))
        messages.success(request, "Appointment recorded.")
    elif action == "cancel":
        order_cancel(actor=user, order=order, reason=post.get("reason", ""))
        messages.success(request, "Order cancelled.")
    else:
        raise ValidationFailed("Unknown action.")


def _send_to_lab(request: StaffRequest, order: Order, *, resend: bool) -> None:
    lab = order.lab
    transport = transport_for(lab) if lab is not None else None
    if lab is None or transport is None:
        raise ValidationFailed(
            "This lab is not connected: ask the clinic admin to set it up under Lab "
            "connections, or send the requisition on paper and use Mark sent."
        )
    row = order_send(
        actor=request.user,
        order=order,
        transport=transport,
        message_type=lab.message_type,
        resend=resend,
    )
    how = describe(lab)
    ack = f", acknowledged {row.ack_code}" if row.ack_code else ""
    messages.success(
        request,
        f"{'Sent again' if resend else 'Sent'} to {lab.name} by {how}: "
        f"{row.message_type} control id {row.control_id}{ack}.",
    )


def _local_datetime(text: str, tz) -> datetime:
    try:
        naive = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValidationFailed("Give a date and time.", field="appointment_at") from exc
    if timezone.is_aware(naive):
        return naive
    return naive.replace(tzinfo=tz)


@staff_view("specimen.collect")
def phlebotomy(request: StaffRequest) -> HttpResponse:
    """One card per patient: every order of theirs due, drawn at one venipuncture."""
    error = None
    if request.method == "POST":
        try:
            orders = [access_order(user=request.user, id=i) for i in request.POST.getlist("order")]
            fasting = {"yes": True, "no": False}.get(request.POST.get("fasting", ""))
            draw_collect(
                actor=request.user,
                orders=orders,
                site=request.POST.get("site", ""),
                fasting_confirmed=fasting,
                supervisor_present=request.POST.get("supervisor_present") == "on" or None,
            )
        except ApplicationError as exc:
            error = exc
        else:
            titles = "; ".join(o.title for o in orders)
            messages.success(request, f"Drawn: {titles}. Print the labels.")
            done_ids = ",".join(str(o.public_id) for o in orders)
            return redirect(reverse("orders:phlebotomy") + f"?done={done_ids}")
    done = _drawn_orders(request, request.GET.get("done", ""))
    return render(
        request,
        "orders/phlebotomy.html",
        {
            "draws": draws_due_by_patient(user=request.user),
            "error": error,
            "done": done,
            "done_ids": ",".join(str(o.public_id) for o in done),
            "clinic_tz": _tz(request),
        },
        status=422 if error else 200,
    )


def _drawn_orders(request: StaffRequest, ids: str) -> list[Order]:
    """The orders of the draw just recorded (`?done=` ids, comma-separated); unknown ones are
    left out."""
    orders = []
    for i in [i for i in ids.split(",") if i][:20]:
        try:
            orders.append(access_order(user=request.user, id=i))
        except ApplicationError:
            continue
    return orders


@staff_view("specimen.collect")
def draw_labels(request: StaffRequest) -> HttpResponse:
    """The labels of one draw (`?orders=` ids, comma-separated) in one PDF."""
    orders = _drawn_orders(request, request.GET.get("orders", ""))
    pairs = [(o, list(o.specimens.select_related("collected_by"))) for o in orders]
    pairs = [(o, s) for o, s in pairs if s]
    if not pairs:
        raise ValidationFailed("No specimens were collected for these orders yet.")
    response = HttpResponse(draw_labels_pdf(pairs, _tz(request)), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="specimen-labels.pdf"'
    return response


@staff_view("specimen.collect")
def labels(request: StaffRequest, id) -> HttpResponse:
    order = access_order(user=request.user, id=id)
    specimens = list(order.specimens.select_related("collected_by"))
    if not specimens:
        raise ValidationFailed("No specimens were collected for this order yet.")
    response = HttpResponse(
        labels_pdf(order, specimens, _tz(request)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="labels-{order.placer_number}.pdf"'
    return response


@staff_view("order.view")
def requisition(request: StaffRequest, id) -> HttpResponse:
    order = access_order(user=request.user, id=id)
    pdf = order_requisition(user=request.user, order=order, tz=_tz(request))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="requisition-{order.placer_number}.pdf"'
    return response


@staff_view("result.receive")
def queue(request: StaffRequest) -> HttpResponse:
    return render(
        request,
        "orders/queue.html",
        {"items": work_queue(user=request.user), "clinic_tz": _tz(request)},
    )


@staff_view("result.receive")
def work_item(request: StaffRequest, id) -> HttpResponse:
    item = access_work_item(user=request.user, id=id)
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "file":
                number = request.POST.get("placer_number", "").strip()
                order = Order.objects.filter(
                    clinic=staff_clinic(request.user), placer_number=number
                ).first()
                if order is None:
                    raise ValidationFailed(f"No order {number}.", field="placer_number")
                unmatched_file(actor=request.user, item=item, order=order)
                messages.success(request, f"Filed to order {order.placer_number}.")
            else:
                work_item_done(
                    actor=request.user, item=item, resolution=request.POST.get("resolution", "")
                )
                messages.success(request, "Done.")
        except ApplicationError as exc:
            error = exc
        else:
            return redirect("orders:queue")
    return render(
        request,
        "orders/work_item.html",
        {"item": item, "error": error, "clinic_tz": _tz(request)},
        status=422 if error else 200,
    )


@staff_view("patient.view")
def patient_results(request: StaffRequest, patient_id) -> HttpResponse:
    patient = access_patient(user=request.user, id=patient_id)
    tz = _tz(request)
    series = results_over_time(user=request.user, patient=patient)
    tables = []
    for s in series:
        chart = ""
        numeric = s.numeric
        if len(numeric) >= 2:
            chart = line_chart(
                title=s.name,
                unit=s.unit,
                dates=[p.at.astimezone(tz).strftime("%Y-%m-%d") for p in numeric],
                series=[
                    ChartSeries(
                        label=s.name, css="s1", values=[float(p.value or 0) for p in numeric]
                    )
                ],
            )
        tables.append({"series": s, "chart": chart})
    orders = (
        open_orders(user=request.user, patient=patient) if can(request.user, "order.view") else []
    )
    return render(
        request,
        "orders/results.html",
        {
            "patient": patient,
            "tables": tables,
            "orders": orders,
            "can_sign": can(request.user, "order.sign"),
            "clinic_tz": tz,
        },
    )


@staff_view("poc.run")
def poc(request: StaffRequest) -> HttpResponse:
    clinic = staff_clinic(request.user)
    error = None
    if request.method == "POST":
        try:
            poc_rules.handle_post(actor=request.user, post=request.POST)
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(request, "Saved.")
            return redirect("orders:poc")
    return render(
        request,
        "orders/poc.html",
        {
            "tests": poc_rules.TESTS,
            "devices": list(PocDevice.objects.filter(clinic=clinic, active=True)),
            "kits": list(PocKit.objects.filter(clinic=clinic).order_by("test", "expires_on")),
            "qc_today": poc_rules.qc_today(clinic),
            "recent": poc_rules.recent_runs(user=request.user),
            "error": error,
            "clinic_tz": clinic.tz,
        },
        status=422 if error else 200,
    )


@staff_view("compendium.manage")
def lab_connections(request: StaffRequest) -> HttpResponse:
    """The clinic admin's set-up of how orders reach each performing lab."""
    clinic = staff_clinic(request.user)
    labs = list(PerformingLab.objects.filter(clinic=clinic))
    error, failed_lab = None, None
    if request.method == "POST":
        post = request.POST
        lab = next((x for x in labs if str(x.public_id) == post.get("lab")), None)
        try:
            if lab is None:
                raise ValidationFailed("Choose a lab.", field="lab")
            lab_connection_set(
                actor=request.user,
                lab=lab,
                transport=post.get("transport", ""),
                drop_folder=post.get("drop_folder", ""),
                mllp_host=post.get("mllp_host", ""),
                mllp_port=post.get("mllp_port", ""),
                message_type=post.get("message_type", ""),
            )
        except ApplicationError as exc:
            error, failed_lab = exc, lab
            if lab is not None:
                lab.refresh_from_db()
        else:
            messages.success(request, f"{lab.name}: {describe(lab)}.")
            return redirect("orders:lab_connections")
    return render(
        request,
        "orders/lab_connections.html",
        {
            "rows": [{"lab": x, "how": describe(x)} for x in labs],
            "transports": Transport.choices,
            "message_types": list(STRUCTURES),
            "error": error,
            "failed_lab": failed_lab,
            "post": request.POST,
        },
        status=422 if error else 200,
    )
