"""Check-in is for the day of the visit: a visit on a later day (in the clinic's zone, which
differs from the machine's) is neither offered check-in nor checked in."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse

from medassist.frontdesk.services import check_in
from medassist.scheduling.errors import IllegalTransition
from medassist.scheduling.models import Appointment
from medassist.scheduling.selectors import clinic_today
from tests import factories


@pytest.fixture
def tomorrow_visit(front_desk, provider, patient):
    clinic = provider.clinic
    day = clinic_today(clinic) + timedelta(days=1)
    start = datetime.combine(day, time(0, 30), tzinfo=clinic.tz)  # just after midnight there
    return factories.book(front_desk, patient, provider, start=start)


def test_a_visit_on_a_later_day_is_not_offered_check_in(client, front_desk, tomorrow_visit):
    # given the front desk opens tomorrow's visit and its check-in page
    client.force_login(front_desk)
    page = client.get(reverse("scheduling:appointment", args=[tomorrow_visit.public_id]))
    form = client.get(reverse("frontdesk:check_in", args=[tomorrow_visit.public_id]))
    # then neither offers check-in, and the check-in page says why
    check_in_url = reverse("frontdesk:check_in", args=[tomorrow_visit.public_id])
    assert check_in_url not in page.content.decode()
    assert "checked in on the day of the visit" in form.content.decode()
    assert 'name="demographics_confirmed"' not in form.content.decode()


def test_checking_in_a_later_days_visit_is_refused_and_changes_nothing(
    client, front_desk, tomorrow_visit
):
    # when it is checked in anyway (the service, and a posted form)
    with pytest.raises(IllegalTransition, match="on the day of the visit"):
        check_in(
            actor=front_desk, appointment=tomorrow_visit, demographics_confirmed=True, self_pay=True
        )
    client.force_login(front_desk)
    client.post(
        reverse("frontdesk:check_in", args=[tomorrow_visit.public_id]),
        {"demographics_confirmed": "on", "coverage": "self_pay", "copay_collected": "0"},
    )
    # then it is still booked, with no check-in written
    visit = Appointment.objects.get(pk=tomorrow_visit.pk)
    assert visit.status == "booked"
    assert visit.changes.count() == 1
