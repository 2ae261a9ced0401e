"""Demo waitlist and recalls (and, first, the demo reminders): patients waiting for an earlier
visit, and recalls due, some overdue, some already called."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction

from medassist.core.clock import clinic_today
from medassist.demo.reminders import reminders_demo
from medassist.patients.models import Patient
from medassist.practice.models import Clinic, User, VisitType
from medassist.practice.roles import Role
from medassist.waitlist.services import recall_add, recall_contact_record, waitlist_entry_add

RECALL_REASONS = [
    "Annual physical",
    "Diabetes follow-up (A1c)",
    "Blood pressure check",
    "Well-child visit",
    "Medicare annual wellness visit",
]


@transaction.atomic
def waitlist_demo(clinic: Clinic, *, now: datetime | None = None, seed: int = 11) -> dict:
    """Loads the demo reminders, then 6 waitlist entries and 10 recalls."""
    done = reminders_demo(clinic, now=now)
    rng = random.Random(seed)
    desk = User.objects.filter(clinic=clinic, role=Role.FRONT_DESK, is_active=True).first()
    if desk is None:
        return done
    desk.clinic = clinic
    patients = list(Patient.objects.filter(clinic=clinic, active=True).order_by("id")[:400])
    if len(patients) < 16:
        return done
    rng.shuffle(patients)
    types = list(VisitType.objects.filter(clinic=clinic, active=True).order_by("id"))
    providers = list(clinic.providers.filter(active=True).order_by("id"))
    today = clinic_today(clinic)
    for n, patient in enumerate(patients[:6]):
        waitlist_entry_add(
            actor=desk,
            patient=patient,
            visit_type=types[n % len(types)],
            provider=providers[n % len(providers)] if n % 2 and providers else None,
            earliest_date=today,
            latest_date=today + timedelta(days=rng.randint(7, 45)),
            time_of_day=["any", "morning", "afternoon"][n % 3],
            priority=[3, 3, 2, 3, 1, 3][n],
            note=["", "can come at short notice", "", "mornings only (work)", "", ""][n],
        )
    for n, patient in enumerate(patients[6:16]):
        recall = recall_add(
            actor=desk,
            patient=patient,
            reason=RECALL_REASONS[n % len(RECALL_REASONS)],
            due_date=today + timedelta(days=rng.randint(-40, 60)),
        )
        if n % 3 == 0:
            recall_contact_record(
                actor=desk,
                recall=recall,
                channel="phone",
                outcome="voicemail",
                note="Left a message",
            )
    done.update({"waitlist entries": 6, "recalls": 10})
    return done
