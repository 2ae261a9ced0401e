"""ICD-10-CM code suggestions for the coder, from free text (a visit note, a reason for visit,
a problem list). Suggestions only: a person accepts or rejects each; nothing is filed from here.

How it works (docs/coding.md has the measurements):
- The dictionary is built from the ICD-10-CM release (medassist.coding.source): every billable
  code's title and inclusion terms; a non-billable category's title and inclusion terms point
  to its "unspecified" billable child (A23 Brucellosis -> A23.9); excludes notes that name a
  single billable code ("headache (R51.9)") are synonyms of that code; bracketed
  abbreviations in titles ("[HIV]", "[FUO]") are terms of their own. Nonessential modifiers in
  parentheses, "NOS", "unspecified" and the 7th-character encounter text are dropped; only
  the initial-encounter ("A") injury codes are suggested.
- The text is split into sentences and words (coding.text: same tokenizer and stemmer as the
  code search); clinical abbreviations are expanded (htn, dm2, copd, mi ...).
- Negation (NegEx-style): words after "no", "denies", "without", "negative for", "no evidence
  of", "ruled out", "free of" ... up to a clause break or "but/however", and words before
  "was ruled out", "were negative", "is absent" are not evidence. Family history ("mother
  had", "family history of", "her brother ...") is not the patient's diagnosis either.
- A term matches when all its key words appear, unnegated, close together in one sentence.
  A match inside a longer match (the "pain" of "chest pain") gives way to it.
- Codes rank by the best matching term's weight (rarer words weigh more; more words are more
  specific), how often they are mentioned, and whether the code is on the clinic's common list.

The dictionary takes several seconds to build from the release XML, so it is cached (pickle)
under DATA_DIR/cache; a document then takes well under a second.
"""

from __future__ import annotations

import math
import pickle
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from medassist.coding import source, text

MAX_CODES = 20
CACHE_VERSION = 5

# Words dropped from a term's key words: they say nothing a note would say.
_FILLER = (
    frozenset(
        [
            "nos",
            "unspecified",
            "specified",
            "other",
            "site",
            "part",
            "unknown",
            "classified",
            "elsewhere",
            "not",
            "initial",
            "encounter",
            "care",
        ]
    )
    | text.STOP_WORDS
)
# Words that are not a diagnosis on their own: a term needs at least one other word.
_WEAK = frozenset(
    text.stem(w)
    for w in [
        "observation",
        "examination",
        "blood",
        "lower",
        "upper",
        "left",
        "right",
        "growth",
        "vascular",
        "man",
        "male",
        "female",
        "disease",
        "disorder",
        "condition",
        "syndrome",
        "lesion",
        "mass",
        "history",
        "status",
        "acute",
        "chronic",
        "general",
        "abnormal",
        "positive",
        "negative",
        "test",
        "finding",
        "level",
        "elevated",
        "tumor",
        "neoplasm",
        "carcinoma",
        "cancer",
        "malignancy",
        "malignant",
        "benign",
        "primary",
        "secondary",
        "new",
        "infection",
        "complication",
        "problem",
        "multiple",
        "single",
        "organ",
        "system",
        "body",
        "region",
        "area",
        "use",
        "dependence",
        "person",
    ]
)
MAX_TERM_WORDS = 9
# External causes (V-Y) describe how an injury happened, not a diagnosis from a note's words.
_SKIPPED_CHAPTERS = frozenset("VWXY")
# Pregnancy codes (O) only when the text speaks of a pregnancy.
_PREGNANCY = re.compile(r"pregnan|gestation|puerper|childbirth|obstetric|postpartum", re.I)
_PAREN = re.compile(r"\([^)]*\)")
_BRACKET = re.compile(r"\[([^\]]+)\]")
_EXCLUDE_REF = re.compile(
    r"^(?P<term>[^()]+?)\s*\((?P<code>[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?)\)\s*$"
)
_ENCOUNTER = re.compile(
    r",?\s*(initial|subsequent) encounter.*$|,?\s*sequela$|,?\s*not elsewhere classified",
    re.IGNORECASE,
)

# More abbreviations a note uses, as whole words (the code search leaves out the short ones
# that start many words; in running text they are whole tokens).
ABBREVIATIONS: dict[str, str] = {
    **text.ABBREVIATIONS,
    "mi": "myocardial infarction",
    "ami": "acute myocardial infarction",
    "pe": "pulmonary embolism",
    "ra": "rheumatoid arthritis",
    "oa": "osteoarthritis",
    "hiv": "hiv",
    "aids": "aids",
    "ckd": "chronic kidney disease",
    "aki": "acute kidney failure",
    "arf": "acute kidney failure",
    "cva": "cerebral infarction",
    "sob": "shortness of breath",
    "nsclc": "non small cell lung cancer",
    "hcv": "hepatitis c",
    "hbv": "hepatitis b",
    "tb": "tuberculosis",
    "ibs": "irritable bowel syndrome",
    "ms": "multiple sclerosis",
    "hf": "heart failure",
    "ards": "acute respiratory distress syndrome",
    "dka": "diabetic ketoacidosis",
    "sle": "systemic lupus erythematosus",
}

