from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medassist.core.errors import ValidationFailed
from medassist.intake.vitals import normalize


def test_imperial_units_are_converted_and_bmi_computed():
    r = normalize(
        temperature="98.6",
        temperature_unit="F",
        height="70",
        height_unit="in",
        weight="154",
        weight_unit="lb",
    )
    assert r.values["temperature_c"] == Decimal("37.0")
    assert r.values["height_cm"] == Decimal("177.8")
    assert r.values["weight_kg"] == Decimal("69.85")
    assert r.bmi == Decimal("22.1")
    assert r.flags == []


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"temperature": "986", "temperature_unit": "F"}, "temperature_c"),
        ({"bp_systolic": "80", "bp_diastolic": "120"}, "bp_diastolic"),
        ({"bp_systolic": "400", "bp_diastolic": "80"}, "bp_systolic"),
        ({"pulse": "0"}, "pulse"),
        ({"spo2": "101"}, "spo2"),
        ({"pain": "11"}, "pain"),
        ({"weight": "abc"}, "weight_kg"),
        ({"pulse": "72.5"}, "pulse"),
    ],
)
def test_impossible_values_are_refused_naming_the_field(kwargs, field):
    with pytest.raises(ValidationFailed) as err:
        normalize(**kwargs)
    assert field in err.value.errors or err.value.field == field


def test_out_of_range_values_are_flagged_not_refused():
    r = normalize(
        bp_systolic=186, bp_diastolic=95, spo2=91, temperature="38.4", temperature_unit="C"
    )
    by_field = {f["field"]: f for f in r.flags}
    assert by_field["bp_systolic"]["critical"] is True
    assert by_field["bp_diastolic"]["direction"] == "high"
    assert by_field["spo2"]["critical"] is False
    assert by_field["temperature_c"]["direction"] == "high"


def test_a_child_pulse_of_120_is_not_flagged_by_adult_ranges():
    assert normalize(pulse=120, age_years=4).flags == []
    assert normalize(pulse=120, age_years=40).flags[0]["field"] == "pulse"


def test_nothing_entered_is_refused():
    with pytest.raises(ValidationFailed):
        normalize()


@given(st.decimals(min_value=Decimal("77.1"), max_value=Decimal("112.9"), places=1))
def test_every_plausible_fahrenheit_temperature_converts_into_range(temp_f):
    r = normalize(temperature=temp_f, temperature_unit="F")
    assert Decimal("25") <= r.values["temperature_c"] <= Decimal("45")
