"""The clinic admin's set-up of intake (scoped to their clinic): preparation instructions,
consent forms and rooming checklists. Questionnaires have their own editor
(/intake/questionnaires/)."""

from django.contrib import admin

from medassist.intake.models import ConsentForm, PrepInstruction, RoomingChecklist
from medassist.practice.admin import ClinicScopedAdmin


@admin.register(PrepInstruction)
class PrepInstructionAdmin(ClinicScopedAdmin):
    list_display = ("title", "visit_type", "test_code", "active")


@admin.register(ConsentForm)
class ConsentFormAdmin(ClinicScopedAdmin):
    list_display = ("title", "version", "active")

    def save_model(self, request, obj, form, change):
        if change and "body" in form.changed_data:
            obj.version += 1  # a changed text is signed again
        super().save_model(request, obj, form, change)


@admin.register(RoomingChecklist)
class RoomingChecklistAdmin(ClinicScopedAdmin):
    list_display = ("__str__", "visit_type")
