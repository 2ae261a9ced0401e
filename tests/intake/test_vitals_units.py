"""Vitals are refused in the unit the MA typed, and impossible blood pressures are refused."""

from __future__ import annotations

import pytest

from medassist.core.errors import ValidationFailed
from medassist.intake.vitals import normalize


@pytest.mark.parametrize(
    "reading, says",
    [
        ({"temperature": "200", "temperature_unit": "F"}, "Temperature 200 °F is not possible"),
        ({"temperature": "20", "temperature_unit": "C"}, "Temperature 20 °C is not possible"),
        ({"weight": "2000", "weight_unit": "lb"}, "(accepted 0.7–992.1 lb)"),
        ({"height": "120", "height_unit": "in"}, "Height 120 in is not possible"),
        ({"bp_systolic": "120", "bp_diastolic": "20"}, "Diastolic blood pressure 20 mmHg"),
    ],
)
def test_an_impossible_reading_is_refused_in_the_unit_typed(reading, says):
    with pytest.raises(ValidationFailed) as refused:
        normalize(**reading)
    assert says in " ".join(m for ms in refused.value.errors.values() for m in ms)
