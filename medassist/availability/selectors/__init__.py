"""Reads of availability: first-available search (`slots`, on the `engine`) and the set-up
screens' reads (`setup`).

How a search works (see docs/scheduling.md):

1. Load the small set-up tables once: the visit type's rule, the providers who may be
   booked, their weekly sessions, exceptions, the clinic's holidays and the resources the
   visit type needs (a fixed number of queries).
2. Walk the date range in chunks of working days (2, then double while nothing is found;
   once slots turn up, about as many days as the rate so far says the rest need). For each
   chunk fetch the providers' active appointments with ONE query on the (clinic, start) or
   (provider, start) index (with a time of day, only those touching that part of each day),
   and the needed resources' bookings with one more; then compute in Python: open intervals
   = sessions + extra sessions − time off − holidays − appointments; candidate starts on a
   15-minute grid from each session's start (plus the first free minute after a visit);
   keep those whose resources are free. Days are taken in order across providers; stop at
   the end of the first day that brings the total to `limit`: nothing later ranks before.

Everything is computed on epoch seconds; wall-clock session times become instants through
the clinic's time zone date by date, so sessions keep their local hours across DST changes.
"""

from medassist.availability.selectors.engine import Slot
from medassist.availability.selectors.setup import (
    ProviderAgeRow,
    VisitTypeRow,
    access_exception,
    access_holiday,
    access_resource,
    access_resource_kind,
    access_session,
    exception_list,
    holiday_list,
    kinds_required_by,
    provider_age_rows,
    resource_bookings_for,
    resource_kind_list,
    session_list,
    visit_type_rule_rows,
)
from medassist.availability.selectors.slots import (
    MAX_RANGE_DAYS,
    TIMES_OF_DAY,
    check_patient_rule,
    check_provider_age,
    check_range,
    check_visit_type_age,
    first_available,
    open_hours,
    patient_history,
    provider_open_slots,
    rule_for,
    time_window,
)

__all__ = [
    "open_hours",
    "Slot",
    "MAX_RANGE_DAYS",
    "TIMES_OF_DAY",
    "time_window",
    "check_range",
    "patient_history",
    "rule_for",
    "check_patient_rule",
    "check_visit_type_age",
    "check_provider_age",
    "first_available",
    "provider_open_slots",
    "access_session",
    "access_exception",
    "access_holiday",
    "session_list",
    "exception_list",
    "holiday_list",
    "resource_bookings_for",
    "access_resource_kind",
    "access_resource",
    "resource_kind_list",
    "kinds_required_by",
    "VisitTypeRow",
    "visit_type_rule_rows",
    "ProviderAgeRow",
    "provider_age_rows",
]
