"""Everything a refused set-up request must leave as it was."""

from __future__ import annotations

from medassist.audit.models import AuditEvent
from medassist.practice.models import Clinic, Location, Payer, Provider, Room, User, VisitType


def setup_state() -> dict:
    return {
        "clinics": sorted(Clinic.objects.values_list("public_id", "updated_at", "mrn_prefix")),
        "locations": sorted(Location.objects.values_list("public_id", "updated_at", "active")),
        "rooms": sorted(Room.objects.values_list("public_id", "updated_at", "location_id")),
        "providers": sorted(Provider.objects.values_list("public_id", "updated_at", "user_id")),
        "provider_locations": sorted(
            Provider.locations.through.objects.values_list("provider_id", "location_id")
        ),
        "visit_types": sorted(VisitType.objects.values_list("public_id", "updated_at")),
        "payers": sorted(Payer.objects.values_list("public_id", "updated_at")),
        "users": sorted(
            User.objects.values_list(
                "public_id", "username", "role", "is_active", "is_staff", "password", "email"
            )
        ),
        "audit_events": AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count(),
    }