# Negation triggers (as word sequences) before and after what they negate.
_PRE_NEGATION = [
    [w for w in t.split() if w not in text.STOP_WORDS]
    for t in (
        "no",
        "not",
        "nor",
        "denies",
        "denied",
        "deny",
        "denying",
        "without",
        "negative for",
        "no evidence of",
        "no signs of",
        "no sign of",
        "absence of",
        "absent",
        "free of",
        "rule out",
        "ruled out",
        "never had",
        "non",
        "ruling out",
        "excluded",
        "unremarkable",
    )
]
_POST_NEGATION = [
    [w for w in t.split() if w not in text.STOP_WORDS]
    for t in (
        "ruled out",
        "was ruled out",
        "were ruled out",
        "was negative",
        "were negative",
        "is negative",
        "are negative",
        "was excluded",
        "were excluded",
        "not seen",
        "not found",
        "is absent",
        "was absent",
        "were absent",
        "are absent",
        "not present",
        "was not present",
        "were normal",
        "was normal",
        "unlikely",
    )
]
_SCOPE_END = frozenset(
    [
        "but",
        "however",
        "although",
        "though",
        "except",
        "apart",
        "which",
        "who",
        "whereas",
        "while",
        "yet",
        "aside",
    ]
)
_FAMILY = frozenset(
    [
        "mother",
        "father",
        "brother",
        "sister",
        "sibling",
        "siblings",
        "grandmother",
        "grandfather",
        "aunt",
        "uncle",
        "cousin",
        "parents",
        "parent",
        "daughter",
        "son",
        "family",
        "maternal",
        "paternal",
    ]
)
NEGATION_SCOPE = 8  # words
POST_SCOPE = 5
WINDOW_SLACK = 3  # words between a term's key words


@dataclass(frozen=True)
class Term:
    code: str
    stems: tuple[str, ...]  # distinct key stems, rarest first
    label: str  # the term as in the code set
    source: str  # "title", "inclusion", "category", "excludes", "abbreviation"


@dataclass
class Dictionary:
    terms: list[Term]
    by_stem: dict[str, list[int]]  # rarest stem -> term ids
    weight: dict[str, float]  # stem -> inverse frequency weight
    titles: dict[str, str]  # billable code -> title
    common: frozenset[str]


@dataclass
class Suggestion:
    code: str
    title: str
    score: float
    evidence: list[str] = field(default_factory=list)  # the words of the text that led to it
    terms: list[str] = field(default_factory=list)  # the code-set terms they matched

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "title": self.title,
            "score": round(self.score, 3),
            "evidence": self.evidence,
            "terms": self.terms,
        }


def _key_stems(label: str) -> tuple[str, ...]:
    cleaned = _BRACKET.sub(" ", _PAREN.sub(" ", label))
    cleaned = _ENCOUNTER.sub("", cleaned)
    # what follows "without" describes what is absent: a note rarely says it
    cleaned = re.split(r"\bwithout\b", cleaned, flags=re.IGNORECASE)[0]
    out: list[str] = []
    for word in text.words(cleaned):
        if word in _FILLER:
            continue
        stem = text.stem(word)
        if stem not in out:
            out.append(stem)
    return tuple(out)


