import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from medassist.practice.validators import npi_is_valid, validate_npi


def test_known_valid_npi_passes():
    # given a published example NPI with a correct check digit
    # when / then
    assert npi_is_valid("1234567893")


def test_npi_with_wrong_check_digit_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as err:
        validate_npi("1234567890")
    assert "check digit" in str(err.value)


@pytest.mark.parametrize("bad", ["", "123", "12345678901", "12345678a3"])
def test_npi_of_wrong_shape_is_refused(bad):
    with pytest.raises(ValidationError):
        validate_npi(bad)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_exactly_one_check_digit_makes_any_nine_digits_valid(prefix):
    valid = [d for d in "0123456789" if npi_is_valid(prefix + d)]
    assert len(valid) == 1
