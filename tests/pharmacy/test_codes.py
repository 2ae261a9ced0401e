"""NDC forms and barcode scans."""

from __future__ import annotations

from datetime import date

import pytest

from medassist.pharmacy.codes import ndc11, ndc_candidates, parse_scan
from medassist.pharmacy.errors import BadNdc


@pytest.mark.parametrize(
    "typed,expected",
    [
        ("58160-842-11", "58160084211"),
        ("0409-4888-02", "00409488802"),
        ("12345-6789-1", "12345678901"),
        ("58160084211", "58160084211"),
    ],
)
def test_ndc_layouts_become_eleven_digits(typed, expected):
    assert ndc11(typed) == expected


@pytest.mark.parametrize("bad", ["", "1234", "123-456-78", "abcde-fghi-jk", "123456789012"])
def test_a_bad_ndc_is_refused(bad):
    with pytest.raises(BadNdc):
        ndc11(bad)


def test_ten_bare_digits_may_mean_three_ndcs():
    assert ndc_candidates("5816084211") == {"05816084211", "58160084211", "58160842101"}


def test_a_gs1_datamatrix_gives_the_ndc_lot_and_expiry():
    # GTIN 00358160842110 (NDC 5816084211 inside), expiry 2027-06-30, lot AB12
    for raw in ("(01)00358160842110(17)270630(10)AB12", "0100358160842110172706301" + "0AB12"):
        scan = parse_scan(raw)
        assert "58160084211" in scan.ndcs
        assert scan.lot == "AB12" and scan.expires_on == date(2027, 6, 30)


def test_a_gs1_end_of_month_expiry_and_a_upc():
    assert parse_scan("(01)00358160842110(17)270200(10)X").expires_on == date(2027, 2, 28)
    assert "58160084211" in parse_scan("358160842110").ndcs


@pytest.mark.parametrize("bad", ["(01)01234567890128(10)X", "(01)00358160842110(17)271341", " "])
def test_a_barcode_without_an_ndc_or_a_bad_date_is_refused(bad):
    with pytest.raises(BadNdc):
        parse_scan(bad)