def _build() -> Dictionary:
    rows = source.read_codes()
    billable = {r.code: r for r in rows if r.billable}
    children: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        if r.parent_code:
            children[r.parent_code].append(r.code)
    raw: list[tuple[str, str, str]] = []  # (code, label, source)

    def unspecified_child(code: str) -> str | None:
        leaves = [c for c in children.get(code, []) if c in billable]
        titles = {leaf: billable[leaf].description.lower() for leaf in leaves}
        for test in (
            lambda t: t.endswith(", unspecified"),
            lambda t: "without complication" in t,
            lambda t: "unspecified" in t,
        ):
            for leaf in leaves:
                if test(titles[leaf]):
                    return leaf
        return leaves[0] if len(leaves) == 1 else None

    for r in rows:
        if r.kind in ("chapter", "block") or r.code[0] in _SKIPPED_CHAPTERS:
            continue
        if r.billable:
            if len(r.code) == 8 and r.code[-1] != "A" and r.code[3] == ".":
                continue  # 7th character: only the initial encounter is suggested
            target = r.code
            raw.append((target, r.description, "title"))
        else:
            target = unspecified_child(r.code) or ""
            if not target:
                continue
            raw.append((target, r.description, "category"))
        for label in r.inclusion_terms:
            raw.append((target, label, "inclusion"))
        for match in _BRACKET.finditer(r.description):
            inner = match.group(1).strip()
            disease = r.code[0] <= "N"  # not a finding (PSA), a BMI or an encounter
            if disease and inner.isupper() and len(inner) >= 3 and " " not in inner:
                raw.append((target, inner, "abbreviation"))
        for note in (*r.excludes1, *r.excludes2):
            ref = _EXCLUDE_REF.match(note.strip())
            if ref and ref.group("code") in billable:
                raw.append((ref.group("code"), ref.group("term"), "excludes"))
    counts: dict[str, int] = defaultdict(int)
    raw = [
        (code, label, origin)
        for code, label, origin in raw
        if len(label.split()) <= MAX_TERM_WORDS
        and not (origin == "category" and re.search(r"\bother\b", label, re.IGNORECASE))
    ]
    keyed: list[tuple[str, str, str, tuple[str, ...]]] = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for code, label, origin in raw:
        stems = _key_stems(label)
        if not stems or (code, stems) in seen or all(st in _WEAK for st in stems):
            continue
        if origin == "excludes" and len(stems) == 1 and len(label.strip()) < 7:
            continue  # "lower (C03.1)" is one item of a list, not a term
        seen.add((code, stems))
        keyed.append((code, label, origin, stems))
        for stem in stems:
            counts[stem] += 1
    total = len(keyed) or 1
    weight = {stem: math.log(1 + total / n) for stem, n in counts.items()}
    terms: list[Term] = []
    by_stem: dict[str, list[int]] = defaultdict(list)
    for code, label, origin, stems in keyed:
        ordered = tuple(sorted(stems, key=lambda s: counts[s]))
        by_stem[ordered[0]].append(len(terms))
        terms.append(Term(code, ordered, label, origin))
    try:
        common = frozenset(source.common_codes())
    except OSError:
        common = frozenset()
    return Dictionary(
        terms=terms,
        by_stem=dict(by_stem),
        weight=weight,
        titles={code: r.description for code, r in billable.items()},
        common=common,
    )


def _cache_path() -> Path:
    from django.conf import settings

    return Path(settings.DATA_DIR) / "cache" / f"icd10cm_suggest_v{CACHE_VERSION}.pickle"


