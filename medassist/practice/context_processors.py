"""Navigation links shown to a user depend on what their role may do (`roles.py`)."""

from django.urls import NoReverseMatch, reverse

from medassist.practice.roles import can

NAV = [
    ("Today", "scheduling:day", "schedule.view"),
    ("Find a slot", "booking:find", "schedule.view"),
    ("Calendar", "scheduling:calendar", "schedule.view"),
    ("Patients", "patients:search", "patient.view"),
    ("Flow board", "frontdesk:board", "board.view"),
    ("Worklist", "intake:worklist", "worklist.view"),
    ("Orders", "orders:worklist", "order.view"),
    ("Draws", "orders:phlebotomy", "specimen.collect"),
    ("Results queue", "orders:queue", "result.receive"),
    ("Point of care", "orders:poc", "poc.run"),
    ("ECGs to review", "ecg:to_review", "ecg.review"),
    ("Waitlist", "waitlist:home", "waitlist.manage"),
    ("Recalls", "waitlist:recalls", "recall.manage"),
    ("Reminders", "reminders:home", "reminder.view"),
    ("Online", "portal:desk", "appointment.book"),
    ("Inbox", "assistant:inbox", "assistant.inbox"),
    ("Hours", "availability:setup", "schedule.manage"),
    ("Set-up", "practice:setup", "practice.manage"),
    ("Refills", "pharmacy:refills", "refill.view"),
    ("Stock", "pharmacy:stock", "stock.view"),
    ("Med orders", "pharmacy:orders", "medication.give"),
    ("Billing", "billing:worklist", "billing.claims"),
    ("Emergency access", "patients:emergency_access_review", "emergency_access.review"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    links = []
    for label, url_name, permission in NAV:
        if not can(user, permission):
            continue
        try:
            links.append({"label": label, "url_name": url_name, "href": reverse(url_name)})
        except NoReverseMatch:
            continue
    return {"nav_links": links}
