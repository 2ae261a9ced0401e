"""Words for the ICD-10-CM search: tokenizing, stop words, a small suffix-stripping stemmer and
a few clinical abbreviations. The same functions build the index and read the query, so a
query word and an indexed word meet whenever they share a stem.

No stemmer package is installed (no nltk, snowballstemmer or PyStemmer), so this is our own:
plural endings first (fractures -> fracture), then one derivational ending (diabetic, diabetes
-> diabet; hypertensive, hypertension -> hypertens; fractured -> fractur)."""

from __future__ import annotations

import re

TOKEN = re.compile(r"[a-z0-9]+")

# Words that carry no meaning in a diagnosis search. "without", "not", "other" and
# "unspecified" are kept: they tell codes apart.
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
    ]
)

# One derivational ending is removed, longest first, when at least 3 letters remain.
_SUFFIXES = (
    "ational",
    "ations",
    "atory",
    "ation",
    "ically",
    "ities",
    "ness",
    "ment",
    "ings",
    "ious",
    "ical",
    "ing",
    "ion",
    "ity",
    "ive",
    "ous",
    "ful",
    "ied",
    "ed",
    "ic",
    "al",
    "ia",
    "ly",
    "y",
    "e",
)

# Common clinical abbreviations a clinician types. A query with one is searched twice, as the
# words of its meaning first and as typed after ("uri" may be the start of "urinary").
# Two-letter ones that begin many words (mi, pe, ra, oa) are left out.
ABBREVIATIONS: dict[str, str] = {
    "htn": "hypertension",
    "dm": "diabetes mellitus",
    "dm1": "type 1 diabetes mellitus",
    "dm2": "type 2 diabetes mellitus",
    "t1dm": "type 1 diabetes mellitus",
    "t2dm": "type 2 diabetes mellitus",
    "ckd": "chronic kidney disease",
    "copd": "chronic obstructive pulmonary disease",
    "chf": "heart failure",
    "cad": "coronary atherosclerotic heart disease",
    "afib": "atrial fibrillation",
    "gerd": "gastro esophageal reflux disease",
    "uti": "urinary tract infection",
    "uri": "upper respiratory infection",
    "hld": "hyperlipidemia",
    "bph": "benign prostatic hyperplasia",
    "adhd": "attention deficit hyperactivity disorder",
    "mdd": "major depressive disorder",
    "gad": "generalized anxiety disorder",
    "lbp": "low back pain",
    "osa": "obstructive sleep apnea",
    "dvt": "deep vein thrombosis",
    "tia": "transient ischemic attack",
}


def stem(word: str) -> str:
    """A light stem of one lower-case word; words with digits and short words stay as they are."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("sses", "xes", "ches", "shes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def words(text: str) -> list[str]:
    """The meaningful lower-case words of a text, in order (stop words removed)."""
    return [w for w in TOKEN.findall(text.lower()) if w not in STOP_WORDS]


def stems(text: str) -> set[str]:
    return {stem(w) for w in words(text)}


def expand_abbreviations(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for token in tokens:
        out.extend(ABBREVIATIONS[token].split() if token in ABBREVIATIONS else [token])
    return out
