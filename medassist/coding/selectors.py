"""Reading the ICD-10-CM code set: typeahead search and one code with its ancestors.

Code-set search is not patient data: no audit events.

Search, in short (docs/coding.md has the long form):
- A query that looks like a code ("E11", "e119", "S72.001A") finds codes starting with it,
  with or without the dot.
- Otherwise every word (in any order) must match a word of the description or inclusion terms,
  by stem ("fractures" = "fracture", "diabetic" = "diabetes") or as the start of a word ("fract
  fem"). The search starts from the rarest word's index entries, already stored in result
  order, and checks the other words per candidate, so a query reads a few hundred index rows
  at most instead of scanning the code set.
- Order: common billable codes, other billable codes, then headers; within each, more words
  matched, words in the code's category title (the concept), words in the description before
  words only in inclusion terms, shorter codes first.
- When no code has every word, codes with the most of them are shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, OuterRef, Q

from medassist.coding import text
from medassist.coding.errors import Code
from medassist.coding.models import (
    CodeKind,
    Icd10cmCode,
    Icd10cmPosting,
    Icd10cmWord,
    tier_flags,
)
from medassist.coding.source import normalize_code
from medassist.core.errors import NotFound, ValidationFailed

MIN_QUERY = 2
MAX_QUERY = 100
MAX_TERMS = 8
MAX_LIMIT = 100
SHORT_PREFIX_STEMS = 25
UNION_MAX_STEMS = 40
UNION_MIN_ENTRIES = 2000
SQL_TERMS = 3
_CODE_QUERY = re.compile(r"^[A-Z][0-9][0-9A-Z]?(\.?[0-9A-Z]{0,4})$")
_KIND_ORDER: dict[str, int] = {
    CodeKind.CHAPTER: 0,
    CodeKind.BLOCK: 1,
    CodeKind.CATEGORY: 2,
    CodeKind.SUBCATEGORY: 3,
}


def _startswith(field: str, prefix: str) -> Q:
    """A prefix match that uses the column's B-tree index on both databases. SQLite's LIKE is
    case-insensitive and cannot use a plain index, so it gets a range (our words and codes are
    [a-z0-9] / [A-Z0-9-], all sorting below "~"); PostgreSQL's LIKE 'x%' uses the
    varchar_pattern_ops index Django adds for indexed CharFields."""
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + "~"})
    return Q(**{f"{field}__startswith": prefix})


def icd10_query_problem(query: str) -> str:
    """Why a query gives no search (empty, too short, no letters or digits, too long), or ''."""
    q = (query or "").strip()
    if len(q) > MAX_QUERY:
        return f"Search text is too long: at most {MAX_QUERY} characters."
    if not q:
        return "Type a code (E11.9) or words of a diagnosis (type 2 diabetes)."
    if not text.TOKEN.search(q.lower()):
        return "Type letters or digits: a code (E11.9) or words of a diagnosis."
    if len(q) < MIN_QUERY:
        return f"Type at least {MIN_QUERY} characters."
    if _code_prefix(q) is None and not _terms(q):
        return "Those are only small words (of, and, with...): add a word of the diagnosis."
    return ""


def _code_prefix(query: str) -> str | None:
    q = query.strip().upper()
    if _CODE_QUERY.match(q):
        return q.replace(".", "")
    return None


def _terms(query: str) -> list[str]:
    seen: list[str] = []
    for token in text.words(query):
        if token not in seen:
            seen.append(token)
    return seen[:MAX_TERMS]


def icd10_search(*, query: str, limit: int = 20) -> list[Icd10cmCode]:
    """Typeahead search of the ICD-10-CM code set (see the module docstring).

    Empty, one-character and symbol-only queries give an empty list; a query longer than
    MAX_QUERY characters or a limit outside 1..MAX_LIMIT raises ValidationFailed."""
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(
            f"limit must be a whole number from 1 to {MAX_LIMIT}.", field="limit"
        )
    q = (query or "").strip()
    if len(q) > MAX_QUERY:
        raise ValidationFailed(
            f"Search text is too long: at most {MAX_QUERY} characters.",
            field="q",
            code=Code.QUERY_TOO_LONG,
        )
    if icd10_query_problem(q):
        return []
    results: list[Icd10cmCode] = []
    prefix = _code_prefix(q)
    if prefix:
        results = list(
            Icd10cmCode.objects.filter(_startswith("code_compact", prefix))
            .filter(kind__in=(CodeKind.CATEGORY, CodeKind.SUBCATEGORY))
            .order_by("rank_class", "sort_key")[:limit]
        )
        if results or "." in q:
            # A code that matched, or that can only be a code ("Z00.0"), is not also searched
            # as words; "b12" (vitamin B12) and "t2dm" are, when no code starts with them.
            return results
    # Words; a clinical abbreviation ("htn") is also searched as the words of its meaning,
    # and both lists are merged by rank class (billable before headers).
    terms = _terms(q)
    variants = [terms]
    expanded = list(dict.fromkeys(text.expand_abbreviations(terms)))[:MAX_TERMS]
    if expanded != terms:
        variants.insert(0, expanded)
    seen = {item.pk for item in results}
    found: list[tuple[tuple, Icd10cmCode]] = []
    for number, variant in enumerate(variants):
        # the last word may still be being typed, unless it ends the query with a space
        open_last = number == len(variants) - 1 and not (query or "")[-1:].isspace()
        for position, (key, item) in enumerate(_word_search(variant, limit, open_last=open_last)):
            if item.pk not in seen:
                seen.add(item.pk)
                found.append(((key[0], number, position), item))
    found.sort(key=lambda pair: pair[0])
    results.extend(item for _, item in found)
    return results[:limit]


@dataclass
class _Term:
    word: str
    stems: dict[str, int]  # stem -> how many codes carry it

    @property
    def weight(self) -> int:
        return sum(self.stems.values())


def _lookup_terms(words: list[str], *, open_last: bool) -> list[_Term]:
    """Each query word with the indexed stems it matches (one query).

    A finished word matches by stem ("fractures" finds "fracture", "fractured"). The word
    being typed (the last one, unless the query ends with a space) and any word that is no
    indexed word or stem ("fract", "fem") also match as the start of indexed words or stems.
    Single letters must match whole (one being typed is left out until it is finished), and
    so must numbers other than the one being typed; a number being typed may have letters
    after it ("stage 3" also finds "3a"). A two-letter start keeps only its
    SHORT_PREFIX_STEMS most frequent completions."""
    terms = [_Term(w, {}) for w in words]
    typing = [open_last and n == len(terms) - 1 for n in range(len(terms))]
    whole = [
        len(t.word) == 1 and not t.word.isdigit() or (t.word.isdigit() and not typing[n])
        for n, t in enumerate(terms)
    ]
    condition = Q()
    for number, term in enumerate(terms):
        if whole[number]:
            condition |= Q(word=term.word)
        else:
            condition |= _startswith("word", term.word) | _startswith("stem", text.stem(term.word))
    rows = list(Icd10cmWord.objects.filter(condition).values_list("word", "stem", "stem_codes"))
    for number, term in enumerate(terms):
        if whole[number] and typing[number]:
            continue  # a single letter being typed says nothing yet ("low back p")
        if whole[number]:
            term.stems = {stem: n for word, stem, n in rows if word == term.word}
            continue
        if term.word.isdigit():
            # A number being typed: itself, or itself with letters ("3" finds 3a and 3b,
            # not 30 or 300)
            size = len(term.word)
            term.stems = {
                stem: n
                for word, stem, n in rows
                if word == term.word or (word.startswith(term.word) and word[size:].isalpha())
            }
            continue
        own = text.stem(term.word)
        # A finished word: an indexed word, or an inflected form whose stem is indexed
        # ("diabetics"). "fract" is not finished even though "fraction" stems to "fract".
        finished = any(word == term.word for word, _, _ in rows) or own != term.word
        exact = {stem: n for word, stem, n in rows if stem == own} if finished else {}
        if exact and not typing[number]:
            term.stems = exact
            continue
        started = {
            stem: n for word, stem, n in rows if word.startswith(term.word) or stem.startswith(own)
        }
        if len(term.word) <= 2 and len(started) > SHORT_PREFIX_STEMS:
            started = dict(sorted(started.items(), key=lambda kv: -kv[1])[:SHORT_PREFIX_STEMS])
        term.stems = started
    return terms


def _word_search(
    words: list[str], limit: int, *, open_last: bool
) -> list[tuple[tuple, Icd10cmCode]]:
    """(rank key, code) pairs, best first."""
    terms = [t for t in _lookup_terms(words, open_last=open_last) if t.stems] if words else []
    if not terms:
        return []
    terms.sort(key=lambda t: t.weight)
    window = max(limit * 4, 60) * (3 if len(terms) > SQL_TERMS else 1)
    rows = _codes_with_all(terms, window)
    if len(terms) == 1:
        # One word: the index order is already the final order, no second look needed.
        keys: dict[int, tuple] = {}
        for code_id, tier, code_key in rows:
            rank_class, in_heading, in_description = tier_flags(tier)
            keys.setdefault(code_id, (rank_class, -1, -in_heading, -in_description, code_key))
    else:
        ids = list(dict.fromkeys(row[0] for row in rows))
        for attempt in [] if ids else _fallbacks(terms):
            # No code has every word: the codes with the most of them.
            for subset in attempt:
                found = _codes_with_all(subset, window)
                ids.extend(row[0] for row in found if row[0] not in ids)
            if ids:
                break
        keys = _rank_keys(ids, terms)
        if len(terms) > SQL_TERMS:
            # The words beyond the rarest SQL_TERMS are checked here: keep the codes with
            # every word if there are any, else these candidates rank by words matched.
            complete = {pk: key for pk, key in keys.items() if -key[1] == len(terms)}
            keys = complete or keys
    best = sorted(keys, key=keys.__getitem__)[:limit]
    codes = Icd10cmCode.objects.in_bulk(best)
    return [(keys[pk], codes[pk]) for pk in best if pk in codes]


def _fallbacks(terms: list[_Term]) -> list[list[list[_Term]]]:
    """When no code has every word (terms rarest first), what to try next, a few queries at
    most: without one of the (up to three) most common words; then the two rarest words;
    then each of the two rarest alone."""
    if len(terms) == 2:
        return [[[terms[0]], [terms[1]]]]
    heaviest = list(reversed(terms))[:3]
    without_one = [[t for t in terms if t is not dropped] for dropped in heaviest]
    attempts = [without_one]
    if len(terms) > 3:
        attempts.append([terms[:2]])
    attempts.append([[terms[0]], [terms[1]]])
    return attempts


def _candidates(stems: list[str], others: list[_Term]):
    """The index entries of `stems` whose codes also have every other term, best first."""
    query = Icd10cmPosting.objects.filter(stem__in=stems)
    for term in others:
        query = query.filter(
            Exists(
                Icd10cmPosting.objects.filter(
                    code_id=OuterRef("code_id"), stem__in=list(term.stems)
                )
            )
        )
    return query.order_by("tier", "code_key").values_list("code_id", "tier", "code_key")


def _codes_with_all(terms: list[_Term], window: int) -> list[tuple[int, int, int]]:
    """(code id, tier, code_key) of codes that have every term, in index order (a code may
    come more than once, best first): the rarest term's entries are read
    in (stem, tier, code_key) order and the others are checked per candidate.

    Only the SQL_TERMS rarest terms are checked here: each further check is another join
    for the planner (PostgreSQL spent 100+ ms planning eight); the caller checks the rest.

    A word start with several big stems ("fr": fracture, front...) would sort all their
    entries first; instead each stem's first `window` matching entries are read in index
    order and only those are merged (one UNION ALL statement)."""
    driver, others = terms[0], terms[1:SQL_TERMS]
    stems = list(driver.stems)
    if len(stems) == 1 or len(stems) > UNION_MAX_STEMS or driver.weight < UNION_MIN_ENTRIES:
        return list(_candidates(stems, others)[:window])
    # One part compiled by Django, repeated with each stem in place of the marker.
    marker = "?stem?"
    part, part_params = _candidates([marker], others)[:window].query.sql_with_params()
    parts: list[str] = []
    params: list = []
    for number, stem in enumerate(stems):
        parts.append(f"SELECT * FROM ({part}) AS part{number}")  # noqa: S608
        params.extend(stem if value == marker else value for value in part_params)
    sql = " UNION ALL ".join(parts) + " ORDER BY 2, 3 LIMIT %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, window])
        return [tuple(row) for row in cursor.fetchall()]


def _rank_keys(ids: list[int], terms: list[_Term]) -> dict[int, tuple]:
    """The final order of the candidates, from their index entries (one query): rank class,
    more words matched, more words in the category title, more words in the description,
    then shorter code."""
    if not ids:
        return {}
    stem_terms: dict[str, list[int]] = {}
    for number, term in enumerate(terms):
        for stem in term.stems:
            stem_terms.setdefault(stem, []).append(number)
    best: dict[int, dict[int, int]] = {pk: {} for pk in ids}
    code_keys: dict[int, int] = {}
    # All entries of the candidates (a few hundred rows through the primary key), filtered
    # here: also asking for the stems lets a planner with statistics read the stems' entries
    # instead, tens of thousands of rows for a word like "fracture".
    rows = Icd10cmPosting.objects.filter(code_id__in=ids)
    for code_id, stem, tier, code_key in rows.values_list("code_id", "stem", "tier", "code_key"):
        code_keys[code_id] = code_key
        for number in stem_terms.get(stem, ()):
            previous = best[code_id].get(number)
            best[code_id][number] = tier if previous is None else min(previous, tier)
    keys = {}
    for pk, per_term in best.items():
        if not per_term:
            continue
        flags = [tier_flags(tier) for tier in per_term.values()]
        keys[pk] = (
            min(f[0] for f in flags),
            -len(per_term),
            -sum(1 for f in flags if f[1]),
            -sum(1 for f in flags if f[2]),
            code_keys[pk],
        )
    return keys


def icd10_get(*, code: str) -> Icd10cmCode:
    """One code by its name, with or without the dot ("E11.9", "e119"); NotFound otherwise.
    For the few names that are both a block and its single category (B99), the category."""
    name = normalize_code(code)
    if not name or len(name) > 10:
        raise NotFound(f"{code!r} is not an ICD-10-CM code.")
    rows = list(Icd10cmCode.objects.filter(code=name))
    if not rows:
        raise NotFound(f"{name} is not an ICD-10-CM code in the loaded code set.")
    return max(rows, key=lambda row: _KIND_ORDER[row.kind])


def icd10_ancestors(item: Icd10cmCode) -> list[Icd10cmCode]:
    """Parent first, chapter last (one query)."""
    if item.kind == CodeKind.CHAPTER:
        return []
    compact = item.code_compact
    prefixes = [normalize_code(compact[:n]) for n in range(3, len(compact))]
    rows = Icd10cmCode.objects.filter(
        Q(code__in=prefixes, kind__in=(CodeKind.CATEGORY, CodeKind.SUBCATEGORY))
        | Q(code=item.block, kind=CodeKind.BLOCK)
        | Q(chapter=item.chapter, kind=CodeKind.CHAPTER)
    )
    by_code: dict[str, list[Icd10cmCode]] = {}
    for row in rows:
        by_code.setdefault(row.code, []).append(row)
    chain: list[Icd10cmCode] = []
    current = item
    while current.parent_code:
        options = [
            row
            for row in by_code.get(current.parent_code, [])
            if (row.code, row.kind) != (current.code, current.kind)
            and _KIND_ORDER[row.kind] <= _KIND_ORDER[current.kind]
        ]
        if not options:
            break
        current = max(options, key=lambda row: _KIND_ORDER[row.kind])
        chain.append(current)
    return chain


_CHILD_KINDS: dict[str, tuple[str, ...]] = {
    CodeKind.CHAPTER: (CodeKind.BLOCK,),
    CodeKind.BLOCK: (CodeKind.CATEGORY,),
    CodeKind.CATEGORY: (CodeKind.SUBCATEGORY,),
    CodeKind.SUBCATEGORY: (CodeKind.SUBCATEGORY,),
}


def icd10_children(item: Icd10cmCode) -> list[Icd10cmCode]:
    """The codes directly under this one, in code order (one query)."""
    return list(
        Icd10cmCode.objects.filter(parent_code=item.code, kind__in=_CHILD_KINDS[item.kind])
        .exclude(code=item.code, kind=item.kind)
        .order_by("code")
    )
