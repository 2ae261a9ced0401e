"""The fixed cast every test uses: one clinic with a person in each role, a registered patient,
and a physician of another clinic who must never see this clinic's data."""

from __future__ import annotations

import os

import pytest
from django.test import Client

from tests import factories

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.browser_support"]


def pytest_configure(config):
    """`MEDASSIST_TEST_NOW=2026-12-04T23:10-05:00` runs the whole suite as if it were then (the
    clock keeps ticking from there): how a failure that only happens at one hour of the clinic's
    day is reproduced, e.g. late in the evening when the next slot is tomorrow. Processes the
    tests start (the concurrency server, CLI subprocesses) keep the real clock."""
    when = os.environ.get("MEDASSIST_TEST_NOW")
    if when:
        import time_machine

        config._medassist_travel = time_machine.travel(when, tick=True)
        config._medassist_travel.start()


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgresql` check what only PostgreSQL provides (exclusion constraints,
    concurrent writers). On SQLite they are deselected, not skipped: the suite's PostgreSQL run
    (CI runs both) is where they run, and a skip would read as a missing service."""
    from django.db import connection

    _slowest_first(items)
    if connection.vendor == "postgresql":
        return
    chosen, dropped = [], []
    for item in items:
        (dropped if item.get_closest_marker("postgresql") else chosen).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = chosen


# The slowest files (minutes each: see `--durations`), handed to the two xdist workers first so
# that neither is left alone with one of them at the end of the run.
SLOWEST = (
    "tests/audit/test_every_route.py",
    "tests/backup/",
    "tests/concurrency/",
    "tests/fuzz/",
    "tests/billing/test_properties.py",
    "tests/pharmacy/test_concurrent_dispense.py",
    "tests/core/test_serve.py",
    "tests/demo/",
)


def _slowest_first(items) -> None:
    def rank(item) -> int:
        path = item.nodeid.split("::")[0]
        return next((i for i, p in enumerate(SLOWEST) if path.startswith(p)), len(SLOWEST))

    items.sort(key=rank)  # stable: within a rank, the collected order is kept


def pytest_unconfigure(config):
    travel = getattr(config, "_medassist_travel", None)
    if travel is not None:
        travel.stop()


@pytest.fixture
def clinic(db):
    return factories.make_clinic()


@pytest.fixture
def other_clinic(db):
    return factories.make_clinic(name="Harbor Pediatrics", tz="America/Los_Angeles")


@pytest.fixture
def front_desk(clinic):
    return factories.make_user(
        clinic, "front_desk", "frontdesk", first_name="Fran", last_name="Desk"
    )


@pytest.fixture
def medical_assistant(clinic):
    return factories.make_user(
        clinic, "medical_assistant", "ma", first_name="Maya", last_name="Assist"
    )


@pytest.fixture
def physician(clinic):
    user = factories.make_user(clinic, "physician", "doctor", first_name="Paul", last_name="Osler")
    factories.make_provider(clinic, user=user, npi="1234567893")
    return user


@pytest.fixture
def provider(physician):
    return physician.provider


@pytest.fixture
def biller(clinic):
    return factories.make_user(clinic, "biller", "biller", first_name="Bill", last_name="Coder")


@pytest.fixture
def clinic_admin(clinic):
    return factories.make_user(clinic, "clinic_admin", "admin", first_name="Ada", last_name="Admin")


@pytest.fixture
def other_clinic_physician(other_clinic):
    user = factories.make_user(
        other_clinic, "physician", "otherdoc", first_name="Olga", last_name="Other"
    )
    factories.make_provider(other_clinic, user=user, npi="1245319599")
    return user


@pytest.fixture
def patient(front_desk):
    p = factories.make_patient(front_desk, first_name="Jordan", last_name="Reyes")
    factories.add_coverage(front_desk, p)
    return p


@pytest.fixture
def appointment(front_desk, patient, provider):
    return factories.book(front_desk, patient, provider)


@pytest.fixture
def upcoming_appointment(front_desk, patient, provider):
    """A visit that has not started yet (tomorrow's, late in the clinic's evening)."""
    return factories.book(front_desk, patient, provider, start=factories.next_slot(patient.clinic))


@pytest.fixture
def cast(front_desk, medical_assistant, physician, biller, clinic_admin, other_clinic_physician):
    return {
        "front_desk": front_desk,
        "medical_assistant": medical_assistant,
        "physician": physician,
        "biller": biller,
        "clinic_admin": clinic_admin,
        "other_clinic_physician": other_clinic_physician,
    }


@pytest.fixture
def client_for():
    def make(user) -> Client:
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return make
