"""Validating X12 files with pyx12 (the implementation-guide maps: loops, segments, codes).

`pyx12_errors` runs pyx12's validator on the text and returns every error it reports as a
sentence naming the segment (its ordinal, id and name). pyx12 ships maps for 005010X222A1;
an 005010X222A2 837P (the errata release) is checked against the A1 map, which it says.
"""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass

from medassist.billing import x12

_A2_TO_A1 = {"005010X222A2": "005010X222A1", "005010X223A3": "005010X223A2"}


@dataclass(frozen=True)
class Problem:
    segment: str  # "segment 12 NM1 (Billing Provider Name)" or the envelope level
    message: str

    def __str__(self) -> str:
        return f"{self.segment}: {self.message}"


def _walk(doc: dict) -> list[Problem]:
    out: list[Problem] = []
    for isa in doc.get("interchanges", []):
        for err in isa.get("errors", []):
            out.append(Problem(f"ISA (line {isa.get('cur_line')})", err["err_str"]))
        for group in isa.get("groups", []):
            for err in group.get("errors", []):
                out.append(Problem(f"GS (line {group.get('cur_line')})", err["err_str"]))
            for trans in group.get("transactions", []):
                for err in trans.get("errors", []):
                    out.append(Problem(f"ST (line {trans.get('cur_line')})", err["err_str"]))
                for seg in trans.get("segments", []):
                    where = f"segment {seg.get('cur_line')} {seg.get('seg_id')} ({seg.get('name')})"
                    for err in seg.get("errors", []):
                        out.append(Problem(where, err["err_str"]))
                    for ele in seg.get("elements", []):
                        for err in ele.get("errors", []):
                            out.append(Problem(where, err["err_str"]))
    return out


def _errata(text: str) -> tuple[str, str]:
    """The text with an A2/A3 errata version named as the release pyx12 has a map for."""
    for newer, older in _A2_TO_A1.items():
        if newer in text:
            return text.replace(newer, older), f"checked against the {older} map"
    return text, ""


def pyx12_errors(data: bytes | str) -> tuple[list[Problem], str]:
    """(problems, note). No problems means pyx12 accepts the file."""
    import pyx12.error_handler
    import pyx12.params
    import pyx12.x12n_document

    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    else:
        text = data
    # Our own reader first: it names a missing ISA, binary junk or a truncation in words.
    try:
        x12.read(text)
    except x12.X12Error as exc:
        return [Problem("file", exc.message)], ""
    text, note = _errata(text)
    logger = logging.getLogger("pyx12")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    out = io.StringIO()
    try:
        params = pyx12.params.params()
        ok = pyx12.x12n_document.x12n_document(params, io.StringIO(text), None, None, None, out)
    except Exception as exc:  # pyx12 raises EngineError and others for unknown maps
        return [Problem("file", f"pyx12 could not validate the file: {exc}")], note
    finally:
        logger.setLevel(level)
    problems = _walk(json.loads(out.getvalue() or "{}"))
    if not ok and not problems:
        problems = [Problem("file", "pyx12 rejected the file without naming a segment.")]
    return problems, note
