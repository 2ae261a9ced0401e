"""Writes of availability: booking an open slot with its resources, releasing resources, and the
set-up of weekly sessions, exceptions, holidays, resources and visit-type rules."""

from medassist.availability.services.booking import (
    NotOpen,
    ResourceTaken,
    resource_booking_add,
    resource_visits_reassign,
    resources_follow_move,
    resources_release,
    slot_book,
)
from medassist.availability.services.setup import (
    exception_add,
    exception_remove,
    holiday_add,
    holiday_remove,
    holidays_load,
    resource_create,
    resource_kind_create,
    resource_kind_remove,
    resource_kind_rename,
    resource_set_active,
    resource_update,
    session_add,
    session_remove,
    visit_type_rule_save,
)

__all__ = [
    "ResourceTaken",
    "NotOpen",
    "slot_book",
    "resources_release",
    "resources_follow_move",
    "resource_booking_add",
    "resource_visits_reassign",
    "session_add",
    "session_remove",
    "exception_add",
    "exception_remove",
    "holidays_load",
    "holiday_add",
    "holiday_remove",
    "resource_kind_create",
    "resource_kind_rename",
    "resource_kind_remove",
    "resource_create",
    "resource_update",
    "resource_set_active",
    "visit_type_rule_save",
]
