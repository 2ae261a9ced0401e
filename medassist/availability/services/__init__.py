"""Writes of availability: booking an open slot with its resources, releasing resources, and the
set-up of weekly sessions, exceptions, holidays, resources and visit-type rules."""

from medassist.availability.errors import NotOffered, NotOpen, OutsideAge, ResourceTaken
from medassist.availability.services.booking import (
    Placement,
    Reassigned,
    resource_booking_add,
    resource_visits_reassign,
    resources_complete,
    resources_follow_move,
    resources_hold,
    resources_release,
    visit_placement,
)
from medassist.availability.services.resources import (
    provider_age_rule_save,
    resource_create,
    resource_kind_create,
    resource_kind_remove,
    resource_kind_rename,
    resource_set_active,
    resource_take_out_of_service,
    resource_update,
    visit_type_rule_save,
)
from medassist.availability.services.setup import (
    exception_add,
    exception_remove,
    holiday_add,
    holiday_remove,
    holidays_load,
    session_add,
    session_change,
    session_remove,
)

__all__ = [
    "Reassigned",
    "resource_take_out_of_service",
    "ResourceTaken",
    "NotOpen",
    "NotOffered",
    "OutsideAge",
    "Placement",
    "visit_placement",
    "resources_hold",
    "resources_complete",
    "resources_release",
    "resources_follow_move",
    "resource_booking_add",
    "resource_visits_reassign",
    "session_add",
    "session_change",
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
    "provider_age_rule_save",
]
