"""Schemathesis against the API's own OpenAPI document: every operation, bounded examples, as a
physician and as the clinic admin of a clinic with a patient and a visit. The only check is the
one that matters here: no server error (5xx) from anything the schema lets a client send."""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from medassist.api import api
from medassist.practice.models import ApiToken
from medassist.wsgi import application
from tests import factories

MAX_EXAMPLES = 5  # per operation and role: bounded, so the suite's time stays predictable


# The document /api/openapi.json serves, read from the API object (no request, no database at
# collection time), then driven through the WSGI application in-process.
document = json.loads(json.dumps(api.get_openapi_schema(), default=str))
schema = schemathesis.openapi.from_dict(document)
schema.app = application


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Calls go straight to the WSGI application, whose request signals would close the test's
    database connection (it is inside the test's transaction): Django's test client unhooks
    them the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(clinic, physician, clinic_admin, front_desk, patient, provider):
    factories.book(front_desk, patient, provider)
    return {
        role.username: ApiToken.issue(role, "schemathesis")[1] for role in (physician, clinic_admin)
    }


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_with_a_server_error(case, tokens):
    for key in tokens.values():
        response = case.call(headers={"Authorization": f"Bearer {key}"})
        case.validate_response(response, checks=[not_a_server_error])
