"""The shipped demo subset of RxNorm drugs (with drug class, NDCs where known, CVX for
vaccines) and the refill protocol per drug class, both data files under `pharmacy/data/`."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
RULES = {"last_visit", "lab", "bp_on_file", "refills_left", "controlled"}


@lru_cache(maxsize=1)
def drugs() -> list[dict[str, Any]]:
    return json.loads((DATA / "rxnorm_subset.json").read_text(encoding="utf-8"))["drugs"]


def by_rxnorm(rxnorm: str) -> dict[str, Any] | None:
    return next((d for d in drugs() if rxnorm and d["rxnorm"] == rxnorm), None)


def by_ndc(ndc: str) -> dict[str, Any] | None:
    return next((d for d in drugs() if ndc in d.get("ndcs", ())), None)


def find(text: str) -> dict[str, Any] | None:
    """The subset's drug a free-text medication names (its first word, e.g. 'lisinopril')."""
    words = [w for w in text.lower().replace("/", " ").split() if w.isalpha() and len(w) > 3]
    for drug in drugs():
        name = drug["name"].lower()
        if words and words[0] in name.split():
            return drug
    return None


@lru_cache(maxsize=1)
def protocols() -> dict[str, list[dict[str, Any]]]:
    data = json.loads((DATA / "refill_protocols.json").read_text(encoding="utf-8"))["classes"]
    for name, rules in data.items():
        for rule in rules:
            if rule.get("rule") not in RULES:
                raise ValueError(f"refill protocol {name}: unknown rule {rule.get('rule')!r}")
    return data


def protocol_for(drug_class: str) -> list[dict[str, Any]]:
    table = protocols()
    return table.get(drug_class) or table["default"]
