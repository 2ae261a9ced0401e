from django.contrib import admin

from medassist.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: audit events can be searched, never changed or removed."""

    list_display = (
        "at",
        "actor_username",
        "actor_role",
        "action",
        "object_type",
        "patient",
        "client_address",
    )
    list_filter = ("action", "actor_role", "object_type")
    search_fields = ("actor_username", "object_id")
    date_hierarchy = "at"

    def has_module_permission(self, request):
        user = request.user
        return user.is_superuser or (
            user.is_active and user.is_staff and user.role == "clinic_admin" and user.clinic_id
        )

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("patient")
        return qs if request.user.is_superuser else qs.filter(clinic_id=request.user.clinic_id)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
