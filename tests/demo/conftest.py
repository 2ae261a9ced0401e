"""The demo clinic, loaded once per test module (committed) and deleted when the module ends;
each test runs in its own transaction on top of it, so tests that delete or reload roll back."""

from __future__ import annotations

import pytest

from medassist.demo import clinic as demodata


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        loaded = demodata.load()
        try:
            yield loaded
        finally:
            demodata.delete()
