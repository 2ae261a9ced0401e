"""The one way to book, move, cancel and mark a no-show; recurring series on top of it."""

from medassist.booking.errors import ReasonRequired, SeriesConflict  # noqa: F401
from medassist.booking.services.series import (  # noqa: F401 - the package's names
    MAX_SERIES_VISITS,
    SERIES_SCOPES,
    series_book,
    series_cancel,
    series_dates,
    series_reschedule,
)
from medassist.booking.services.visits import (  # noqa: F401 - the package's names
    Overrides,
    appointment_book,
    appointment_cancel,
    appointment_no_show,
    appointment_reschedule,
    overrides,
    visit_move,
)
