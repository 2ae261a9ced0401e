"""The one way to book: every path that books or moves a visit (the Book form, Find a slot, the
calendar, the API, series, waitlist offers, the portal, FHIR, the assistant) calls
`booking.services`, which checks hours, visit-type rules, resources and overlap in one place.
The schedule screens and the appointments API live here too, on top of scheduling and
availability."""
