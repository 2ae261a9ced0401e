"""The growth percentiles and chart on the chart screen and the pre-visit summary (staff),
for patients under 20 only, with the clinic's dates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from medassist.intake.growth import lms
from medassist.intake.growth.report import growth_for
from medassist.intake.models import Vitals
from medassist.intake.services import rooming_complete
from medassist.practice.models import Room
from medassist.records.previsit import previsit_summary
from medassist.scheduling.services import appointment_transition
from tests import factories

pytestmark = pytest.mark.django_db


def _p50(file: str, sex: str, months: float) -> float:
    """The published median (M) at an age, from the table itself."""
    table = {"cdc_weight_for_age.csv": lms.CDC_WFA, "who_weight_for_age.csv": lms.WHO_WFA}[file]
    return table.lms(lms.SEXES[sex], months)[1]


def _child(front_desk, clinic, years: int, sex: str = "M"):
    today = timezone.localdate(timezone=clinic.tz)
    born = today.replace(year=today.year - years) - dt.timedelta(days=10)
    return factories.make_patient(front_desk, first_name="Sam", date_of_birth=born, sex=sex)


def _vitals(patient, by, on: dt.date, clinic, **values):
    noon = timezone.make_aware(dt.datetime.combine(on, dt.time(12)), clinic.tz)
    return Vitals.objects.create(patient=patient, taken_at=noon, recorded_by=by, **values)


def test_chart_shows_percentiles_and_growth_chart_for_a_child(
    client_for, clinic, front_desk, medical_assistant, physician
):
    child = _child(front_desk, clinic, 6)
    for years in (3, 4, 5):
        on = child.date_of_birth.replace(year=child.date_of_birth.year + years)
        months = lms.age_in_months(child.date_of_birth, on)
        weight = round(_p50("cdc_weight_for_age.csv", "M", months), 2)
        _vitals(child, medical_assistant, on, clinic, weight_kg=weight, height_cm=100, bmi=16)
    html = client_for(physician).get(f"/records/patients/{child.public_id}/").content.decode()
    assert "Growth percentiles" in html
    assert html.count('<svg class="growth"') == 3  # weight, stature and BMI for age, CDC 2000
    assert 'data-indicator="weight_for_age"' in html and "CDC 2000" in html
    # the median weight sits on the 50th percentile
    assert "P50.0" in html
    for label in ("P3", "P50", "P97"):
        assert f"<title>{label}</title>" in html


def test_infant_gets_who_charts_and_head_circumference(
    client_for, clinic, front_desk, medical_assistant, physician
):
    today = timezone.localdate(timezone=clinic.tz)
    baby = factories.make_patient(
        front_desk, first_name="Ava", date_of_birth=today - dt.timedelta(days=200), sex="F"
    )
    _vitals(baby, medical_assistant, today - dt.timedelta(days=140), clinic,
            weight_kg=5.1, height_cm=57.0, head_circumference_cm=38.3)  # fmt: skip
    _vitals(baby, medical_assistant, today - dt.timedelta(days=20), clinic,
            weight_kg=7.0, height_cm=65.0, head_circumference_cm=41.5)  # fmt: skip
    html = client_for(physician).get(f"/records/patients/{baby.public_id}/").content.decode()
    assert html.count('<svg class="growth"') == 4  # weight, length, weight-for-length, head
    assert "Head circumference-for-age, girls (WHO 2006)" in html
    assert "Weight-for-length, girls (WHO 2006)" in html


def test_no_growth_section_for_adults(client_for, patient, medical_assistant, physician, clinic):
    _vitals(patient, medical_assistant, timezone.localdate(timezone=clinic.tz), clinic,
            weight_kg=70, height_cm=170)  # fmt: skip
    html = client_for(physician).get(f"/records/patients/{patient.public_id}/").content.decode()
    assert "Growth percentiles" not in html and 'class="growth"' not in html


def test_sex_not_recorded_says_so(clinic, front_desk, medical_assistant):
    child = _child(front_desk, clinic, 5, sex="U")
    _vitals(child, medical_assistant, timezone.localdate(timezone=clinic.tz), clinic, weight_kg=18)
    growth = growth_for(child, list(child.vitals.all()), tz=clinic.tz)
    assert growth.applies and "female or male" in growth.note
    assert growth.charts == [] and growth.rows[0].results == []


def test_the_clinic_day_counts_not_utc(clinic, front_desk, medical_assistant):
    # 11:30 p.m. the day before the second birthday is the birthday in UTC: the clinic's
    # date counts, so the child is still under 24 months (WHO 2006)
    assert clinic.tz.utcoffset(dt.datetime(2026, 1, 1)) < dt.timedelta(0)
    today = timezone.localdate(timezone=clinic.tz)
    born = today.replace(year=today.year - 3)
    child = factories.make_patient(front_desk, date_of_birth=born, sex="M")
    second = born.replace(year=born.year + 2) - dt.timedelta(days=1)
    late = timezone.make_aware(dt.datetime.combine(second, dt.time(23, 30)), clinic.tz)
    Vitals.objects.create(patient=child, taken_at=late, recorded_by=medical_assistant, weight_kg=12)
    row = growth_for(child, list(child.vitals.all()), tz=clinic.tz).rows[0]
    assert row.when == second
    assert row.results[0].source == "WHO 2006"


def test_previsit_summary_has_growth(client_for, clinic, front_desk, medical_assistant,
                                     physician, provider):  # fmt: skip
    child = _child(front_desk, clinic, 8, sex="F")
    appt = factories.book(front_desk, child, provider)
    appointment_transition(actor=front_desk, appointment=appt, to_status="arrived")
    room = Room.objects.filter(location__clinic=clinic).order_by("name").first()
    rooming_complete(
        actor=medical_assistant, appointment=appt, room=room, reason_for_visit="Check-up",
        vitals={"weight": "25.4", "weight_unit": "kg", "height": "127", "height_unit": "cm"},
    )  # fmt: skip
    s = previsit_summary(appointment=appt, today=timezone.localdate(timezone=clinic.tz))
    assert s.growth is not None and s.growth.latest is not None
    keys = {r.indicator for r in s.growth.latest.results}
    assert keys == {"weight_for_age", "length_for_age", "bmi_for_age"}
    page = client_for(physician).get(f"/records/visits/{appt.public_id}/previsit/")
    html = page.content.decode()
    assert "Growth percentiles" in html and '<svg class="growth"' in html
    import io

    from pypdf import PdfReader

    pdf = client_for(physician).get(f"/records/visits/{appt.public_id}/previsit.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Growth (WHO 2006 under 2 years, CDC 2000 from 2 years)" in text
    assert "Weight-for-age" in text and "BMI-for-age" in text


def test_vitals_screen_records_head_circumference_and_shows_percentiles(
    client_for, clinic, front_desk, medical_assistant, provider
):
    from django.urls import reverse

    today = timezone.localdate(timezone=clinic.tz)
    baby = factories.make_patient(
        front_desk, first_name="Mia", date_of_birth=today - dt.timedelta(days=183), sex="F"
    )
    appt = factories.book(front_desk, baby, provider)
    appointment_transition(actor=front_desk, appointment=appt, to_status="arrived")
    url = reverse("intake:vitals", args=[appt.public_id])
    ma = client_for(medical_assistant)
    # an impossible head circumference is refused with a clear message, nothing saved
    bad = ma.post(url, {"weight": "7.3", "weight_unit": "kg", "head_circumference": "95"})
    assert bad.status_code == 422
    assert "Head circumference 95 cm is not possible" in bad.content.decode()
    assert not Vitals.objects.filter(patient=baby).exists()
    # a real one is stored in cm and charted (WHO 2006, under 2 years)
    ok = ma.post(
        url,
        {"weight": "7.3", "weight_unit": "kg", "height": "65.7", "height_unit": "cm",
         "head_circumference": "42.2"},
    )  # fmt: skip
    assert ok.status_code == 302
    v = Vitals.objects.get(patient=baby)
    assert float(v.head_circumference_cm) == 42.2
    html = ma.get(url).content.decode()
    assert "Growth percentiles" in html
    assert "Head circumference-for-age, girls (WHO 2006)" in html
    # WHO girls, 6 months: median head circumference 42.2 cm, weight 7.3 kg, length 65.7 cm
    row = growth_for(baby, [v], tz=clinic.tz).rows[0]
    by = row.by_key()
    assert abs(by["head_for_age"].z) < 0.05 and abs(by["weight_for_age"].z) < 0.05
    assert abs(by["length_for_age"].z) < 0.05
