"""A child's chart in a real browser shows the growth percentiles and the growth chart."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from medassist.intake.models import Vitals
from tests import factories
from tests.browser_support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_child_chart_shows_the_growth_chart(page, clinic, front_desk, medical_assistant, physician):
    # given a 7-year-old boy measured at 3, 5 and 7
    today = timezone.localdate(timezone=clinic.tz)
    born = today.replace(year=today.year - 7) - dt.timedelta(days=30)
    child = factories.make_patient(front_desk, first_name="Leo", date_of_birth=born, sex="M")
    for years, kg, cm in ((3, 14.3, 96.0), (5, 18.4, 110.0), (7, 23.0, 122.0)):
        on = born.replace(year=born.year + years)
        Vitals.objects.create(
            patient=child,
            taken_at=timezone.make_aware(dt.datetime.combine(on, dt.time(10)), clinic.tz),
            recorded_by=medical_assistant,
            weight_kg=kg,
            height_cm=cm,
            bmi=round(kg / (cm / 100) ** 2, 1),
        )
    # when the physician opens the chart
    login(page, "doctor")
    page.goto(f"/records/patients/{child.public_id}/#sec-vitals")
    # then the growth section shows percentiles and three charts with the patient's points
    growth = page.locator("#growth")
    growth.scroll_into_view_if_needed()
    assert "Growth percentiles" in growth.inner_text()
    assert page.locator("svg.growth").count() == 3
    assert page.locator("svg.growth circle.patient-pt").count() == 9
    assert page.locator("svg.growth polyline.curve").count() == 27
    box = page.locator("svg.growth").first.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 100
