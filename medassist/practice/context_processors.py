"""Navigation links shown to a user depend on what their role may do (`roles.py`)."""

from django.urls import NoReverseMatch, reverse

from medassist.practice.roles import can

# (group, label, url name, permission). Links of a group fold under its name (a <details>
# menu); a group the user has one link of shows that link alone; None: a link of its own.
NAV = [
    (None, "Today", "scheduling:day", "schedule.view"),
    (None, "Find a slot", "booking:find", "schedule.view"),
    (None, "Calendar", "scheduling:calendar", "schedule.view"),
    (None, "Patients", "patients:search", "patient.view"),
    (None, "Flow board", "frontdesk:board", "board.view"),
    (None, "Worklist", "intake:worklist", "worklist.view"),
    (None, "Inbox", "assistant:inbox", "assistant.inbox"),
    ("Rooming", "Rooms", "intake:rooms", "board.view"),
    ("Rooming", "Tablet check-in", "intake:kiosk_unlock", "kiosk.unlock"),
    ("Labs & tests", "Orders", "orders:worklist", "order.view"),
    ("Labs & tests", "Draws", "orders:phlebotomy", "specimen.collect"),
    ("Labs & tests", "Results queue", "orders:queue", "result.receive"),
    ("Labs & tests", "Point of care", "orders:poc", "poc.run"),
    ("Labs & tests", "ECGs to review", "ecg:to_review", "ecg.review"),
    ("Medications", "Refills", "pharmacy:refills", "refill.view"),
    ("Medications", "Med orders", "pharmacy:orders", "medication.give"),
    ("Medications", "Stock", "pharmacy:stock", "stock.view"),
    ("Follow-up", "Waitlist", "waitlist:home", "waitlist.manage"),
    ("Follow-up", "Recalls", "waitlist:recalls", "recall.manage"),
    ("Follow-up", "Reminders", "reminders:home", "reminder.view"),
    ("Follow-up", "Online", "portal:desk", "appointment.book"),
    (None, "Billing", "billing:worklist", "billing.claims"),
    ("Admin", "Hours", "availability:setup", "schedule.manage"),
    ("Admin", "Questionnaires", "intake:questionnaires", "questionnaire.manage"),
    ("Admin", "Procedure checklists", "ecg:checklists", "practice.manage"),
    ("Admin", "Lab connections", "orders:lab_connections", "compendium.manage"),
    ("Admin", "Set-up", "practice:setup", "practice.manage"),
    ("Admin", "Billing set-up", "billing:setup", "billing.setup"),
    ("Admin", "Clinic information", "assistant:clinic_info", "assistant.manage"),
    ("Admin", "Letters", "assistant:letter_templates", "assistant.manage"),
    ("Admin", "Emergency access", "patients:emergency_access_review", "emergency_access.review"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    links = []
    entries: list[dict] = []  # links and groups, in NAV order
    groups: dict[str, dict] = {}
    for group, label, url_name, permission in NAV:
        if not can(user, permission):
            continue
        try:
            link = {"label": label, "url_name": url_name, "href": reverse(url_name)}
        except NoReverseMatch:
            continue
        links.append(link)
        if group is None:
            entries.append(link)
        elif group in groups:
            groups[group]["links"].append(link)
        else:
            groups[group] = {"label": group, "links": [link]}
            entries.append(groups[group])
    nav = [e["links"][0] if "links" in e and len(e["links"]) == 1 else e for e in entries]
    return {"nav_links": links, "nav": nav}
