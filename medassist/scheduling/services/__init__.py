"""Booking and the visit lifecycle. Every change is time-stamped, attributed and audited."""

from medassist.scheduling.services.appointments import (  # noqa: F401 - the package's names
    TRANSITION_PERMISSION,
    IllegalTransition,
    SeriesConflict,
    SlotTaken,
    appointment_book,
    appointment_cancel,
    appointment_no_show,
    appointment_reschedule,
    appointment_start_visit,
    appointment_transition,
    local_time_exists,
    overlapping,
)
from medassist.scheduling.services.series import (  # noqa: F401 - the package's names
    MAX_SERIES_VISITS,
    SERIES_SCOPES,
    series_book,
    series_cancel,
    series_dates,
    series_reschedule,
)
