"""Ages as clinicians write them: days under four weeks, months under two years, then years."""

from __future__ import annotations

from datetime import date

import pytest

from medassist.patients.models import Patient


@pytest.mark.parametrize(
    ("born", "on", "text"),
    [
        (date(2026, 12, 1), date(2026, 12, 1), "0 d"),
        (date(2026, 11, 20), date(2026, 12, 4), "14 d"),
        (date(2026, 11, 4), date(2026, 12, 1), "27 d"),
        (date(2026, 11, 1), date(2026, 12, 1), "1 mo"),  # 30 days: a month
        (date(2026, 2, 28), date(2026, 3, 28), "1 mo"),  # 28 days in February
        (date(2025, 10, 15), date(2026, 12, 14), "13 mo"),
        (date(2025, 10, 15), date(2026, 12, 15), "14 mo"),
        (date(2024, 12, 5), date(2026, 12, 4), "23 mo"),
        (date(2024, 12, 4), date(2026, 12, 4), "2 y"),
        (date(1980, 5, 17), date(2026, 12, 4), "46 y"),
        (date(2024, 2, 29), date(2026, 2, 28), "23 mo"),  # a leap-day birthday
        (date(2027, 1, 1), date(2026, 12, 4), "0 d"),  # a date of birth after the day
    ],
)
def test_age_text(born, on, text):
    assert Patient(date_of_birth=born).age_text_on(on) == text
