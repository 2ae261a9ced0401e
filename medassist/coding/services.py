"""Loading the ICD-10-CM code set and its search index (the only writes of this app).

`icd10cm_load` compares what the release says with what the database holds and writes only the
difference, so a second run changes nothing. Code-set data is reference data, not patient
data: no audit events."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connection, transaction
from django.db.models import Count

from medassist.coding import source, text
from medassist.coding.models import (
    CodeKind,
    Icd10cmCode,
    Icd10cmPosting,
    Icd10cmWord,
    RankClass,
    posting_tier,
)
from medassist.core.errors import ValidationFailed

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_KEY_WIDTH = 8
_BASE = len(_ALPHABET) + 1
BULK_REINDEX_ROWS = 50_000
CODE_FIELDS = (
    "code_compact",
    "description",
    "billable",
    "common",
    "rank_class",
    "sort_key",
    "chapter",
    "block",
    "parent_code",
    "inclusion_terms",
    "excludes1",
    "excludes2",
)


def compact(code: str) -> str:
    return code.replace(".", "").upper()


def sort_key(code: str) -> int:
    """An integer that orders codes shorter first, then alphabetically (E11 < E11.9 < E11.65)."""
    chars = compact(code).replace("-", "")[:_KEY_WIDTH]
    value = 0
    for ch in chars.ljust(_KEY_WIDTH):
        value = value * _BASE + (_ALPHABET.find(ch) + 1 if ch != " " else 0)
    return len(chars) * _BASE**_KEY_WIDTH + value


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return text.stem(word)


@dataclass
class LoadReport:
    codes_total: int = 0
    billable_total: int = 0
    codes_created: int = 0
    codes_updated: int = 0
    codes_deleted: int = 0
    postings_created: int = 0
    postings_deleted: int = 0
    words_created: int = 0
    words_updated: int = 0
    words_deleted: int = 0
    seconds: float = 0.0
    unknown_common: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(
            (
                self.codes_created,
                self.codes_updated,
                self.codes_deleted,
                self.postings_created,
                self.postings_deleted,
                self.words_created,
                self.words_updated,
                self.words_deleted,
            )
        )

    def lines(self) -> list[str]:
        return [
            f"Release: {source.RELEASE}",
            f"codes: {self.codes_total} in the database ({self.billable_total} billable); "
            f"{self.codes_created} added, {self.codes_updated} updated, "
            f"{self.codes_deleted} removed",
            f"search index: {self.postings_created} entries added, "
            f"{self.postings_deleted} removed; words: {self.words_created} added, "
            f"{self.words_updated} updated, {self.words_deleted} removed",
            "nothing changed" if not self.changed else "changes saved",
            f"took {self.seconds:.1f} s",
        ]


def _desired_rows(items: list[source.SourceCode], common: list[str]) -> dict[tuple, tuple]:
    """The database row of each item. A common code's sort key is its place in the curated
    list (I10 first, E11.9 before E11.8): every other key is larger."""
    position = {code: n for n, code in enumerate(common)}
    rows = {}
    for item in items:
        is_common = item.billable and item.code in position
        if is_common:
            rank = RankClass.COMMON
        elif item.billable:
            rank = RankClass.BILLABLE
        else:
            rank = RankClass.HEADER
        rows[(item.code, item.kind)] = (
            compact(item.code),
            item.description,
            item.billable,
            is_common,
            int(rank),
            position[item.code] if is_common else sort_key(item.code),
            item.chapter,
            item.block,
            item.parent_code,
            "\n".join(item.inclusion_terms),
            "\n".join(item.excludes1),
            "\n".join(item.excludes2),
        )
    return rows


def _index_entries(description: str, inclusion_terms: str) -> dict[str, bool]:
    """stem -> True when it is in the description, False when only in the inclusion terms."""
    entries = {_stem(w): True for w in text.words(description)}
    for w in text.words(inclusion_terms):
        entries.setdefault(_stem(w), False)
    return entries


def _category_key(code: str, kind: str) -> tuple[str, str] | None:
    if kind in (CodeKind.CATEGORY, CodeKind.SUBCATEGORY):
        return (code[:3], CodeKind.CATEGORY)
    return None


def _wanted_postings(desired: dict[tuple, tuple]) -> dict[tuple, set[tuple[str, int, int]]]:
    """The index entries of each code: (stem, tier, code_key), see Icd10cmPosting."""
    heading_cache: dict[tuple, set[str]] = {}

    def heading(key: tuple) -> set[str]:
        if key not in heading_cache:
            values = desired.get(key)
            heading_cache[key] = (
                set(_index_entries(values[1], values[9])) if values is not None else set()
            )
        return heading_cache[key]

    out = {}
    for key, values in desired.items():
        rank, key_value = values[4], values[5]
        category = _category_key(*key)
        title = heading(category) if category else heading(key)
        out[key] = {
            (stem, posting_tier(rank, stem in title, in_desc), key_value)
            for stem, in_desc in _index_entries(values[1], values[9]).items()
        }
    return out


def _chunks(values: list, size: int = 900):
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _insert_rows(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert many rows fast (a full load writes some 860,000). Django's bulk_create spends
    most of its time building objects and, on SQLite, sends at most 999 values a statement.
    Each engine's own bulk path instead: SQLite's executemany, PostgreSQL's COPY (psycopg 3),
    and multi-row INSERTs elsewhere."""
    if not rows:
        return
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    names = ", ".join(qn(c) for c in columns)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES {one}", rows)  # noqa: S608
            return
        if connection.vendor == "postgresql" and hasattr(cursor.cursor, "copy"):
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        per_statement = max(1, 8000 // len(columns))
        for batch in _chunks(rows, per_statement):
            values = ", ".join([one] * len(batch))
            sql = f"INSERT INTO {table} ({names}) VALUES {values}"  # noqa: S608
            cursor.execute(sql, [v for row in batch for v in row])


@transaction.atomic
def icd10cm_load(*, codes: Iterable[str] | None = None) -> LoadReport:
    """Load the ICD-10-CM release into the database, writing only what differs.

    With `codes` (e.g. ["E11", "I10"]) only those codes, their descendants and ancestors are
    loaded and nothing else is touched (for tests and small installs). Without it the whole
    release is loaded and codes no longer in it are removed."""
    started = time.perf_counter()
    report = LoadReport()
    full = codes is None
    if not full:
        codes = [c for c in (codes or []) if str(c).strip()]
        if not codes:
            raise ValidationFailed("Give at least one code to load.", field="codes")
    items = source.read_codes(None if full else codes)
    common_list = source.common_codes()
    if full:
        present = {item.code for item in items}
        report.unknown_common = [c for c in common_list if c not in present]
    desired = _desired_rows(items, common_list)
    ids, touched = _sync_codes(desired, full=full, report=report)
    stem_counts = _sync_postings(desired, ids, touched, full=full, report=report)
    _sync_words(desired, stem_counts, full=full, report=report)
    if report.changed:
        # Fresh statistics, or the query planner guesses at the new rows (PostgreSQL has
        # none for a freshly loaded table and would scan the whole index table).
        with connection.cursor() as cursor:
            for model in (Icd10cmCode, Icd10cmWord, Icd10cmPosting):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    report.codes_total = Icd10cmCode.objects.count()
    report.billable_total = Icd10cmCode.objects.filter(billable=True).count()
    report.seconds = time.perf_counter() - started
    return report


def _sync_codes(
    desired: dict[tuple, tuple], *, full: bool, report: LoadReport
) -> tuple[dict[tuple, int], set[int]]:
    """Create, update and (full load only) remove code rows. Returns the ids of the desired
    codes and the ids whose row was created or changed."""
    query = Icd10cmCode.objects.values_list("id", "code", "kind", *CODE_FIELDS)
    if full:
        rows = list(query)
    else:
        names = sorted({key[0] for key in desired})
        rows = [row for chunk in _chunks(names) for row in query.filter(code__in=chunk)]
    existing = {(row[1], row[2]): (row[0], row[3:]) for row in rows}
    to_create, to_update = [], []
    for key, values in desired.items():
        if key not in existing:
            to_create.append((key[0], key[1], *values))
        elif existing[key][1] != values:
            obj = Icd10cmCode(id=existing[key][0], code=key[0], kind=key[1])
            for name, value in zip(CODE_FIELDS, values, strict=True):
                setattr(obj, name, value)
            to_update.append(obj)
    stale = [pk for key, (pk, _) in existing.items() if key not in desired] if full else []
    for chunk in _chunks(stale):
        Icd10cmPosting.objects.filter(code_id__in=chunk).delete()
        Icd10cmCode.objects.filter(id__in=chunk).delete()
    _insert_rows(Icd10cmCode, ("code", "kind", *CODE_FIELDS), to_create)
    Icd10cmCode.objects.bulk_update(to_update, CODE_FIELDS, batch_size=500)
    report.codes_created, report.codes_updated = len(to_create), len(to_update)
    report.codes_deleted = len(stale)

    ids = {key: pk for key, (pk, _) in existing.items() if key in desired}
    touched = {obj.id for obj in to_update}
    if to_create:
        names = sorted({row[0] for row in to_create})
        id_query = Icd10cmCode.objects.values_list("id", "code", "kind")
        for chunk in _chunks(names):
            for pk, code, kind in id_query.filter(code__in=chunk):
                if (code, kind) in desired and (code, kind) not in ids:
                    ids[(code, kind)] = pk
                    touched.add(pk)
    return ids, touched


def _sync_postings(
    desired: dict[tuple, tuple],
    ids: dict[tuple, int],
    touched: set[int],
    *,
    full: bool,
    report: LoadReport,
) -> dict[str, int]:
    """Rewrite the index entries of every code that was created or changed, or whose entry
    count in the database differs from what it should be. Returns codes per stem."""
    by_key = _wanted_postings(desired)
    want = {ids[key]: entries for key, entries in by_key.items()}
    # A category's words are its codes' heading: when a category changes, so do its codes.
    changed_categories = {
        key[0] for key, pk in ids.items() if pk in touched and key[1] == "category"
    }
    if changed_categories:
        touched = touched | {
            pk for key, pk in ids.items() if key[1] != "block" and key[0][:3] in changed_categories
        }
    count_query = Icd10cmPosting.objects.values_list("code_id").annotate(n=Count("stem")).order_by()
    if full:
        have = dict(count_query)
    else:
        have = {}
        for chunk in _chunks(list(want)):
            have.update(count_query.filter(code_id__in=chunk))
    redo = [pk for pk, entries in want.items() if pk in touched or have.get(pk) != len(entries)]
    stale = [pk for pk in have if pk not in want] if full else []
    for chunk in _chunks([pk for pk in redo if pk in have] + stale):
        report.postings_deleted += Icd10cmPosting.objects.filter(code_id__in=chunk).delete()[0]
    rows = [(pk, stem, tier, key_value) for pk in redo for stem, tier, key_value in want[pk]]
    if len(rows) > BULK_REINDEX_ROWS:
        # Filling a B-tree in random order is slow; building it once after the insert is
        # about three times faster (both databases have transactional DDL).
        editor = connection.schema_editor()
        editor.deferred_sql = []  # used as a statement builder only, never entered
        index = Icd10cmPosting._meta.indexes[0]
        with connection.cursor() as cursor:
            cursor.execute(str(index.remove_sql(Icd10cmPosting, editor)))
            _insert_rows(Icd10cmPosting, ("code_id", "stem", "tier", "code_key"), rows)
            cursor.execute(str(index.create_sql(Icd10cmPosting, editor)))
    else:
        _insert_rows(Icd10cmPosting, ("code_id", "stem", "tier", "code_key"), rows)
    report.postings_created = len(rows)
    if full:
        counts: dict[str, int] = defaultdict(int)
        for entries in want.values():
            for stem, _, _ in entries:
                counts[stem] += 1
        return dict(counts)
    return dict(Icd10cmPosting.objects.values_list("stem").annotate(n=Count("code_id")).order_by())


def _sync_words(
    desired: dict[tuple, tuple], stem_counts: dict[str, int], *, full: bool, report: LoadReport
) -> None:
    """The vocabulary: every indexed word, its stem and how many codes carry that stem."""
    have = {
        w: (pk, s, n)
        for pk, w, s, n in Icd10cmWord.objects.values_list("id", "word", "stem", "stem_codes")
    }
    vocabulary: dict[str, str] = {}
    for values in desired.values():
        for w in text.words(values[1] + "\n" + values[9]):
            if w not in vocabulary:
                vocabulary[w] = _stem(w)
    if not full:
        for w, (_, s, _) in have.items():
            vocabulary.setdefault(w, s)
    vocabulary = {w: s for w, s in vocabulary.items() if s in stem_counts}
    new, changed = [], []
    for w, s in vocabulary.items():
        if w not in have:
            new.append((w, s, stem_counts[s]))
        elif have[w][1:] != (s, stem_counts[s]):
            changed.append(Icd10cmWord(id=have[w][0], word=w, stem=s, stem_codes=stem_counts[s]))
    gone = [pk for w, (pk, _, _) in have.items() if w not in vocabulary]
    for chunk in _chunks(gone):
        Icd10cmWord.objects.filter(id__in=chunk).delete()
    _insert_rows(Icd10cmWord, ("word", "stem", "stem_codes"), new)
    Icd10cmWord.objects.bulk_update(changed, ["stem", "stem_codes"], batch_size=500)
    report.words_created, report.words_updated = len(new), len(changed)
    report.words_deleted = len(gone)
