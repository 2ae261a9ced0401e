"""Waitlist and recall writes. When a future slot frees up, matching waitlist entries are
offered it with a signed link; the first to accept is booked through the scheduling service.

`slot_freed(appointment=...)` is the entry point for "this visit's time is free again". The
worker calls it for every cancellation (scanning scheduling.StatusChange) and reschedule
(scanning AppointmentMove); scheduling may also call it directly. Calling it twice for the
same freed time is harmless."""

from medassist.waitlist.services.entries import (  # noqa: F401 - the package's names
    waitlist_entry_add,
    waitlist_entry_remove,
)
from medassist.waitlist.services.offers import (  # noqa: F401 - the package's names
    AcceptResult,
    OfferGone,
    freed_slots_scan,
    offer_accept,
    offer_for_token,
    offers_expire,
    slot_freed,
)
from medassist.waitlist.services.recalls import (  # noqa: F401 - the package's names
    recall_add,
    recall_close,
    recall_contact_record,
    recall_mark_scheduled,
)
