"""Loading ICD-10-CM subsets: what lands in the database, idempotency, repair, refusals."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from medassist.coding import source
from medassist.coding.models import CodeKind, Icd10cmCode, Icd10cmPosting, Icd10cmWord
from medassist.coding.selectors import icd10_search
from medassist.coding.services import icd10cm_load, sort_key
from medassist.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def snapshot() -> tuple:
    return (
        sorted(Icd10cmCode.objects.values_list()),
        sorted(Icd10cmPosting.objects.values_list("code_id", "stem", "tier", "code_key")),
        sorted(Icd10cmWord.objects.values_list()),
    )


def test_loading_a_family_brings_its_codes_descendants_and_ancestors():
    # given an empty code set
    # when the E11 family is loaded
    report = icd10cm_load(codes=["E11"])
    # then every code of the family is there with its block and chapter
    expected = {(item.code, item.kind) for item in source.read_codes(["E11"])}
    assert set(Icd10cmCode.objects.values_list("code", "kind")) == expected
    assert report.codes_created == report.codes_total == len(expected)
    assert ("E11.9", CodeKind.SUBCATEGORY) in expected
    assert ("E08-E13", CodeKind.BLOCK) in expected
    assert ("4", CodeKind.CHAPTER) in expected


def test_a_billable_code_knows_its_chapter_block_parent_and_rank():
    # given the E11 family
    icd10cm_load(codes=["E11"])
    # when reading E11.9 and its category
    code = Icd10cmCode.objects.get(code="E11.9")
    category = Icd10cmCode.objects.get(code="E11")
    chapter = Icd10cmCode.objects.get(kind=CodeKind.CHAPTER)
    # then
    assert code.description == "Type 2 diabetes mellitus without complications"
    assert (code.billable, code.common, code.rank_class) == (True, True, 0)
    assert (code.kind, code.chapter, code.block, code.parent_code) == (
        CodeKind.SUBCATEGORY,
        "IV",
        "E08-E13",
        "E11",
    )
    assert code.code_compact == "E119"
    assert "type 2 diabetes mellitus, without complications in remission (E11.A)" in (
        code.excludes1
    )
    assert (category.kind, category.billable, category.rank_class) == (CodeKind.CATEGORY, False, 2)
    assert "diabetes NOS" in category.inclusion_terms.splitlines()
    assert (chapter.code, chapter.chapter, chapter.block, chapter.parent_code) == (
        "4",
        "IV",
        "",
        "",
    )


def test_inclusion_terms_and_includes_notes_are_kept_one_per_line():
    # given hypertension and upper respiratory infections
    icd10cm_load(codes=["I10", "J06"])
    # then inclusion terms and 'includes' notes are stored line by line
    assert Icd10cmCode.objects.get(code="J06.9").inclusion_terms.splitlines() == [
        "Upper respiratory disease, acute",
        "Upper respiratory infection NOS",
    ]
    assert "high blood pressure" in Icd10cmCode.objects.get(code="I10").inclusion_terms


def test_a_block_holding_one_category_of_its_own_name_is_loaded_as_both():
    # given block B99 which holds only category B99
    icd10cm_load(codes=["B99"])
    # then there is a block row and a category row, the category under the block
    block = Icd10cmCode.objects.get(code="B99", kind=CodeKind.BLOCK)
    category = Icd10cmCode.objects.get(code="B99", kind=CodeKind.CATEGORY)
    assert (block.parent_code, block.chapter, block.block) == ("1", "I", "B99")
    assert (category.parent_code, category.block) == ("B99", "B99")
    assert set(Icd10cmCode.objects.filter(parent_code="B99").values_list("code", "kind")) == {
        ("B99", CodeKind.CATEGORY),
        ("B99.8", CodeKind.SUBCATEGORY),
        ("B99.9", CodeKind.SUBCATEGORY),
    }


def test_loading_again_changes_nothing():
    # given a loaded subset
    icd10cm_load(codes=["E11", "I10", "J06"])
    before = snapshot()
    # when it is loaded again
    report = icd10cm_load(codes=["E11", "I10", "J06"])
    # then nothing was written and the report says so
    assert not report.changed
    assert (report.codes_created, report.codes_updated, report.postings_created) == (0, 0, 0)
    assert "nothing changed" in report.lines()
    assert snapshot() == before


def test_a_changed_code_is_put_back_and_reindexed():
    # given a loaded subset where someone changed a description and lost index entries
    icd10cm_load(codes=["E11"])
    Icd10cmCode.objects.filter(code="E11.9").update(description="tampered")
    Icd10cmPosting.objects.filter(code__code="E11.65").delete()
    # when loaded again
    report = icd10cm_load(codes=["E11"])
    # then the description and the index are as the release says
    assert report.codes_updated == 1
    assert report.postings_created > 0
    assert Icd10cmCode.objects.get(code="E11.9").description.startswith("Type 2 diabetes")
    assert "E11.65" in [c.code for c in icd10_search(query="hyperglycemia", limit=5)]


def test_loading_another_subset_keeps_the_codes_already_loaded():
    # given the E11 family
    icd10cm_load(codes=["E11"])
    # when hypertension is loaded as well
    icd10cm_load(codes=["I10"])
    # then both can be found
    assert [c.code for c in icd10_search(query="I10", limit=1)] == ["I10"]
    assert [c.code for c in icd10_search(query="e119", limit=1)] == ["E11.9"]


def test_a_full_load_removes_codes_no_longer_in_the_release(monkeypatch):
    # given E11 and I10 loaded
    icd10cm_load(codes=["E11", "I10"])
    real = source.read_codes
    # when a full load runs against a release that only has I10 (a stand-in for a release
    # that dropped codes)
    monkeypatch.setattr(source, "read_codes", lambda codes=None: real(["I10"]))
    report = icd10cm_load()
    # then the E11 family, its index entries and its words are gone; I10 stays
    assert report.codes_deleted == len(real(["E11"]))
    assert not Icd10cmCode.objects.filter(code__startswith="E11").exists()
    assert not Icd10cmWord.objects.filter(word="mellitus").exists()
    assert Icd10cmPosting.objects.filter(code__code="I10").exists()
    assert icd10_search(query="diabetes", limit=5) == []


def test_unknown_codes_are_refused_and_nothing_is_loaded():
    # when the list has a code that is not in the release
    with pytest.raises(ValidationFailed) as error:
        icd10cm_load(codes=["E11", "ZZ9.9", "banana"])
    # then the message names them and nothing was written
    assert "ZZ9.9" in error.value.message and "banana" in error.value.message
    assert not Icd10cmCode.objects.exists()


def test_an_empty_code_list_is_refused():
    with pytest.raises(ValidationFailed):
        icd10cm_load(codes=[" "])
    assert not Icd10cmCode.objects.exists()


def test_the_command_loads_and_reports_counts_then_changes_nothing():
    # when the command runs twice
    first, second = StringIO(), StringIO()
    call_command("load_icd10cm", "--codes", "I10", stdout=first)
    call_command("load_icd10cm", "--codes", "I10", stdout=second)
    # then it reported what it added, then that nothing changed
    count = Icd10cmCode.objects.count()
    assert f"codes: {count} in the database (1 billable); {count} added" in first.getvalue()
    assert "nothing changed" in second.getvalue()


def test_the_command_explains_an_unknown_code():
    with pytest.raises(CommandError, match="Q99.99X"):
        call_command("load_icd10cm", "--codes", "Q99.99X", stdout=StringIO())


def test_sort_key_puts_shorter_codes_first_then_code_order():
    codes = ["E11.65", "E11", "E11.9", "A00.0", "E11.8", "S72.001A"]
    assert sorted(codes, key=sort_key) == ["E11", "A00.0", "E11.8", "E11.9", "E11.65", "S72.001A"]


def test_every_common_code_is_a_billable_code_of_the_release():
    import simple_icd_10_cm as cm

    # given the curated list (the full-load test checks the database too)
    common = source.common_codes()
    # then each entry is a leaf code of the release, listed once
    assert len(common) == len(set(common)) >= 150
    not_billable = [c for c in common if not (cm.is_valid_item(c) and cm.is_leaf(c))]
    assert not_billable == []


def test_codes_are_read_with_or_without_the_dot():
    assert source.normalize_code("e119") == "E11.9"
    assert source.normalize_code("E11.") == "E11"
    assert source.normalize_code("e08-e13") == "E08-E13"
    assert source.normalize_code(" s72001a ") == "S72.001A"
