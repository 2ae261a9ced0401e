"""Clinic admins' set-up of resources and visit-type rules."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_POST

from medassist.availability.forms import (
    ProviderAgeForm,
    ResourceEditForm,
    ResourceForm,
    ResourceKindForm,
    VisitTypeRuleForm,
)
from medassist.availability.selectors import (
    access_resource,
    access_resource_kind,
    kinds_required_by,
    provider_age_rows,
    resource_kind_list,
    visit_type_rule_rows,
)
from medassist.availability.services import (
    provider_age_rule_save,
    resource_create,
    resource_kind_create,
    resource_kind_remove,
    resource_kind_rename,
    resource_set_active,
    resource_take_out_of_service,
    resource_update,
    visit_type_rule_save,
)
from medassist.core.errors import ApplicationError, NotFound
from medassist.core.web import StaffRequest, first_error, form_errors, staff_view
from medassist.practice.selectors import (
    access_provider,
    access_visit_type,
    room_list,
)

# ---------------------------------------------------------------------------- resources


def _resources_page(
    request, *, kind_form=None, resource_form=None, error: str = "", status: int = 200
):
    user = request.user
    kinds = list(resource_kind_list(user=user))
    required = kinds_required_by(user=user)
    rooms: dict[int, list] = {}
    for room in room_list(user=user).order_by("name"):
        rooms.setdefault(room.location_id, []).append(room)
    rows = []
    for kind in kinds:
        resources = list(kind.resources.all())
        blockers = []
        if required.get(kind.pk):
            blockers.append(f"required by {', '.join(required[kind.pk])}")
        if any(r.active for r in resources):
            blockers.append("has resources in service")
        elif resources:
            blockers.append("its out-of-service resources keep their history")
        rows.append(
            {
                "kind": kind,
                "resources": [(r, rooms.get(r.location_id, [])) for r in resources],
                "required_by": required.get(kind.pk, []),
                "blockers": blockers,
            }
        )
    return render(
        request,
        "availability/resources.html",
        {
            "rows": rows,
            "kind_form": kind_form or ResourceKindForm(),
            "resource_form": resource_form or ResourceForm(user=user),
            "error": error,
        },
        status=status,
    )


@staff_view("schedule.manage")
def resources(request: StaffRequest) -> HttpResponse:
    """Kinds of rooms and equipment, and the resources of each kind at each location."""
    return _resources_page(request)


@staff_view("schedule.manage")
@require_POST
def kind_add(request: StaffRequest) -> HttpResponse:
    user = request.user
    form = ResourceKindForm(request.POST)
    if form.is_valid():
        try:
            kind = resource_kind_create(actor=user, name=form.cleaned_data["name"])
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"Added the kind “{kind.name}”.")
            return redirect("availability:resources")
    return _resources_page(request, kind_form=form, status=422)


@staff_view("schedule.manage")
@require_POST
def kind_rename(request: StaffRequest, id) -> HttpResponse:
    user = request.user
    kind = access_resource_kind(user=user, id=id)
    old = kind.name
    form = ResourceKindForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            resource_kind_rename(actor=user, kind=kind, name=form.cleaned_data["name"])
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, f"Renamed “{old}” to “{kind.name}”.")
            return redirect("availability:resources")
    else:
        error = first_error(form)
    return _resources_page(request, error=f"Could not rename “{old}”: {error}", status=422)


@staff_view("schedule.manage")
@require_POST
def kind_remove(request: StaffRequest, id) -> HttpResponse:
    user = request.user
    kind = access_resource_kind(user=user, id=id)
    try:
        resource_kind_remove(actor=user, kind=kind)
    except ApplicationError as exc:
        return _resources_page(request, error=exc.message, status=exc.status)
    messages.success(request, f"Removed the kind “{kind.name}”.")
    return redirect("availability:resources")


@staff_view("schedule.manage")
@require_POST
def resource_add(request: StaffRequest) -> HttpResponse:
    user = request.user
    form = ResourceForm(request.POST, user=user)
    if form.is_valid():
        try:
            r = resource_create(actor=user, **form.cleaned_data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"Added {r.name} ({r.kind.name}) at {r.location.name}.")
            return redirect("availability:resources")
    return _resources_page(request, resource_form=form, status=422)


@staff_view("schedule.manage")
@require_POST
def resource_edit(request: StaffRequest, id) -> HttpResponse:
    user = request.user
    resource = access_resource(user=user, id=id)
    old = resource.name
    form = ResourceEditForm(request.POST, user=user)
    if form.is_valid():
        try:
            resource_update(actor=user, resource=resource, **form.cleaned_data)
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, f"Saved {resource.name}.")
            return redirect("availability:resources")
    else:
        error = first_error(form)
    return _resources_page(request, error=f"Could not save {old}: {error}", status=422)


@staff_view("schedule.manage")
@require_POST
def resource_out_of_service(request: StaffRequest, id) -> HttpResponse:
    user = request.user
    resource = access_resource(user=user, id=id)
    done = resource_take_out_of_service(actor=user, resource=resource)
    moved, stuck = done.moved, done.stuck
    text = f"{resource.name} is out of service."
    if moved:
        text += f" {moved} upcoming visit{pluralize(moved)} now use another {resource.kind.name}."
    messages.success(request, text)
    if stuck:
        tz = user.clinic.tz
        listed = "; ".join(
            f"{a.start.astimezone(tz):%a %b %d %H:%M} {a.patient.display_name}" for a in stuck[:10]
        )
        more = f" and {len(stuck) - 10} more" if len(stuck) > 10 else ""
        messages.warning(
            request,
            f"No other {resource.kind.name} is free for {len(stuck)} upcoming "
            f"visit{pluralize(len(stuck))}, which still hold{pluralize(len(stuck), 's,')} "
            f"{resource.name}: {listed}{more}. "
            "Move those visits, or put it back in service.",
        )
    return redirect("availability:resources")


@staff_view("schedule.manage")
@require_POST
def resource_back_in_service(request: StaffRequest, id) -> HttpResponse:
    user = request.user
    resource = resource_set_active(
        actor=user, resource=access_resource(user=user, id=id), active=True
    )
    messages.success(request, f"{resource.name} is back in service.")
    return redirect("availability:resources")


# ---------------------------------------------------------------------------- visit-type rules


def _visit_types_page(request, *, bound=None, bound_ages=None, status: int = 200) -> HttpResponse:
    """`bound`: (visit type id, the posted form with its errors) to show in place;
    `bound_ages`: (provider id, the posted ages form) likewise."""
    user = request.user
    choices = VisitTypeRuleForm.choices(user)
    rows = []
    for row in visit_type_rule_rows(user=user):
        if bound and bound[0] == row.visit_type.pk:
            form = bound[1]  # its providers keep their own choices (with any inactive ones)
            form.fields["required_kinds"].choices = choices["required_kinds"]
        else:
            form = VisitTypeRuleForm.for_row(row, user=user, choices=choices)
        rows.append((row, form))
    ages = []
    for age_row in provider_age_rows(user=user):
        p = age_row.provider
        if bound_ages and bound_ages[0] == p.pk:
            ages.append((age_row, bound_ages[1]))
            continue
        rule = age_row.rule
        initial: dict[str, int | None] = {
            "min_age": rule.min_age if rule else None,
            "max_age": rule.max_age if rule else None,
        }
        ages.append((age_row, ProviderAgeForm(prefix=p.public_id.hex, initial=initial)))
    return render(
        request,
        "availability/visit_types.html",
        {"rows": rows, "ages": ages, "has_kinds": bool(choices["required_kinds"])},
        status=status,
    )


@staff_view("schedule.manage")
def visit_types(request: StaffRequest) -> HttpResponse:
    """Every active visit type with who offers it, for whom, and what it needs."""
    return _visit_types_page(request)


@staff_view("schedule.manage")
@require_POST
def visit_type_rule_edit(request: StaffRequest, id) -> HttpResponse:
    user = request.user
    vt = access_visit_type(user=user, id=id)
    if not vt.active:
        raise NotFound("No such visit type.")
    rule = getattr(vt, "availability_rule", None)
    keep = list(rule.providers.values_list("pk", flat=True)) if rule else []
    form = VisitTypeRuleForm(request.POST, user=user, prefix=vt.code, keep_providers=keep)
    if form.is_valid():
        try:
            visit_type_rule_save(actor=user, visit_type=vt, **form.cleaned_data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"Saved the rule for {vt.name} visits.")
            return redirect(f"{reverse('availability:visit_types')}#vt-{vt.code}")
    return _visit_types_page(request, bound=(vt.pk, form), status=422)


@staff_view("schedule.manage")
@require_POST
def provider_ages_edit(request: StaffRequest, id) -> HttpResponse:
    """The ages one provider sees (e.g. a pediatrician: under 18)."""
    user = request.user
    provider = access_provider(user=user, id=id)
    if not provider.active:
        raise NotFound("No such provider.")
    form = ProviderAgeForm(request.POST, prefix=provider.public_id.hex)
    if form.is_valid():
        try:
            provider_age_rule_save(actor=user, provider=provider, **form.cleaned_data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"Saved the ages {provider.display_name} sees.")
            return redirect(f"{reverse('availability:visit_types')}#ages-{provider.public_id}")
    return _visit_types_page(request, bound_ages=(provider.pk, form), status=422)
