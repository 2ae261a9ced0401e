"""The demo clinic: a believable, deterministic practice to try medassist with.

`load()` builds "Riverside Family Medicine" from a constant seed, with dates relative to the
clinic-local today: set-up data and staff logins, 500 patients with insurance and charts, and
four weeks of appointments carried through the visit lifecycle (the visits seen have their
encounter and note). The same date gives the same clinic.
`delete()` removes the demo clinic and every row that belongs to it (demo data only)."""

from __future__ import annotations

import contextlib
import gc
import random
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.purge import clinic_purge
from medassist.audit.services import audit_record
from medassist.core.errors import Conflict
from medassist.demo import people, setup, visits
from medassist.demo.assistant import assistant_demo
from medassist.demo.availability import availability_demo
from medassist.demo.billing import billing_demo
from medassist.demo.charts import Charts
from medassist.demo.ecg import ecg_demo
from medassist.demo.errors import AlreadyLoaded
from medassist.demo.intake import intake_demo
from medassist.demo.orders import orders_demo
from medassist.demo.pharmacy import pharmacy_demo
from medassist.demo.setup import write_columns
from medassist.demo.waitlist import waitlist_demo
from medassist.patients.models import Coverage, Patient
from medassist.practice.models import Clinic, User
from medassist.scheduling.models import Appointment

SEED = 20260611
CLINIC_NAME = setup.CLINIC_NAME
PASSWORD = setup.PASSWORD
logins = setup.logins


@dataclass
class Loaded:
    clinic: Clinic
    pivot: datetime
    counts: dict[str, int]


def find() -> Clinic | None:
    return Clinic.objects.filter(name=CLINIC_NAME, mrn_prefix="RF").first()


def counts(clinic: Clinic) -> dict[str, int]:
    return {
        "locations": clinic.locations.count(),
        "rooms": clinic.locations.aggregate(n=models.Count("rooms"))["n"],
        "providers": clinic.providers.count(),
        "staff logins": clinic.staff.count(),
        "patients": Patient.objects.filter(clinic=clinic).count(),
        "appointments": Appointment.objects.filter(clinic=clinic).count(),
    }


@contextlib.contextmanager
def _without_garbage_collection():
    """The loader keeps some 60,000 rows in memory until they are written; Python's cycle
    collector would walk them all again and again (a third of the load time). Reference
    counting still frees what is dropped; the collector runs again when the load is done."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@_without_garbage_collection()
@transaction.atomic
def load(*, now: datetime | None = None) -> Loaded:
    """Load the demo clinic. Refuses if it is already there or a demo username is taken."""
    if find() is not None:
        raise AlreadyLoaded(f"The demo clinic “{CLINIC_NAME}” is already loaded.")
    taken = sorted(
        User.objects.filter(username__in=setup.usernames()).values_list("username", flat=True)
    )
    if taken:
        raise Conflict(
            "These demo usernames already belong to someone else in this database: "
            + ", ".join(taken)
            + ". Load the demo into a fresh database (e.g. MEDASSIST_SQLITE_PATH=var/demo.sqlite3)."
        )
    now = now or timezone.now()
    rng, uuids = random.Random(SEED), random.Random(SEED + 1)
    practice = setup.build(rng)
    today = visits.pivot_for(now, practice.clinic.tz).date()
    registry = people.Registry(practice, rng, uuids, today)
    persons = registry.build()
    registry.save()
    schedule = visits.Schedule(practice, persons, rng, uuids, now)
    schedule.build()
    done = schedule.save()
    done |= Charts(practice, persons, schedule.visits, SEED, schedule.today).save()
    availability_demo(
        practice.clinic,
        weeks={
            pk: {day: practice.locations[name] for day, name in spec.days.items()}
            for pk, spec in practice.specs.items()
        },
        procedure_providers=[p for p in practice.providers if practice.specs[p.pk].procedures],
    )
    waitlist_demo(practice.clinic, now=now)  # also the demo reminders
    pharmacy_demo(practice.clinic, now=now)
    billing_demo(practice.clinic)
    done |= ecg_demo(practice.clinic)
    _confirmations(schedule.visits)
    orders_demo(practice.clinic, now=now)
    done |= intake_demo(practice.clinic)
    done |= assistant_demo(practice.clinic, now=now)
    clinic = practice.clinic
    result = {**counts(clinic), **done}
    audit_record(
        actor=None,
        action=AuditEvent.Action.CREATE,
        object_type="demo.clinic",
        clinic=clinic,
        detail={"loaded": "demo clinic", **{k.replace(" ", "_"): v for k, v in result.items()}},
    )
    return Loaded(clinic=clinic, pivot=schedule.pivot, counts=result)


def _confirmations(all_visits) -> None:
    """Demographics and insurance were last confirmed at each patient's latest check-in."""
    patients: dict[int, tuple[datetime, Patient]] = {}
    coverages: dict[int, tuple[datetime, Coverage]] = {}
    for visit in all_visits:
        if visit.check_in is None or visit.check_in.pk is None:
            continue
        at = visit.check_in.checked_in_at
        patient = visit.person.patient
        if patient.pk not in patients or patients[patient.pk][0] < at:
            patients[patient.pk] = (at, patient)
        coverage = visit.check_in.coverage
        if coverage is not None and (
            coverage.pk not in coverages or coverages[coverage.pk][0] < at
        ):
            coverages[coverage.pk] = (at, coverage)
    write_columns(
        Patient, ["demographics_confirmed_at"], [(p.pk, at) for at, p in patients.values()]
    )
    write_columns(Coverage, ["verified_at"], [(c.pk, at) for at, c in coverages.values()])


