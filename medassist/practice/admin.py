from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from medassist.practice.models import Clinic, Location, Payer, Provider, Room, User, VisitType


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "clinic", "role", "is_active")
    list_filter = ("clinic", "role", "is_active")
    fieldsets = (*BaseUserAdmin.fieldsets, ("Clinic", {"fields": ("clinic", "role")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, ("Clinic", {"fields": ("clinic", "role")}))


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ("name", "timezone", "state")


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("name", "clinic", "city", "active")
    list_filter = ("clinic", "active")


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ("name", "location", "kind", "active")
    list_filter = ("location", "kind", "active")


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ("last_name", "first_name", "credentials", "npi", "clinic", "active")
    list_filter = ("clinic", "active")
    search_fields = ("last_name", "first_name", "npi")


@admin.register(VisitType)
class VisitTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "duration_minutes", "clinic", "active")
    list_filter = ("clinic", "active")


@admin.register(Payer)
class PayerAdmin(admin.ModelAdmin):
    list_display = ("name", "payer_id", "clinic", "active")
    list_filter = ("clinic", "active")
