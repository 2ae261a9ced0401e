"""Seed a fresh medassist database for an HTTP booking test or benchmark, in its own process.

    python -m tests.concurrency.seed --patients 200 --slots 20

Prints JSON: the API token, provider, visit type, location, patient ids and the slot starts.
Runs against whatever database the environment names (DATABASE_URL or MEDASSIST_SQLITE_PATH).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import uuid
from datetime import datetime, time, timedelta


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument("--slots", type=int, default=20)
    parser.add_argument("--minutes", type=int, default=30, help="minutes between slot starts")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medassist.settings")
    import django

    django.setup()
    from django.db import transaction
    from django.db.models.base import ModelState

    from medassist.patients.models import Patient
    from medassist.practice.models import ApiToken, VisitType
    from medassist.scheduling.selectors import clinic_today
    from tests import factories

    with transaction.atomic():
        clinic = factories.make_clinic(name="Contention Clinic")
        desk = factories.make_user(clinic, "front_desk", "contention_desk")
        provider = factories.make_provider(clinic)
        _, key = ApiToken.issue(desk, "contention")
        # One patient through the real service, the rest cloned in one insert (fast seeding).
        template = factories.make_patient(desk, last_name="Load0")
        clones = []
        for i in range(1, args.patients):
            clone = copy.copy(template)
            clone.pk = clone.id = None
            clone._state = ModelState()
            clone.public_id = uuid.uuid4()
            clone.mrn = f"LD{i:06d}"
            clone.last_name = f"Load{i}"
            clone.last_name_key = f"load{i}"
            clones.append(clone)
        Patient.objects.bulk_create(clones)
        patients = [str(template.public_id)] + [str(c.public_id) for c in clones]
    day = clinic_today(clinic) + timedelta(days=2)
    first = datetime.combine(day, time(7, 0), tzinfo=clinic.tz)
    slots = [(first + timedelta(minutes=args.minutes * i)).isoformat() for i in range(args.slots)]
    json.dump(
        {
            "token": key,
            "provider": str(provider.public_id),
            "visit_type": str(VisitType.objects.get(clinic=clinic, code="follow-up").public_id),
            "location": str(clinic.locations.first().public_id),
            "patients": patients,
            "slots": slots,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