# -- deleting the demo clinic ---------------------------------------------------------------
STAMPS = ("created_by", "updated_by")
CHUNK = 500


def _clinic_paths(model, depth: int = 3) -> list[str]:
    """Lookups that lead from `model` to its clinic, the shortest one per foreign key (the
    who-changed-it stamps do not count: they say who, not whose)."""
    if model is Clinic:
        return ["pk"]
    paths = []
    for f in model._meta.concrete_fields:
        if not f.is_relation or f.name in STAMPS or f.related_model is model:
            continue
        if f.related_model is Clinic:
            paths.append(f.name)
        elif depth > 1:
            sub = _clinic_paths(f.related_model, depth - 1)
            if sub:
                paths.append(f"{f.name}__{min(sub, key=len)}")
    return paths


def _remove_files_after_commit(doomed) -> None:
    """Uploaded files (e.g. documents added while trying the demo) go once the rows are gone."""
    files = []
    for model, pks in doomed:
        for f in model._meta.concrete_fields:
            if not isinstance(f, models.FileField):
                continue
            for start in range(0, len(pks), CHUNK):
                rows = model._base_manager.filter(pk__in=pks[start : start + CHUNK])
                files += [(f.storage, name) for name in rows.values_list(f.attname, flat=True)]

    def remove() -> None:
        for storage, name in files:
            # Already gone, or not ours to remove: the rows are what matter.
            with contextlib.suppress(OSError):
                if name:
                    storage.delete(name)

    transaction.on_commit(remove)


@transaction.atomic
def delete() -> bool:
    """Delete the demo clinic and every row of every model that belongs to it.

    Demo data only. Clinical data is never deleted by the app, and audit events and chart
    history refuse deletion through it; this is the one place that removes them, with raw SQL
    DELETEs scoped to the demo clinic, inside the audit trail's purge guard (the database
    refuses to delete audit rows otherwise; the purge itself is recorded as an audit event).
    Every row to delete is found first, while all links are intact; foreign keys are checked
    when the transaction commits, so the order does not matter and a row of another clinic
    that points at demo data makes the whole delete fail unchanged.
    """
    clinic = find()
    if clinic is None:
        return False
    doomed = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        paths = _clinic_paths(model)
        if not paths:
            continue
        condition = Q()
        for path in paths:
            condition |= Q(**{path: clinic.pk})
        pks = list(model._base_manager.filter(condition).values_list("pk", flat=True))
        if pks:
            doomed.append((model, pks))
    _remove_files_after_commit(doomed)
    qn = connection.ops.quote_name
    with clinic_purge(clinic=clinic, reason="demo reset"), connection.cursor() as cursor:
        for model, pks in doomed:
            table, pk = qn(model._meta.db_table), qn(model._meta.pk.column or "id")
            for start in range(0, len(pks), CHUNK):
                chunk = pks[start : start + CHUNK]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM {table} WHERE {pk} IN ({marks})", chunk)  # noqa: S608
    return True
