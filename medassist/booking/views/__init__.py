"""Schedule screens: the front desk's day, booking, and one appointment with its actions."""

from medassist.booking.views.day import (  # noqa: F401 - the views urls.py names
    calendar,
    day,
)
from medassist.booking.views.visits import (  # noqa: F401 - the views urls.py names
    appointment,
    book,
    book_patients,
    cancel,
    move,
    no_show,
)
