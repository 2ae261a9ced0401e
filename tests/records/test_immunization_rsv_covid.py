"""RSV and COVID-19 in the care-gap data (CDC 2025 schedules, with the source and date)."""

from __future__ import annotations

import datetime as dt

from medassist.records.codes import cvx_table
from medassist.records.previsit import immunization_gaps, immunization_schedule

TODAY = dt.date(2026, 6, 1)


def _names(born, given=()):
    return {g.name: g.detail for g in immunization_gaps(born=born, today=TODAY, given=list(given))}


def test_entries_name_their_source_and_every_code_is_known():
    data = immunization_schedule()
    assert "RSV" in data["rsv_covid_note"] and "COVID-19" in data["rsv_covid_note"]
    keys = {e["key"]: e for part in ("schedules", "recurring", "once") for e in data[part]}
    table = cvx_table()
    for key in ("rsv-infant", "rsv-adult", "covid-19"):
        assert all(code in table for code in keys[key]["cvx"]), key


def test_infant_rsv_antibody_until_8_months():
    infant = _names(dt.date(2026, 2, 1))  # 4 months
    assert infant[next(n for n in infant if n.startswith("RSV monoclonal"))].startswith("0 of 1")
    given = _names(dt.date(2026, 2, 1), [("306", dt.date(2026, 2, 3))])
    assert not any(n.startswith("RSV monoclonal") for n in given)
    older = _names(dt.date(2025, 6, 1))  # 12 months
    assert not any(n.startswith("RSV monoclonal") for n in older)


def test_adult_rsv_once_from_75():
    assert "RSV vaccine (one dose at 75 years or older)" in _names(dt.date(1950, 1, 1))
    assert "RSV vaccine (one dose at 75 years or older)" not in _names(dt.date(1960, 1, 1))
    done = _names(dt.date(1950, 1, 1), [("305", dt.date(2024, 10, 1))])
    assert "RSV vaccine (one dose at 75 years or older)" not in done


def test_covid_each_season_from_6_months():
    name = "COVID-19 (current season's vaccine)"
    assert _names(dt.date(1990, 1, 1))[name] == "none recorded"
    assert name not in _names(dt.date(1990, 1, 1), [("309", dt.date(2025, 10, 1))])
    assert _names(dt.date(1990, 1, 1), [("309", dt.date(2024, 10, 1))])[name].startswith("last")
    assert name not in _names(dt.date(2026, 1, 1))  # 5 months old
