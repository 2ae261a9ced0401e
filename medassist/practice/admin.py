"""Django admin for practice set-up data, scoped to the clinic admin's own clinic.

A superuser (an operator) sees every clinic; a clinic admin (role clinic_admin, is_staff) sees
and edits only the set-up data of their own clinic, and new rows are created in that clinic.

Every save goes through the practice services, validated and audited like the API's: when
Django's own field checks pass, the form's validation calls the service inside the admin's
transaction, and a refusal (a duplicate name, the last clinic admin, a bad phone number) shows
on the form like any other error. New rows start in use; the `active` box is for changes."""

from __future__ import annotations

import copy
from functools import partial

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm, UserChangeForm
from django.db import transaction

from medassist.core.errors import ApplicationError, ValidationFailed
from medassist.core.web import form_errors
from medassist.practice import services
from medassist.practice.models import Clinic, Location, Payer, Provider, Room, User, VisitType
from medassist.practice.roles import Role


def _is_clinic_admin(request) -> bool:
    user = request.user
    return (
        user.is_active
        and user.is_staff
        and user.role == Role.CLINIC_ADMIN
        and user.clinic_id is not None
    )


class SavedByService:
    """Form mixin: once the form's own checks pass, `write(original, values)` saves through
    the service. `original` is the row as stored (None when adding); `values` are every
    cleaned value when adding, the changed ones when changing."""

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        adding = self.instance._state.adding
        if adding:
            original, values = None, dict(self.cleaned_data)
        else:
            original = type(self.instance)._default_manager.get(pk=self.instance.pk)
            values = {n: self.cleaned_data[n] for n in self.changed_data if n in self.cleaned_data}
        try:
            with transaction.atomic():
                self.instance = self.write(original, values)
        except ApplicationError as exc:
            form_errors(self, exc)


class ServiceForm(SavedByService, forms.ModelForm):
    pass


