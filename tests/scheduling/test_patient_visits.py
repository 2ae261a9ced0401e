"""A patient's visits: the list scheduling serves for the patient page (an htmx fragment the
page loads as it opens, or a page of its own without JavaScript)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from medassist.audit.models import AuditEvent
from medassist.scheduling.models import Appointment
from tests import factories
from tests.scheduling.conftest import ROLES

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def visits_url(patient) -> str:
    return reverse("scheduling:patient_visits", args=[patient.public_id])


def book_in_the_past(front_desk, patient, provider, days_ago: int) -> Appointment:
    """A visit booked ahead, then moved into the past (booking refuses past dates)."""
    appt = factories.book(front_desk, patient, provider)
    start = appt.start - timedelta(days=days_ago)
    Appointment.objects.filter(pk=appt.pk).update(start=start, end=start + timedelta(minutes=20))
    return appt


def not_refusals() -> int:
    """Audit events other than the refusal's own record (tests/audit/test_refused.py)."""
    return AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count()


@pytest.mark.parametrize("role", ROLES)
def test_a_patients_visits_are_shown_to_staff_of_the_patients_clinic_only(
    role, actor, client_for, patient, appointment, snapshot
):
    # given
    before, events = snapshot(), not_refusals()
    # when
    response = client_for(actor(role)).get(visits_url(patient), **HTMX)
    # then
    expected = {"anonymous": 401, "other_clinic_physician": 404}.get(role, 200)
    assert response.status_code == expected
    if expected == 200:
        assert "Paul Osler, MD" in response.content.decode()
    else:
        assert "Paul Osler" not in response.content.decode()
        assert snapshot() == before and not_refusals() == events


def test_anyone_not_logged_in_is_sent_to_log_in_without_javascript(client, patient):
    # when
    response = client.get(visits_url(patient))
    # then
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_the_fragment_lists_upcoming_visits_soonest_first_then_the_earlier_ones(
    client_for, front_desk, patient, provider
):
    # given two visits ahead (booked latest first) and one last week
    later = factories.book(
        front_desk, patient, provider, start=factories.next_slot(patient.clinic, 26)
    )
    sooner = factories.book(
        front_desk, patient, provider, start=factories.next_slot(patient.clinic, 2)
    )
    earlier = book_in_the_past(front_desk, patient, provider, days_ago=7)
    # when the patient page asks for its visits
    response = client_for(front_desk).get(visits_url(patient), **HTMX)
    # then only the section comes back, in that order, each linking to its visit
    html = response.content.decode()
    assert "<html" not in html and 'id="patient-visits"' in html
    links = [
        reverse("scheduling:appointment", args=[a.public_id]) for a in (sooner, later, earlier)
    ]
    positions = [html.index(link) for link in links]
    assert positions == sorted(positions)
    assert html.index("Earlier") < positions[2]


def test_a_patient_without_visits_is_told_so(client_for, front_desk, patient):
    # when
    html = client_for(front_desk).get(visits_url(patient), **HTMX).content.decode()
    # then
    assert "No appointments yet." in html and "<table" not in html


def test_without_javascript_the_visits_open_as_a_page_that_leads_back_to_the_patient(
    client_for, front_desk, patient, appointment
):
    # when the link is followed as a plain page
    response = client_for(front_desk).get(visits_url(patient))
    # then it is a whole page with the same list and a way back
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    assert "Paul Osler, MD" in html and "Booked" in html
    assert reverse("patients:detail", args=[patient.public_id]) in html


def test_the_patient_page_loads_its_visits_as_it_opens_and_links_to_them(
    client_for, front_desk, patient, appointment
):
    # when
    html = (
        client_for(front_desk)
        .get(reverse("patients:detail", args=[patient.public_id]))
        .content.decode()
    )
    # then the appointments section fetches the list on load, and links to it without htmx
    url = visits_url(patient)
    assert f'hx-get="{url}"' in html and 'hx-trigger="load"' in html
    assert f'<a href="{url}">' in html
    assert "Paul Osler, MD" not in html


def test_showing_a_patients_visits_is_audited_once_within_the_repeat_window(
    client_for, biller, patient, appointment
):
    # given
    client = client_for(biller)
    # when the list is shown twice in a row
    client.get(visits_url(patient), **HTMX)
    client.get(visits_url(patient), **HTMX)
    # then one list event names the patient and the biller
    events = AuditEvent.objects.filter(
        patient=patient, actor=biller, object_type="scheduling.Appointment"
    )
    assert [e.action for e in events] == [AuditEvent.Action.LIST]


def test_the_query_count_does_not_grow_with_the_visits(
    client_for, front_desk, patient, provider, settings
):
    # given every showing audited (no repeat window), so each request does the same work
    settings.MEDASSIST_AUDIT_LIST_REPEAT_MINUTES = 0
    client = client_for(front_desk)
    counts = []
    for hours in (2, 4, 6, 8, 10):
        factories.book(
            front_desk, patient, provider, start=factories.next_slot(patient.clinic, hours)
        )
        # when
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(visits_url(patient), **HTMX)
        # then
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert len(set(counts)) == 1
    assert counts[0] <= 13
