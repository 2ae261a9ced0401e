"""Django admin for practice set-up data, scoped to the clinic admin's own clinic.

A superuser sees every clinic; a clinic admin (role clinic_admin, is_staff) sees and edits only
the set-up data of their own clinic, and new rows are created in that clinic."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

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


class ClinicScopedAdmin(admin.ModelAdmin):
    """Rows reach their clinic through `clinic_path` (e.g. "clinic" or "location__clinic")."""

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


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "clinic", "role", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email")}),
        ("Clinic", {"fields": ("clinic", "role", "is_active", "is_staff")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, ("Clinic", {"fields": ("clinic", "role")}))
    readonly_fields = ("last_login", "date_joined")

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


@admin.register(Clinic)
class ClinicAdmin(ClinicScopedAdmin):
    list_display = ("name", "timezone", "state")
    clinic_path = "pk"

    def has_add_permission(self, request):
        return request.user.is_superuser


@admin.register(Location)
class LocationAdmin(ClinicScopedAdmin):
    list_display = ("name", "city", "active")
    list_filter = ("active",)


@admin.register(Room)
class RoomAdmin(ClinicScopedAdmin):
    list_display = ("name", "location", "kind", "active")
    list_filter = ("kind", "active")
    clinic_path = "location__clinic_id"


@admin.register(Provider)
class ProviderAdmin(ClinicScopedAdmin):
    list_display = ("last_name", "first_name", "credentials", "npi", "active")
    list_filter = ("active",)
    search_fields = ("last_name", "first_name", "npi")


@admin.register(VisitType)
class VisitTypeAdmin(ClinicScopedAdmin):
    list_display = ("name", "code", "duration_minutes", "active")
    list_filter = ("active",)


@admin.register(Payer)
class PayerAdmin(ClinicScopedAdmin):
    list_display = ("name", "payer_id", "active")
    list_filter = ("active",)
