"""Django admin for availability set-up, scoped to the clinic admin's own clinic (the weekly
template, exceptions and holidays also have their own screens under /availability/)."""

from django.contrib import admin

from medassist.availability.models import (
    AvailabilityException,
    ClinicHoliday,
    Resource,
    ResourceBooking,
    ResourceKind,
    VisitTypeRule,
    WeeklySession,
)
from medassist.practice.admin import ClinicScopedAdmin
from medassist.practice.models import Provider, Room, VisitType


class AvailabilityAdmin(ClinicScopedAdmin):
    """Choices of providers, visit types, kinds and rooms come from the admin's clinic."""

    def _scoped(self, request, model, queryset):
        if request.user.is_superuser:
            return queryset
        clinic_id = request.user.clinic_id
        if model in (Provider, VisitType, ResourceKind):
            return queryset.filter(clinic_id=clinic_id)
        if model is Room:
            return queryset.filter(location__clinic_id=clinic_id)
        return queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        model = db_field.related_model
        if model in (Provider, VisitType, ResourceKind, Room):
            kwargs["queryset"] = self._scoped(request, model, model.objects.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        model = db_field.related_model
        if model in (Provider, ResourceKind):
            kwargs["queryset"] = self._scoped(request, model, model.objects.all())
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(WeeklySession)
class WeeklySessionAdmin(AvailabilityAdmin):
    list_display = ("provider", "weekday", "start_time", "end_time", "location", "active")
    list_filter = ("weekday", "active")


@admin.register(AvailabilityException)
class AvailabilityExceptionAdmin(AvailabilityAdmin):
    list_display = ("provider", "kind", "start_date", "end_date", "start_time", "end_time")
    list_filter = ("kind", "active")


@admin.register(ClinicHoliday)
class ClinicHolidayAdmin(AvailabilityAdmin):
    list_display = ("date", "name", "location", "source", "active")
    list_filter = ("source", "active")
    date_hierarchy = "date"


@admin.register(ResourceKind)
class ResourceKindAdmin(AvailabilityAdmin):
    list_display = ("name",)


@admin.register(Resource)
class ResourceAdmin(AvailabilityAdmin):
    list_display = ("name", "kind", "location", "room", "active")
    list_filter = ("kind", "active")


@admin.register(VisitTypeRule)
class VisitTypeRuleAdmin(AvailabilityAdmin):
    list_display = ("visit_type", "patients")
    filter_horizontal = ("providers", "required_kinds")


@admin.register(ResourceBooking)
class ResourceBookingAdmin(AvailabilityAdmin):
    """Read-only: bookings are made and released by the booking services."""

    list_display = ("resource", "start", "end", "active")
    list_filter = ("active",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
