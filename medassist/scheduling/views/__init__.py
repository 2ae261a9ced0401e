"""Schedule screens: the front desk's day, booking, and one appointment with its actions."""

from medassist.scheduling.views.day import (  # noqa: F401 - the views urls.py names
    calendar,
    day,
)
from medassist.scheduling.views.visits import (  # noqa: F401 - the views urls.py names
    appointment,
    book,
    cancel,
    move,
    no_show,
)
