"""Reminder rules are clinic set-up: the clinic admin edits them in the admin."""

from django.contrib import admin

from medassist.practice.admin import ClinicScopedAdmin
from medassist.practice.models import VisitType
from medassist.reminders.models import ReminderRule


@admin.register(ReminderRule)
class ReminderRuleAdmin(ClinicScopedAdmin):
    list_display = ("name", "offset_hours", "channel", "active")
    list_filter = ("channel", "active")
    filter_horizontal = ("visit_types",)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not request.user.is_superuser and db_field.related_model is VisitType:
            kwargs["queryset"] = VisitType.objects.filter(clinic_id=request.user.clinic_id)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
