"""The clinic admin sets the online-booking rules under Set-up (scoped to their clinic)."""

from django.contrib import admin

from medassist.portal.models import PortalSettings
from medassist.practice.admin import ClinicScopedAdmin
from medassist.practice.models import VisitType


@admin.register(PortalSettings)
class PortalSettingsAdmin(ClinicScopedAdmin):
    list_display = ("clinic", "enabled", "min_days_ahead", "max_days_ahead", "link_valid_days")
    filter_horizontal = ("visit_types",)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not request.user.is_superuser and db_field.related_model is VisitType:
            kwargs["queryset"] = VisitType.objects.filter(clinic_id=request.user.clinic_id)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
