"""The whole April 2026 release, loaded once for this module: counts, idempotency, the common
list, and search quality on the real code set."""

import pytest

from medassist.coding import source
from medassist.coding.models import CodeKind, Icd10cmCode, Icd10cmPosting, Icd10cmWord
from medassist.coding.selectors import icd10_search
from medassist.coding.services import icd10cm_load
from tests.coding.conftest import clear_code_set


@pytest.fixture(scope="module")
def full(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        clear_code_set()
        first = icd10cm_load()
        second = icd10cm_load()
    yield first, second
    with django_db_blocker.unblock():
        clear_code_set()


@pytest.fixture
def loaded(full, db):
    return full


def codes(query: str, limit: int = 20) -> list[str]:
    return [c.code for c in icd10_search(query=query, limit=limit)]


def test_every_code_of_the_release_is_loaded(loaded):
    # given the package's list of every item (chapters, blocks, categories, codes)
    expected = source.all_codes()
    # then each is in the database, the 39 block/category twins as two rows each
    assert Icd10cmCode.objects.count() == len(expected) == 98505
    assert set(Icd10cmCode.objects.values_list("code", flat=True)) == set(expected)
    assert Icd10cmCode.objects.filter(kind=CodeKind.CHAPTER).count() == 22


def test_billable_codes_are_the_leaf_codes(loaded):
    import simple_icd_10_cm as cm

    # given the leaves of the tabular list that are codes (not empty grouping sections)
    leaves = {
        c for c in set(source.all_codes()) if cm.is_category_or_subcategory(c) and cm.is_leaf(c)
    }
    # then exactly those are billable
    assert set(Icd10cmCode.objects.filter(billable=True).values_list("code", flat=True)) == leaves
    assert len(leaves) == loaded[0].billable_total == 74719


def test_the_first_load_reports_what_it_added_and_the_second_changes_nothing(loaded):
    first, second = loaded
    assert first.codes_created == 98505 and first.postings_created > 500_000
    assert first.words_created > 10_000
    assert not second.changed
    assert second.codes_total == first.codes_total
    assert second.lines()[-2] == "nothing changed"
    assert Icd10cmPosting.objects.count() == first.postings_created
    assert Icd10cmWord.objects.count() == first.words_created


def test_every_common_code_exists_and_is_billable(loaded):
    # given the curated list of common primary-care codes
    common = source.common_codes()
    assert 120 <= len(common) <= 200 and len(set(common)) == len(common)
    # then every one is a billable code of the release, marked common
    rows = Icd10cmCode.objects.filter(code__in=common, common=True, billable=True)
    assert sorted(rows.values_list("code", flat=True)) == sorted(common)
    assert loaded[0].unknown_common == []
    assert Icd10cmCode.objects.filter(common=True).count() == len(common)


def test_a_code_prefix_lists_its_codes_common_first(loaded):
    found = icd10_search(query="E11", limit=20)
    assert all(c.code.startswith("E11") for c in found)
    assert found[0].common and "E11.9" in [c.code for c in found[:8]]
    assert codes("e119")[0] == "E11.9"
    assert codes("I1")[0] == "I10"
    assert codes("S72.001A") == ["S72.001A"]


def test_words_in_any_order(loaded):
    assert codes("diabetes type 2") == codes("type 2 diabetes") == codes("2 type diabetes")
    assert "E11.9" in codes("diabetes type 2")[:8]
    assert codes("type 2 diabetic kidney")[0] == "E11.22"


def test_plurals_and_stems(loaded):
    assert codes("fractures of femur") == codes("fracture femur")
    assert codes("diabetic neuropathy") == codes("diabetes neuropathy")
    assert codes("diabetic neuropathy")[0] in {"E11.40", "E11.42"}


def test_femur_fractures_come_before_other_codes_that_mention_both_words(loaded):
    # "fracture" and "femur" also appear in osteoporosis and implant complication codes; the
    # codes of category S72 "Fracture of femur" come first
    found = codes("fract fem")
    assert found and all(c.startswith("S72") for c in found[:10])


def test_lay_terms_and_abbreviations(loaded):
    assert codes("high blood pressure")[0] == "I10"
    assert codes("htn")[0] == "I10"
    assert codes("hypertension")[0] == "I10"
    assert codes("low back pain")[0] == "M54.50"
    assert codes("sore throat")[0] in {"J02.9", "J02.0"}
    assert codes("uti")[0] == "N39.0"


def test_billable_codes_come_before_headers(loaded):
    for query in ("diabetes", "asthma", "fracture femur", "E1", "hypert"):
        found = icd10_search(query=query, limit=50)
        billable = [c.billable for c in found]
        assert billable == sorted(billable, reverse=True), query


def test_the_worst_queries_still_answer(loaded):
    # very common words that rarely meet, a short prefix, a long query
    assert codes("left right")
    assert codes("ca")
    assert isinstance(codes("unspecified " * 8), list)
