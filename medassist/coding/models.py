"""ICD-10-CM code set and its search index.

The code set is reference data (not patient data): loaded by `medassist load_icd10cm` from the
April 2026 release bundled with `simple-icd-10-cm`, read by the search selectors. Plain portable
fields only; the search index is an inverted index (word stem -> code) filled at load time, so
both SQLite and PostgreSQL answer a typeahead query from ordinary B-tree indexes.
"""

from __future__ import annotations

from django.db import models


class CodeKind(models.TextChoices):
    CHAPTER = "chapter", "Chapter"
    BLOCK = "block", "Block"
    CATEGORY = "category", "Category"
    SUBCATEGORY = "subcategory", "Subcategory"


class RankClass(models.IntegerChoices):
    """The first ranking key of every search: common codes, then billable, then headers."""

    COMMON = 0, "Common billable code"
    BILLABLE = 1, "Billable code"
    HEADER = 2, "Header (not billable)"


class Icd10cmCode(models.Model):
    """One item of the ICD-10-CM tabular list: chapter, block, category or (sub)code.

    `code` is written as in the source: "E11.9" (with the dot), "E08-E13" for a block and the
    chapter number ("4") for a chapter. A few blocks hold a single category of the same name
    (block "B99" holds category "B99"), so a code is unique only together with its kind."""

    code = models.CharField(max_length=10)
    code_compact = models.CharField(
        max_length=10, db_index=True, help_text="Upper case, without the dot: E119."
    )
    kind = models.CharField(max_length=12, choices=CodeKind.choices)
    description = models.CharField(max_length=400)
    billable = models.BooleanField(
        default=False, help_text="A leaf of the tabular list: valid on a claim."
    )
    common = models.BooleanField(
        default=False, help_text="On the curated list of common primary-care diagnoses."
    )
    rank_class = models.PositiveSmallIntegerField(choices=RankClass.choices)
    sort_key = models.BigIntegerField(
        help_text="Common codes in the curated list's order, then shorter codes first, then "
        "code order."
    )
    chapter = models.CharField(max_length=6, help_text="Roman numeral, e.g. IV.")
    block = models.CharField(max_length=10, blank=True, help_text="e.g. E08-E13.")
    parent_code = models.CharField(max_length=10, blank=True, db_index=True)
    inclusion_terms = models.TextField(
        blank=True, help_text="Inclusion terms and 'includes' notes, one per line."
    )
    excludes1 = models.TextField(blank=True)
    excludes2 = models.TextField(blank=True)

    class Meta:
        ordering = ["sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["code", "kind"], name="coding_icd10cm_code_kind_uniq")
        ]
        verbose_name = "ICD-10-CM code"

    def __str__(self) -> str:
        return f"{self.code} {self.description}"

    @property
    def is_header(self) -> bool:
        return not self.billable


class Icd10cmWord(models.Model):
    """The vocabulary: every word of the descriptions and inclusion terms, with its stem and
    how many codes carry that stem (the search starts from the rarest query word)."""

    word = models.CharField(max_length=60, unique=True)
    stem = models.CharField(max_length=60, db_index=True)
    stem_codes = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "ICD-10-CM word"

    def __str__(self) -> str:
        return f"{self.word} -> {self.stem}"


def posting_tier(rank_class: int, in_heading: bool, in_description: bool) -> int:
    """The relevance of one stem for one code, smaller is better: common/billable/header first,
    then whether the stem is in the code's category title (the concept: "femur" in S72
    "Fracture of femur", not in M80.051A's "Osteoporosis with current pathological fracture"),
    then whether it is in the code's own description rather than only its inclusion terms."""
    return rank_class * 4 + (0 if in_heading else 2) + (0 if in_description else 1)


def tier_flags(tier: int) -> tuple[int, bool, bool]:
    """(rank_class, in_heading, in_description) of a posting tier."""
    return tier // 4, tier % 4 < 2, tier % 2 == 0


class Icd10cmPosting(models.Model):
    """Inverted index: this stem occurs in this code's description or inclusion terms.

    `tier` is `posting_tier(...)` and `code_key` the code's sort_key, so the index
    `(stem, tier, code_key)` lists a stem's codes already in result order."""

    pk = models.CompositePrimaryKey("code_id", "stem")
    # No database constraint: the index is derived data that only the loader writes (it
    # removes a code's entries before the code), and checking 766,000 deferred foreign keys
    # cost a full load six seconds on PostgreSQL.
    code = models.ForeignKey(
        Icd10cmCode,
        on_delete=models.DO_NOTHING,
        db_index=False,
        db_constraint=False,
        related_name="+",
    )
    stem = models.CharField(max_length=60)
    tier = models.PositiveSmallIntegerField()
    code_key = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["stem", "tier", "code_key"], name="coding_posting_rank_idx")
        ]
        verbose_name = "ICD-10-CM index entry"

    def __str__(self) -> str:
        return f"{self.stem} -> {self.code_id}"
