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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
