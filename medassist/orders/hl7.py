"""HL7 v2 messages in and out, parsed and built with hl7apy (never by splitting strings).

`read_messages(data)` turns the bytes of one file (or one MLLP frame) into parsed messages or
a refusal that names the fault and the segment. It copes with what arrives in practice:
\\r, \\n or \\r\\n between segments, MLLP framing bytes, a byte-order mark, FHS/BHS batch
envelopes around one or more messages, any v2.x version (hl7apy knows 2.1 to 2.8.2; a later
2.x is read with the newest it knows, and a segment a message's own version does not define,
such as PRT in a 2.5.1 message, is read with the newest definition), and text that is not
UTF-8 (read as Latin-1). Nothing here touches the database."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

from hl7apy import SUPPORTED_LIBRARIES
from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.core import Message, Segment
from hl7apy.exceptions import HL7apyException
from hl7apy.parser import get_message_info, parse_segment

MLLP_START = b"\x0b"
MLLP_END = b"\x1c"
BATCH_SEGMENTS = frozenset({"FHS", "BHS", "BTS", "FTS"})
SEGMENT_NAME = re.compile(r"^[A-Z][A-Z0-9]{2}$")
NEWEST = "2.8.2"
FALLBACK_VERSION = "2.5"  # for a message whose MSH-12 is empty
DEFAULT_ENC = {
    "FIELD": "|",
    "COMPONENT": "^",
    "SUBCOMPONENT": "&",
    "REPETITION": "~",
    "ESCAPE": "\\",
}


def _version_key(v: str) -> tuple[int, ...]:
    return tuple(int(p) for p in v.split(".") if p.isdigit())


KNOWN_VERSIONS = sorted(SUPPORTED_LIBRARIES, key=_version_key)


class HL7Error(Exception):
    """A message that cannot be read; the text is a sentence naming the fault and segment."""


@dataclass
class ParsedMessage:
    type: str  # "ORU^R01"
    control_id: str
    version: str  # as declared in MSH-12 ("" if empty)
    parse_version: str  # the hl7apy library used
    segments: list[Segment]
    encoding_chars: dict
    er7: str = ""  # the message text, segments joined by \r
    index: int = 1  # position in a batch file

    def all(self, name: str) -> list[Segment]:
        return [s for s in self.segments if s.name == name]

    def first(self, name: str) -> Segment | None:
        return next((s for s in self.segments if s.name == name), None)

    @property
    def msh(self) -> Segment:
        return self.segments[0]

    @property
    def patient_ids(self) -> list[str]:
        ids: list[str] = []
        for pid in self.all("PID"):
            for rep in repetitions(pid, 3):
                value = component(rep, 1)
                if value and value not in ids:
                    ids.append(value)
        return ids

    @property
    def results(self) -> int:
        return len(self.all("OBX"))

    def summary(self, file: str) -> dict:
        return {
            "file": file,
            "type": self.type,
            "control_id": self.control_id,
            "patient_ids": self.patient_ids,
            "results": self.results,
        }


# --- reading values out of hl7apy segments -------------------------------------------------


def repetitions(segment: Segment, number: int) -> list:
    """The repetitions of field `number` (1-based as in the standard) of a segment."""
    name = f"{segment.name}_{number}"
    return [c for c in segment.children if c.name == name]


def unescape(text: str, enc: dict) -> str:
    esc = enc.get("ESCAPE", "\\")
    if esc not in text:
        return text
    table = {
        "F": enc["FIELD"],
        "S": enc["COMPONENT"],
        "T": enc["SUBCOMPONENT"],
        "R": enc["REPETITION"],
        "E": esc,
        ".br": "\n",
    }
    pattern = re.compile(re.escape(esc) + r"([^" + re.escape(esc) + r"]*)" + re.escape(esc))
    return pattern.sub(lambda m: table.get(m.group(1), ""), text)


def component(element, number: int = 1, *, enc: dict | None = None) -> str:
    """Component `number` (1-based) of a field element, as plain text ('' when absent)."""
    if element is None:
        return ""
    children = list(getattr(element, "children", []) or [])
    if not children:
        return ""
    # a field's children are components named e.g. CX_1; a primitive field has one child
    for child in children:
        name = child.name or ""
        if name.rsplit("_", 1)[-1] == str(number):
            return _text(child, enc)
    if number == 1 and len(children) == 1:
        return _text(children[0], enc)
    return ""


def subcomponent_first(element) -> str:
    return component(element, 1)


def _text(element, enc: dict | None) -> str:
    try:
        raw = element.to_er7()
    except HL7apyException:  # pragma: no cover - hl7apy refused to encode what it parsed
        return ""
    if enc is not None:
        sub = enc.get("SUBCOMPONENT", "&")
        # the first subcomponent of a component is its value in the places we read
        raw = raw.split(sub, 1)[0] if sub in raw else raw
        return unescape(raw, enc).strip()
    return raw.strip()


def field_text(segment: Segment | None, number: int, comp: int = 1, enc: dict | None = None) -> str:
    if segment is None:
        return ""
    reps = repetitions(segment, number)
    return component(reps[0], comp, enc=enc) if reps else ""


def field_er7(segment: Segment | None, number: int) -> str:
    if segment is None:
        return ""
    reps = repetitions(segment, number)
    return reps[0].to_er7() if reps else ""


TS = re.compile(r"^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.\d+)?([+-]\d{4})?$")


def parse_ts(text: str, default_zone=UTC) -> datetime | None:
    """An HL7 TS/DTM value as an aware datetime (the message's offset, else `default_zone`)."""
    m = TS.match((text or "").strip())
    if not m:
        return None
    y, mo, d, h, mi, s, off = m.groups()
    try:
        tz = default_zone
        if off:
            sign = 1 if off[0] == "+" else -1
            tz = timezone(sign * timedelta(hours=int(off[1:3]), minutes=int(off[3:5])))
        return datetime(
            int(y), int(mo or 1), int(d or 1), int(h or 0), int(mi or 0), int(s or 0), tzinfo=tz
        )
    except ValueError:
        return None


def parse_date(text: str) -> date | None:
    value = parse_ts(text)
    return value.date() if value else None


def parse_decimal(text: str) -> Decimal | None:
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


# --- reading a file -------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """Bytes to text: BOMs dropped, UTF-16 recognised, UTF-8 else Latin-1."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise HL7Error("The file starts like UTF-16 text but is not valid UTF-16.") from exc
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def split_lines(text: str) -> list[str]:
    text = text.replace("\x1c", "\r").replace("\x0b", "\r").replace("\ufeff", "")
    lines = re.split(r"\r\n|\r|\n", text)
    return [line for line in (raw.strip(" \t\x00") for raw in lines) if line]


def _choose_version(declared: str) -> str:
    if declared in SUPPORTED_LIBRARIES:
        return declared
    if not declared:
        return FALLBACK_VERSION
    if not re.match(r"^2(\.\d+)*$", declared):
        raise HL7Error(
            f"MSH-12 gives version {declared!r}, which is not an HL7 version 2.x (in segment MSH)."
        )
    key = _version_key(declared)
    older = [v for v in KNOWN_VERSIONS if _version_key(v) <= key]
    return older[-1] if older else KNOWN_VERSIONS[0]


def _parse_one(lines: list[str], index: int) -> ParsedMessage:
    msh_line = lines[0]
    if len(msh_line) < 4 or msh_line[3].isalnum() or msh_line[3].isspace():
        raise HL7Error("The MSH segment has no field separator after 'MSH' (in segment MSH).")
    sep = msh_line[3]
    rest = msh_line[4:]
    chars = rest.split(sep, 1)[0] if rest else ""
    if not chars:
        raise HL7Error("MSH-2 (the encoding characters) is empty (in segment MSH).")
    if len(chars) < 4:
        raise HL7Error(
            f"MSH-2 holds {len(chars)} encoding character(s) {chars!r}; four are needed "
            "(component, repetition, escape, subcomponent) (in segment MSH)."
        )
    if any(c.isalnum() or c.isspace() for c in chars[:4]) or len(set(chars[:4] + sep)) != 5:
        raise HL7Error(
            f"MSH-2 encoding characters {chars!r} must be four different symbols, none the "
            "field separator (in segment MSH)."
        )
    text = "\r".join(lines)
    try:
        enc, _structure, declared = get_message_info(text)
    except HL7apyException as exc:
        raise HL7Error(f"The MSH segment cannot be read: {exc} (in segment MSH).") from exc
    declared = (declared or "").strip()
    version = _choose_version(declared)
    segments: list[Segment] = []
    for number, line in enumerate(lines, start=1):
        name = line[:3]
        if not SEGMENT_NAME.match(name) or (len(line) > 3 and line[3] != sep):
            shown = line[:20] + ("…" if len(line) > 20 else "")
            raise HL7Error(
                f"Line {number} of the message ({shown!r}) is not an HL7 segment: a segment "
                f"starts with a three-letter name and the field separator {sep!r}."
            )
        if name == "MSH" and number > 1:
            break  # the caller splits messages at each MSH
        segments.append(_parse_segment(line, version, enc, number))
    msh = segments[0]
    code = field_text(msh, 9, 1, enc)
    event = field_text(msh, 9, 2, enc)
    if not code:
        raise HL7Error("MSH-9 (the message type) is empty (in segment MSH).")
    control_id = field_text(msh, 10, 1, enc)
    if not control_id:
        raise HL7Error("MSH-10 (the message control id) is empty (in segment MSH).")
    return ParsedMessage(
        type=f"{code}^{event}" if event else code,
        control_id=control_id,
        version=declared,
        parse_version=version,
        segments=segments,
        encoding_chars=enc,
        er7=text,
        index=index,
    )


def _parse_segment(line: str, version: str, enc: dict, number: int) -> Segment:
    last: Exception | None = None
    for v in (version, NEWEST) if version != NEWEST else (version,):
        try:
            return parse_segment(
                line, version=v, encoding_chars=enc, validation_level=VALIDATION_LEVEL.TOLERANT
            )
        except HL7apyException as exc:
            last = exc
        except (ValueError, IndexError, KeyError, TypeError, AttributeError) as exc:
            last = exc
    raise HL7Error(
        f"Segment {number} ({line[:3]}) cannot be read as HL7 {version}: {last} "
        f"(in segment {line[:3]})."
    )


def read_messages(data: bytes | str) -> list[ParsedMessage]:
    """Every message in one file or frame; raises HL7Error for the first fault found."""
    text = decode(data) if isinstance(data, bytes) else data
    if "\x00" in text:
        raise HL7Error("The file holds binary data (NUL bytes), not HL7 v2 text.")
    lines = split_lines(text)
    if not lines:
        raise HL7Error("The file is empty: no MSH segment.")
    groups: list[list[str]] = []
    for number, line in enumerate(lines, start=1):
        name = line[:3]
        if name in BATCH_SEGMENTS:
            continue
        if name == "MSH":
            groups.append([line])
        elif not groups:
            if "MSH" in text:
                shown = line[:20] + ("…" if len(line) > 20 else "")
                raise HL7Error(
                    f"Line {number} ({shown!r}) comes before the first MSH segment; a message "
                    "must begin with MSH."
                )
            raise HL7Error("No MSH segment: this is not an HL7 v2 message.")
        else:
            groups[-1].append(line)
    if not groups:
        raise HL7Error("No MSH segment: the batch holds no message.")
    return [_parse_one(group, index) for index, group in enumerate(groups, start=1)]


def check_file(path: str) -> list[dict]:
    """The `hl7-check` report for one file: one dict per message, or one error dict."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except IsADirectoryError:
        return [{"file": path, "error": "This is a directory, not a message file."}]
    except OSError as exc:
        return [{"file": path, "error": f"The file cannot be read: {exc.strerror or exc}."}]
    try:
        messages = read_messages(data)
    except HL7Error as exc:
        return [{"file": path, "error": str(exc)}]
    except Exception as exc:  # noqa: BLE001 - a junk file must never end in a traceback
        return [{"file": path, "error": f"The file cannot be read as HL7 v2: {exc!r}."}]
    rows = []
    for m in messages:
        row = m.summary(path)
        if len(messages) > 1:
            row["message"] = m.index
        rows.append(row)
    return rows


# --- building messages ----------------------------------------------------------------------


def hl7_escape(text: str, enc: dict | None = None) -> str:
    enc = enc or {
        "FIELD": "|",
        "COMPONENT": "^",
        "SUBCOMPONENT": "&",
        "REPETITION": "~",
        "ESCAPE": "\\",
    }
    esc = enc["ESCAPE"]
    out = text.replace(esc, f"{esc}E{esc}")
    for key, letter in (
        ("FIELD", "F"),
        ("COMPONENT", "S"),
        ("SUBCOMPONENT", "T"),
        ("REPETITION", "R"),
    ):
        out = out.replace(enc[key], f"{esc}{letter}{esc}")
    return out.replace("\r", " ").replace("\n", f"{esc}.br{esc}")


def hl7_ts(value: datetime) -> str:
    return value.strftime("%Y%m%d%H%M%S%z")


@dataclass
class MessageHeader:
    sending_app: str = "MEDASSIST"
    sending_facility: str = ""
    receiving_app: str = ""
    receiving_facility: str = ""
    version: str = "2.5.1"
    extra: dict = field(default_factory=dict)


def new_message(
    structure: str, msg_type: str, control_id: str, when: datetime, header: MessageHeader
) -> Message:
    m = Message(structure, version=header.version, validation_level=VALIDATION_LEVEL.TOLERANT)
    m.msh.msh_3 = hl7_escape(header.sending_app)
    m.msh.msh_4 = hl7_escape(header.sending_facility)
    m.msh.msh_5 = hl7_escape(header.receiving_app)
    m.msh.msh_6 = hl7_escape(header.receiving_facility)
    m.msh.msh_7 = hl7_ts(when)
    m.msh.msh_9 = msg_type
    m.msh.msh_10 = hl7_escape(control_id)
    m.msh.msh_11 = "P"
    m.msh.msh_12 = header.version
    return m


def build_ack(
    incoming: ParsedMessage | None,
    *,
    code: str,
    text: str = "",
    control_id: str,
    when: datetime,
    error_segment: str = "",
) -> str:
    """An ACK (AA accepted, AE error, AR rejected) as ER7, built with hl7apy."""
    if code not in {"AA", "AE", "AR"}:
        raise ValueError(code)
    enc = incoming.encoding_chars if incoming else None
    msh = incoming.msh if incoming else None
    event = field_text(msh, 9, 2, enc) if msh is not None else ""
    header = MessageHeader(
        sending_app=field_text(msh, 5, 1, enc) or "MEDASSIST",
        sending_facility=field_text(msh, 6, 1, enc),
        receiving_app=field_text(msh, 3, 1, enc),
        receiving_facility=field_text(msh, 4, 1, enc),
        version="2.5.1",
    )
    ack = new_message("ACK", f"ACK^{event}^ACK" if event else "ACK", control_id, when, header)
    ack.msa.msa_1 = code
    ack.msa.msa_2 = hl7_escape(incoming.control_id if incoming else "")
    if text:
        ack.msa.msa_3 = hl7_escape(text[:80])
    if code != "AA":
        err = ack.add_segment("ERR")
        if error_segment:
            err.err_2 = hl7_escape(error_segment)
        err.err_3 = (
            "207^Application internal error^HL70357"
            if code == "AE"
            else "200^Unsupported message type^HL70357"
        )
        err.err_4 = "E"
        if text:
            err.err_8 = hl7_escape(text[:250])
    return ack.to_er7()
