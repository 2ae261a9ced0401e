"""ICD-10-CM search on a small subset: code prefixes, words, stems, ranking, odd input."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from medassist.coding.models import CodeKind
from medassist.coding.selectors import (
    MAX_LIMIT,
    icd10_ancestors,
    icd10_children,
    icd10_get,
    icd10_query_problem,
    icd10_search,
)
from medassist.core.errors import NotFound, ValidationFailed


def codes(query: str, limit: int = 20) -> list[str]:
    return [c.code for c in icd10_search(query=query, limit=limit)]


def test_a_code_prefix_finds_the_codes_under_it_billable_first(icd10_subset):
    # when searching a category
    results = icd10_search(query="E11", limit=20)
    # then all start with E11, common billable ones lead, headers come after every billable one
    assert results and all(c.code.startswith("E11") for c in results)
    assert results[0].common and results[0].billable
    billable = [c.billable for c in results]
    assert billable == sorted(billable, reverse=True)


@pytest.mark.parametrize("query", ["e119", "E11.9", "e11.9", " E119 "])
def test_a_code_is_found_with_or_without_the_dot_in_any_case(icd10_subset, query):
    assert codes(query)[0] == "E11.9"


def test_a_trailing_dot_searches_the_category(icd10_subset):
    assert set(codes("E11.", 100)) == set(codes("E11", 100))


def test_a_short_code_prefix_spans_several_categories(icd10_subset):
    # when typing the first two characters of a code
    found = codes("E1", 100)
    # then both diabetes categories appear, and the common codes come first
    assert {"E10.9", "E11.9"} <= set(found)
    assert found[0] in {"E10.9", "E11.8", "E11.9"}


def test_words_in_any_order_find_the_same_codes(icd10_subset):
    # when the same words are typed in different orders
    a, b = codes("diabetes type 2"), codes("type 2 diabetes")
    # then the results are the same, the common code among the first
    assert a == b
    assert "E11.9" in a[:8]
    assert all(c.startswith("E11") for c in a if c.startswith("E1"))


def test_every_word_must_match(icd10_subset):
    # when the words narrow to one complication
    found = codes("type 2 diabetic kidney")
    # then only diabetic kidney codes are shown, billable ones before the header
    assert found[:2] == ["E11.22", "E11.29"]
    assert found[-1] == "E11.2"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("fractures of femur", "fracture femur"),
        ("diabetic kidney", "diabetes kidney"),
        ("hypertensive", "hypertension"),
        ("upper respiratory infections", "upper respiratory infection"),
    ],
)
def test_plurals_and_word_forms_find_the_same_codes(icd10_subset, a, b):
    assert codes(a) == codes(b)
    assert codes(a)


def test_fracture_words_find_femur_fractures(icd10_subset):
    found = icd10_search(query="fractures of femur", limit=20)
    assert found and all(c.code.startswith("S72") for c in found)
    assert all("femur" in c.description.lower() for c in found if c.billable)


def test_word_starts_are_enough_for_typeahead(icd10_subset):
    # when typing the start of each word
    found = codes("fract fem")
    # then femur fractures are found
    assert found and all(c.startswith("S72") for c in found)
    assert codes("hypert")[0] == "I10"
    assert codes("diab")[0] in {"E10.9", "E11.8", "E11.9"}


def test_a_number_being_typed_is_the_start_of_a_number_and_a_finished_one_is_whole(
    icd10_subset,
):
    # while "3" is still being typed it also finds stage 3a and 3b
    assert {"N18.30", "N18.31", "N18.32"} <= set(codes("chronic kidney disease stage 3"))
    # once followed by a space it is the whole number 3
    assert "N18.31" not in codes("chronic kidney disease stage 3 ")
    assert codes("ckd stage 3 ")[0] == "N18.30"


def test_a_single_letter_being_typed_waits_for_the_next_one(icd10_subset):
    # "low back p" is on its way to "low back pain": the "p" does not empty the list
    assert codes("low back p") == codes("low back")
    assert "M54.50" in codes("low back p")


def test_inclusion_terms_are_searched(icd10_subset):
    # when typing a lay term listed only as an inclusion term
    # then the code is found
    assert codes("high blood pressure") == ["I10"]
    assert codes("lumbago") == ["M54.50"]
    assert "J06.9" in codes("upper respiratory infection NOS")


def test_words_in_the_description_rank_before_words_only_in_inclusion_terms(icd10_subset):
    # "respiratory" is in J06.9's description; J06.9 is also found through "upper
    # respiratory disease, acute", an inclusion term
    found = icd10_search(query="respiratory", limit=20)
    assert found[0].code == "J06.9"


def test_common_codes_rank_before_other_billable_codes(icd10_subset):
    # when a word matches a common code and uncommon ones
    found = icd10_search(query="type 2 diabetes", limit=40)
    ranks = [c.rank_class for c in found]
    # then common (0) before billable (1) before headers (2)
    assert ranks == sorted(ranks)
    assert ranks[0] == 0 and 1 in ranks


def test_abbreviations_are_understood(icd10_subset):
    assert codes("htn")[0] == "I10"
    assert codes("t2dm")[0] in {"E11.8", "E11.9"}
    assert "J06.9" in codes("uri")


def test_when_no_code_has_every_word_the_best_partial_matches_are_shown(icd10_subset):
    # given no code that is both about hypertension and the femur
    found = codes("hypertension femur")
    # then codes with one of the words are shown rather than nothing
    assert "I10" in found
    assert any(c.startswith("S72") for c in found)


def test_unknown_words_alone_find_nothing(icd10_subset):
    assert codes("xyzzy qwerty") == []


def test_a_misspelt_word_next_to_a_good_one_still_finds_something(icd10_subset):
    assert codes("hypertenshun essential") and codes("essential xhypert")[0] == "I10"


@pytest.mark.parametrize("query", ["", "   ", "E", "d", "%", "%%%", "'; --", "of the"])
def test_empty_short_and_symbol_only_queries_give_no_results_and_a_reason(icd10_subset, query):
    # when the query has nothing to search
    results = icd10_search(query=query)
    # then there are no results and a message that says why
    assert results == []
    assert icd10_query_problem(query)


def test_sql_looking_text_is_only_words(icd10_subset):
    assert codes("'; drop table coding_icd10cmcode; --") == []
    assert codes("E11.9") == ["E11.9"]


def test_wildcards_are_not_wildcards(icd10_subset):
    # a LIKE wildcard would make "%11" and "_11" match E11 codes
    assert codes("%11") == codes("_11") == codes("11")
    assert not any(c.startswith("E11") for c in codes("%11"))


def test_a_very_long_query_is_refused_with_a_clear_message(icd10_subset):
    with pytest.raises(ValidationFailed, match="too long"):
        icd10_search(query="diabetes " * 20)
    assert "too long" in icd10_query_problem("x" * 101)


def test_many_words_are_searched_up_to_a_limit(icd10_subset):
    # when a long query of real words is typed (under the length limit)
    found = codes("type 2 diabetes mellitus without complications unspecified other severe")
    # then it still answers
    assert isinstance(found, list)


@pytest.mark.parametrize("limit", [0, -1, MAX_LIMIT + 1])
def test_a_limit_out_of_range_is_refused(icd10_subset, limit):
    with pytest.raises(ValidationFailed, match="limit"):
        icd10_search(query="E11", limit=limit)


def test_the_limit_is_respected(icd10_subset):
    assert len(codes("E11", 5)) == 5
    assert len(codes("diabetes", 3)) == 3


def test_a_word_search_takes_a_fixed_number_of_queries(icd10_subset):
    # when searching words
    with CaptureQueriesContext(connection) as ctx:
        icd10_search(query="type 2 diabetic kidney", limit=20)
    # then: vocabulary, candidates, their index entries, the codes
    assert len(ctx) == 4


def test_a_one_word_search_takes_three_queries(icd10_subset):
    # vocabulary, candidates (already in final order), the codes
    with CaptureQueriesContext(connection) as ctx:
        found = icd10_search(query="diabetes", limit=20)
    assert len(ctx) == 3 and found


def test_a_code_search_takes_one_query(icd10_subset):
    with CaptureQueriesContext(connection) as ctx:
        icd10_search(query="E11", limit=20)
    assert len(ctx) == 1


def test_one_code_is_read_with_or_without_the_dot(icd10_subset):
    assert icd10_get(code="e119").code == "E11.9"
    assert icd10_get(code="E08-E13").kind == CodeKind.BLOCK
    # B99 is a block and its single category: the category is meant
    assert icd10_get(code="B99").kind == CodeKind.CATEGORY


@pytest.mark.parametrize("code", ["E11.99", "", "X" * 50, "not a code"])
def test_an_unknown_code_is_not_found(icd10_subset, code):
    with pytest.raises(NotFound):
        icd10_get(code=code)


def test_ancestors_go_from_the_parent_to_the_chapter(icd10_subset):
    assert [a.code for a in icd10_ancestors(icd10_get(code="S72.001A"))] == [
        "S72.001",
        "S72.00",
        "S72.0",
        "S72",
        "S70-S79",
        "19",
    ]
    assert [a.code for a in icd10_ancestors(icd10_get(code="B99.9"))] == ["B99", "B99", "1"]
    assert [a.kind for a in icd10_ancestors(icd10_get(code="B99.9"))][:2] == [
        CodeKind.CATEGORY,
        CodeKind.BLOCK,
    ]


def test_children_are_the_codes_directly_under(icd10_subset):
    assert [c.code for c in icd10_children(icd10_get(code="E11.2"))] == [
        "E11.21",
        "E11.22",
        "E11.29",
    ]
    block = icd10_get(code="B99")
    assert [c.code for c in icd10_children(block)] == ["B99.8", "B99.9"]
