"""Reading the ICD-10-CM April 2026 release bundled with `simple-icd-10-cm`.

Only this module imports the package (it parses a 10 MB XML file on first import, about two
seconds). It returns plain rows; services.py writes them to the database."""

from __future__ import annotations

import csv
import warnings
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from medassist.coding.errors import Code
from medassist.coding.models import CodeKind

RELEASE = "ICD-10-CM April 1, 2026 (simple-icd-10-cm 1.5.0)"
COMMON_CSV = Path(__file__).resolve().parent / "data" / "common_icd10cm.csv"

_ROMAN = (
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


def roman(number: int) -> str:
    out = []
    for value, letters in _ROMAN:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


@dataclass(frozen=True)
class SourceCode:
    code: str
    kind: str
    description: str
    billable: bool
    chapter: str
    block: str
    parent_code: str
    inclusion_terms: tuple[str, ...]
    excludes1: tuple[str, ...]
    excludes2: tuple[str, ...]


def _package():
    with warnings.catch_warnings():
        # The package reads its data with importlib.resources' deprecated read_text.
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm

    return simple_icd_10_cm


def normalize_code(value: str) -> str:
    """'e119' -> 'E11.9'; 'E11.' -> 'E11'; blocks and chapters stay as written ('E08-E13')."""
    value = (value or "").strip().upper().rstrip(".")
    if "-" in value or value.isdigit() or len(value) <= 3 or "." in value:
        return value
    return f"{value[:3]}.{value[3:]}"


@cache
def _all_items() -> tuple[tuple[str, bool], ...]:
    """Every item of the tabular list in order, as (code, is_block_twin). Some blocks hold a
    single category of the same name (block B99 holds category B99): the package lists both,
    the block first; `is_block_twin` marks that first one."""
    cm = _package()
    codes = cm.get_all_codes(with_dots=True)
    twins = {code for code, n in Counter(codes).items() if n > 1}
    seen: set[str] = set()
    items = []
    for code in codes:
        twin = code in twins and code not in seen
        seen.add(code)
        items.append((code, twin))
    return tuple(items)


def all_codes() -> list[str]:
    """Every code of the release as the package lists it (98,505 items, 39 names twice)."""
    return [code for code, _ in _all_items()]


def _select(codes: Iterable[str]) -> set[str]:
    """The given codes with all their descendants and ancestors."""
    cm = _package()
    wanted: set[str] = set()
    unknown = []
    for raw in codes:
        code = normalize_code(raw)
        if not cm.is_valid_item(code):
            unknown.append(raw)
            continue
        wanted.add(code)
        wanted.update(cm.get_descendants(code))
        wanted.update(cm.get_ancestors(code))
        if cm.is_block(code):
            wanted.update(cm.get_descendants(code, prioritize_blocks=True))
    if unknown:
        from medassist.core.errors import ValidationFailed

        raise ValidationFailed(
            "Not ICD-10-CM codes in the April 2026 release: " + ", ".join(sorted(unknown)),
            field="codes",
            code=Code.UNKNOWN_CODE,
        )
    return wanted


def read_codes(codes: Iterable[str] | None = None) -> list[SourceCode]:
    """All items of the release, or only `codes` with their descendants and ancestors."""
    if codes is None:
        return list(_read_all())
    return _read(_select(codes))


@cache
def _read_all() -> tuple[SourceCode, ...]:
    return tuple(_read(None))


def _read(wanted: set[str] | None) -> list[SourceCode]:
    cm = _package()
    rows = []
    for code, twin in _all_items():
        if wanted is not None and code not in wanted:
            continue
        ancestors = cm.get_ancestors(code, prioritize_blocks=twin)
        if cm.is_chapter(code):
            kind, chapter_no, block = CodeKind.CHAPTER, code, ""
        elif twin or (cm.is_block(code) and "-" in code):
            kind, chapter_no, block = CodeKind.BLOCK, ancestors[-1], code
        else:
            kind = CodeKind.CATEGORY if cm.is_category(code) else CodeKind.SUBCATEGORY
            chapter_no, block = ancestors[-1], ancestors[-2]
        header = kind in (CodeKind.CHAPTER, CodeKind.BLOCK)
        rows.append(
            SourceCode(
                code=code,
                kind=kind,
                description=cm.get_description(code, prioritize_blocks=twin),
                billable=not header and cm.is_leaf(code),
                chapter=roman(int(chapter_no)),
                block=block,
                parent_code=cm.get_parent(code, prioritize_blocks=twin),
                inclusion_terms=tuple(
                    cm.get_inclusion_term(code, prioritize_blocks=twin)
                    + cm.get_includes(code, prioritize_blocks=twin)
                ),
                excludes1=tuple(cm.get_excludes1(code, prioritize_blocks=twin)),
                excludes2=tuple(cm.get_excludes2(code, prioritize_blocks=twin)),
            )
        )
    return rows


def common_codes(path: Path = COMMON_CSV) -> list[str]:
    """The curated common primary-care codes, in file order."""
    with path.open(newline="", encoding="utf-8") as f:
        lines = (line for line in f if line.strip() and not line.startswith("#"))
        return [row["code"].strip() for row in csv.DictReader(lines) if row["code"].strip()]
