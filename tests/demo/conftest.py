"""The demo clinic, loaded once per test module (committed) and deleted when the module ends;
each test runs in its own transaction on top of it, so tests that delete or reload roll back."""

from __future__ import annotations

import pytest
from django.db import connection

from medassist.audit.models import AuditEvent
from medassist.audit.purge import EVERYTHING, purge_guard_open
from medassist.demo import clinic as demodata


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        loaded = demodata.load()
        try:
            yield loaded
        finally:
            demodata.delete()
            _forget_the_purge()


def _forget_the_purge() -> None:
    """The module's demo was committed, so its delete's purge record would outlive the module
    and show in later tests: remove it (the tests' own cleanup, through the purge guard)."""
    with purge_guard_open(EVERYTHING), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE action = %s", [AuditEvent.Action.PURGE])