@cache
def dictionary() -> Dictionary:
    path = _cache_path()
    key = (CACHE_VERSION, source.RELEASE)
    try:
        with path.open("rb") as f:
            stored_key, built = pickle.load(f)  # noqa: S301 - our own cache file
        if stored_key == key and isinstance(built, Dictionary):
            return built
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, AttributeError, TypeError):
        pass
    built = _build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as f:
            pickle.dump((key, built), f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError:
        pass  # a read-only data folder: build each time
    return built


# --- reading the text ------------------------------------------------------------------------

_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")
_WORD = re.compile(r"[A-Za-z0-9]+")


@dataclass
class _Token:
    word: str  # lower case
    stem: str
    start: int  # character offsets in the text
    end: int
    excluded: bool = False  # negated or family history


def _tokens(sentence: str, offset: int) -> list[_Token]:
    out: list[_Token] = []
    for match in _WORD.finditer(sentence):
        word = match.group().lower()
        start, end = offset + match.start(), offset + match.end()
        expansion = ABBREVIATIONS.get(word) if len(word) >= 2 else None
        if expansion and not (len(word) <= 3 and match.group().islower() and word in ("ms", "pe")):
            for part in expansion.split():
                out.append(_Token(part, text.stem(part), start, end))
            continue
        if word in text.STOP_WORDS:
            continue
        out.append(_Token(word, text.stem(word), start, end))
    return out


def _matches_at(words: list[str], at: int, trigger: list[str]) -> bool:
    return words[at : at + len(trigger)] == trigger


def _mark_exclusions(tokens: list[_Token], sentence: str) -> None:
    words = [t.word for t in tokens]
    lower = sentence.lower()
    # clause breaks (commas do not end a negation: "denies fever, chills or cough")
    for at in range(len(tokens)):
        for trigger in _PRE_NEGATION:
            if _matches_at(words, at, trigger):
                stop = min(len(tokens), at + len(trigger) + NEGATION_SCOPE)
                for k in range(at + len(trigger), stop):
                    if words[k] in _SCOPE_END:
                        break
                    tokens[k].excluded = True
        for trigger in _POST_NEGATION:
            if _matches_at(words, at, trigger):
                for k in range(max(0, at - POST_SCOPE), at):
                    tokens[k].excluded = True
    if any(w in _FAMILY for w in words) or "family history" in lower:
        for at, word in enumerate(words):
            if word in _FAMILY:
                for k in range(at, len(tokens)):
                    if words[k] in _SCOPE_END:
                        break
                    tokens[k].excluded = True


def _sentences(document: str) -> list[tuple[str, int]]:
    out = []
    position = 0
    for part in _SENTENCE.split(document):
        start = document.find(part, position)
        if start < 0:
            start = position
        position = start + len(part)
        if part.strip():
            out.append((part, start))
    return out


@dataclass
class _Match:
    term: int
    positions: frozenset[int]  # token indexes (document-wide)
    weight: float


def suggest(document: str, *, limit: int = MAX_CODES) -> list[Suggestion]:
    """Ranked billable ICD-10-CM suggestions for a free text, with their evidence."""
    limit = max(1, min(int(limit), MAX_CODES))
    book = dictionary()
    all_tokens: list[_Token] = []
    matches: list[_Match] = []
    for sentence, offset in _sentences(document or ""):
        tokens = _tokens(sentence, offset)
        if not tokens:
            continue
        _mark_exclusions(tokens, sentence)
        base = len(all_tokens)
        all_tokens.extend(tokens)
        where: dict[str, list[int]] = defaultdict(list)
        for index, token in enumerate(tokens):
            if not token.excluded:
                where[token.stem].append(index)
        for stem, anchors in where.items():
            for term_id in book.by_stem.get(stem, ()):
                term = book.terms[term_id]
                if any(s not in where for s in term.stems[1:]):
                    continue
                span = len(term.stems) + WINDOW_SLACK * (len(term.stems) - 1) + 1
                for anchor in anchors:
                    chosen = {anchor}
                    ok = True
                    for s in term.stems[1:]:
                        near = [p for p in where[s] if abs(p - anchor) < span]
                        if not near:
                            ok = False
                            break
                        chosen.add(min(near, key=lambda p: abs(p - anchor)))
                    if ok and max(chosen) - min(chosen) < span:
                        matches.append(
                            _Match(
                                term_id,
                                frozenset(base + p for p in chosen),
                                sum(book.weight.get(s, 1.0) for s in term.stems),
                            )
                        )
                        break
    # A match whose words are all inside a longer match gives way ("pain" in "chest pain").
    kept: list[_Match] = []
    by_position: dict[int, list[_Match]] = defaultdict(list)
    for m in matches:
        for p in m.positions:
            by_position[p].append(m)
    for m in matches:
        some = next(iter(m.positions))
        if any(
            len(other.positions) > len(m.positions) and m.positions < other.positions
            for other in by_position[some]
        ):
            continue
        kept.append(m)
    scores: dict[str, Suggestion] = {}
    mentions: dict[str, set[frozenset[int]]] = defaultdict(set)
    best: dict[str, float] = defaultdict(float)
    pregnant = bool(_PREGNANCY.search(document or ""))
    for m in kept:
        term = book.terms[m.term]
        if term.code.startswith("O") and not pregnant:
            continue
        suggestion = scores.get(term.code)
        if suggestion is None:
            suggestion = scores[term.code] = Suggestion(
                term.code, book.titles.get(term.code, term.label), 0.0
            )
        words = " ".join(
            document[all_tokens[p].start : all_tokens[p].end] for p in sorted(m.positions)
        )
        if words not in suggestion.evidence:
            suggestion.evidence.append(words)
        if term.label not in suggestion.terms:
            suggestion.terms.append(term.label)
        mentions[term.code].add(m.positions)
        best[term.code] = max(best[term.code], m.weight)
    for code, suggestion in scores.items():
        title = suggestion.title.lower()
        suggestion.score = (
            best[code]
            + 1.5 * math.log(len(mentions[code]))
            + (1.0 if code in book.common else 0.0)
            + (0.5 if "unspecified" in title else 0.0)
            - (1.0 if re.search(r"\bother\b", title) else 0.0)
        )
    # The same words matched by several codes: keep the best few of them.
    ranked = sorted(scores.values(), key=lambda s: (-s.score, len(s.code), s.code))
    out: list[Suggestion] = []
    per_evidence: dict[tuple[str, ...], int] = defaultdict(int)
    for suggestion in ranked:
        key = tuple(sorted(suggestion.evidence))
        if per_evidence[key] >= 2:
            continue
        per_evidence[key] += 1
        out.append(suggestion)
        if len(out) == limit:
            break
    return out


def title_baseline(document: str, *, limit: int = MAX_CODES) -> list[str]:
    """The plain baseline: billable codes whose whole title (lower case) occurs in the text,
    longest title first."""
    book = dictionary()
    lower = " ".join(_WORD.findall((document or "").lower()))
    hits = []
    for code, title in book.titles.items():
        words = " ".join(_WORD.findall(title.lower()))
        if len(words) >= 4 and f" {words} " in f" {lower} ":
            hits.append((-len(words), code))
    return [code for _, code in sorted(hits)[:limit]]
