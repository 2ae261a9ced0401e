"""The rows of a visit and its lifecycle. Every change is time-stamped, attributed and audited.

Booking, moving, cancelling and marking a no-show are `medassist.booking`'s: it checks hours,
visit-type rules and resources, then writes through `appointment_insert` / `appointment_move`."""

from medassist.scheduling.errors import IllegalTransition, SlotTaken  # noqa: F401
from medassist.scheduling.services.appointments import (  # noqa: F401 - the package's names
    TRANSITION_PERMISSION,
    appointment_insert,
    appointment_move,
    appointment_start_visit,
    appointment_transition,
    check_same_clinic,
    check_start,
    clash_message,
    local_time_exists,
    lock_providers,
    locked_booked,
    overlapping,
    visit_day_has_come,
)