class SavedByServiceAdmin:
    """ModelAdmin mixin: each admin's `write(actor, original, values)` calls its services, and
    `get_form` binds it to this request's user. The row is saved by the time `save_model`
    runs, so it and `save_related` (a provider's locations) have nothing left to do."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"write": partial(self.write, request.user)})

    def save_model(self, request, obj, form, change):
        """Saved already, by the service, when the form was validated."""

    def save_related(self, request, form, formsets, change):
        """Saved already, by the service, when the form was validated."""


class ClinicScopedAdmin(admin.ModelAdmin):
    """Rows reach their clinic through `clinic_path` (e.g. "clinic" or "location__clinic").
    Other apps' set-up admins use it too; their rows are saved as the form made them."""

    clinic_path = "clinic_id"

    def has_module_permission(self, request):
        return request.user.is_superuser or _is_clinic_admin(request)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    has_add_permission = has_view_permission
    has_change_permission = has_view_permission

    def has_delete_permission(self, request, obj=None):
        # Set-up rows are deactivated (active = False), never deleted: history points at them.
        return request.user.is_superuser

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{self.clinic_path: request.user.clinic_id})

    def get_exclude(self, request, obj=None):
        excluded = list(super().get_exclude(request, obj) or [])
        if not request.user.is_superuser and self.clinic_path == "clinic_id":
            excluded.append("clinic")
        return excluded

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser and self.clinic_path == "clinic_id":
            obj.clinic_id = request.user.clinic_id
        obj.stamp(request.user)
        super().save_model(request, obj, form, change)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            model = db_field.related_model
            if model is Location:
                kwargs["queryset"] = Location.objects.filter(clinic_id=request.user.clinic_id)
            elif model is Clinic:
                kwargs["queryset"] = Clinic.objects.filter(pk=request.user.clinic_id)
            elif model is User:
                kwargs["queryset"] = User.objects.filter(clinic_id=request.user.clinic_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not request.user.is_superuser and db_field.related_model is Location:
            kwargs["queryset"] = Location.objects.filter(clinic_id=request.user.clinic_id)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class PracticeAdmin(SavedByServiceAdmin, ClinicScopedAdmin):
    """Practice set-up, saved by the practice services. New rows start in use (the `active`
    box is for changes), and a row stays in the clinic it was made in."""

    form = ServiceForm

    def get_exclude(self, request, obj=None):
        excluded = super().get_exclude(request, obj)
        if obj is None and any(f.name == "active" for f in self.model._meta.fields):
            excluded.append("active")
        return excluded

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and request.user.is_superuser and self.clinic_path == "clinic_id":
            readonly.append("clinic")
        return readonly


def _clinic(actor: User, values: dict) -> Clinic:
    """The clinic a new row goes in: the one chosen (operators), else the admin's own."""
    clinic = values.pop("clinic", None) or actor.clinic
    if clinic is None:
        raise ValidationFailed("Choose the clinic.", field="clinic")
    return clinic


class StaffCreationForm(SavedByService, AdminUserCreationForm):
    pass


class StaffChangeForm(SavedByService, UserChangeForm):
    pass


class StaffPasswordForm(AdminPasswordChangeForm):
    """Django's set-password form, saved by `staff_user_set_password` (its rules, its audit
    event) when the form is validated."""

    def __init__(self, user, *args, actor: User, **kwargs):
        self.actor = actor
        super().__init__(user, *args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        usable = cleaned.get("set_usable_password")
        if self.errors or not (usable or "unset-password" in self.data):
            return cleaned
        try:
            with transaction.atomic():
                services.staff_user_set_password(
                    actor=self.actor,
                    user=self.user,
                    password=cleaned["password1"] if usable else None,
                )
        except ApplicationError as exc:
            form_errors(self, exc)
        return cleaned

    def save(self, commit=True):
        """Saved already, by the service, when the form was validated."""
        return self.user


PERSON_FIELDS = ("username", "first_name", "last_name", "email")


@admin.register(User)
class UserAdmin(SavedByServiceAdmin, BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "clinic", "role", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email")}),
        ("Clinic", {"fields": ("clinic", "role", "is_active", "is_staff")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, ("Clinic", {"fields": ("clinic", "role")}))
    form = StaffChangeForm
    add_form = StaffCreationForm
    actions = ["issue_reset_link", "reset_two_step"]

    @admin.action(description="Issue a one-time password reset link")
    def issue_reset_link(self, request, queryset):
        for user in queryset:
            self._act(request, user, services.password_reset_link_issue, "Reset link for {}: {}")

    @admin.action(description="Reset two-step sign-in (a lost phone)")
    def reset_two_step(self, request, queryset):
        for user in queryset:
            self._act(
                request, user, services.staff_user_reset_two_step, "Two-step sign-in reset for {}."
            )

    def _act(self, request, user, service, done: str) -> None:
        """One audited service per selected account; a refusal is shown, not raised."""
        try:
            with transaction.atomic():
                result = service(actor=request.user, user=user)
        except ApplicationError as exc:
            self.message_user(request, f"{user.username}: {exc.message}", level="error")
            return
        link = request.build_absolute_uri(result) if isinstance(result, str) else ""
        self.message_user(request, done.format(user.username, link), level="success")

    def get_readonly_fields(self, request, obj=None):
        # A staff member stays in the clinic their account was made in.
        return ("last_login", "date_joined", "clinic") if obj else ()

    def has_module_permission(self, request):
        return request.user.is_superuser or _is_clinic_admin(request)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    has_add_permission = has_view_permission
    has_change_permission = has_view_permission

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(clinic_id=request.user.clinic_id)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "clinic" and not request.user.is_superuser:
            kwargs["queryset"] = Clinic.objects.filter(pk=request.user.clinic_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def user_change_password(self, request, id, form_url=""):
        """Django's set-password page, with the form bound to this request's user."""
        for_request = copy.copy(self)
        for_request.change_password_form = partial(StaffPasswordForm, actor=request.user)
        return super(UserAdmin, for_request).user_change_password(request, id, form_url)

    # Django checks it (has_change_permission: clinic admins, operators); declared for the
    # view audit in tests/core/test_url_protection.py.
    user_change_password.permission = "practice.manage (or an operator)"  # type: ignore[attr-defined]

    def write(self, actor, user, values):
        if user is None:
            return services.staff_user_create(
                actor=actor,
                clinic=_clinic(actor, values),
                username=values["username"],
                role=values.get("role", ""),
                password=values["password1"] if values["set_usable_password"] else None,
            )
        person = {k: v for k, v in values.items() if k in PERSON_FIELDS}
        if person:
            user = services.staff_user_update(actor=actor, user=user, **person)
        if "role" in values:
            user = services.staff_user_change_role(actor=actor, user=user, role=values["role"])
        if "is_active" in values:
            user = services.staff_user_set_active(
                actor=actor, user=user, active=values["is_active"]
            )
        if "is_staff" in values:
            user = services.staff_user_set_admin_access(
                actor=actor, user=user, allowed=values["is_staff"]
            )
        return user


@admin.register(Clinic)
class ClinicAdmin(PracticeAdmin):
    list_display = ("name", "timezone", "state")
    clinic_path = "pk"

    def has_add_permission(self, request):
        return request.user.is_superuser

    def write(self, actor, clinic, values):
        if clinic is None:
            return services.clinic_create(actor=actor, **values)
        return services.clinic_update(actor=actor, clinic=clinic, **values)


@admin.register(Location)
class LocationAdmin(PracticeAdmin):
    list_display = ("name", "city", "active")
    list_filter = ("active",)

    def write(self, actor, location, values):
        if location is None:
            return services.location_create(actor=actor, clinic=_clinic(actor, values), **values)
        return services.location_update(actor=actor, location=location, **values)


@admin.register(Room)
class RoomAdmin(PracticeAdmin):
    list_display = ("name", "location", "kind", "active")
    list_filter = ("kind", "active")
    clinic_path = "location__clinic_id"

    def write(self, actor, room, values):
        if room is None:
            return services.room_create(actor=actor, **values)
        return services.room_update(actor=actor, room=room, **values)


@admin.register(Provider)
class ProviderAdmin(PracticeAdmin):
    list_display = ("last_name", "first_name", "credentials", "npi", "active")
    list_filter = ("active",)
    search_fields = ("last_name", "first_name", "npi")

    def write(self, actor, provider, values):
        if "locations" in values:
            values["locations"] = list(values["locations"])
        if provider is None:
            return services.provider_create(actor=actor, clinic=_clinic(actor, values), **values)
        if "user" in values:
            provider = services.provider_link_user(
                actor=actor, provider=provider, user=values.pop("user")
            )
        return services.provider_update(actor=actor, provider=provider, **values)


@admin.register(VisitType)
class VisitTypeAdmin(PracticeAdmin):
    list_display = ("name", "code", "duration_minutes", "active")
    list_filter = ("active",)

    def write(self, actor, visit_type, values):
        if visit_type is None:
            return services.visit_type_create(actor=actor, clinic=_clinic(actor, values), **values)
        return services.visit_type_update(actor=actor, visit_type=visit_type, **values)


@admin.register(Payer)
class PayerAdmin(PracticeAdmin):
    list_display = ("name", "payer_id", "active")
    list_filter = ("active",)

    def write(self, actor, payer, values):
        if payer is None:
            return services.payer_create(actor=actor, clinic=_clinic(actor, values), **values)
        return services.payer_update(actor=actor, payer=payer, **values)
