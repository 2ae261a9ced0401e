"""ICD-10-CM fixtures. Loading is the slow part, so most modules share one small subset loaded
once per module (committed, removed again at the end of the module); tests that load or change
codes themselves start from an empty code set inside their own transaction."""

from __future__ import annotations

import pytest

from medassist.coding.models import Icd10cmCode, Icd10cmPosting, Icd10cmWord
from medassist.coding.services import icd10cm_load

# Type 1 and 2 diabetes, hypertension, upper respiratory infections, femur neck fractures,
# general examinations, low back pain, hyperlipidemia, abdominal pain, chronic kidney disease
# stage 3, and block B99 whose single category has the block's name.
SUBSET = [
    *("E10.9", "E11", "E78.5", "I10", "J06", "M54.50", "S72.0", "S72.9", "Z00", "B99", "R10"),
    "N18.3",
]


def clear_code_set() -> None:
    Icd10cmPosting.objects.all().delete()
    Icd10cmWord.objects.all().delete()
    Icd10cmCode.objects.all().delete()


@pytest.fixture(scope="module")
def subset_loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        clear_code_set()
        report = icd10cm_load(codes=SUBSET)
    yield report
    with django_db_blocker.unblock():
        clear_code_set()


@pytest.fixture
def icd10_subset(subset_loaded, db):
    """The SUBSET codes, their descendants and ancestors, with the search index."""
    return subset_loaded
