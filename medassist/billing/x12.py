"""Reading X12 interchanges: a small tokenizer and the envelope checks every reader needs.

The ISA segment names the separators: its fourth character is the element separator, ISA16 the
sub-element (component) separator, the character after ISA16 the segment terminator, and in
5010 ISA11 the repetition separator. Line breaks after (or instead of) the terminator are
tolerated. Every problem is an `X12Error` whose message names the fault and the segment (its
ordinal in the file and its first characters), so a person can find it; nothing here raises
anything else on bad input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from medassist.billing.errors import Code

ISA_LENGTH = 106  # "ISA" + 16 elements with their separators + the terminator


class X12Error(Exception):
    """A file that is not a readable X12 interchange (or not the one expected)."""

    def __init__(self, message: str, *, code: str = Code.X12_MALFORMED) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Separators:
    element: str
    component: str
    segment: str
    repetition: str = ""


@dataclass
class Segment:
    """One segment: `id` ("CLP") and its elements; `elements[0]` is the id itself, so
    `seg[4]` is CLP04 as in the implementation guides."""

    elements: list[str]
    position: int  # 1-based ordinal in the file
    separators: Separators

    @property
    def id(self) -> str:
        return self.elements[0]

    def __getitem__(self, index: int) -> str:
        return self.elements[index] if index < len(self.elements) else ""

    def components(self, index: int) -> list[str]:
        return self[index].split(self.separators.component)

    def text(self, limit: int = 60) -> str:
        raw = self.separators.element.join(self.elements)
        return raw if len(raw) <= limit else raw[: limit - 3] + "..."

    def where(self) -> str:
        return f"segment {self.position} ({self.text()})"

    def amount(self, index: int, *, required: bool = True) -> Decimal:
        """Element `index` as a Decimal amount; an X12Error naming the element otherwise."""
        value = self[index].strip()
        name = f"{self.id}{index:02d}"
        if not value:
            if required:
                raise X12Error(f"{name} (an amount) is missing in {self.where()}.")
            return Decimal("0")
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite() or "e" in value.lower():
            raise X12Error(f"{name} {value!r} is not an amount in {self.where()}.")
        return number


@dataclass
class Transaction:
    """ST ... SE with the group it belongs to."""

    set_id: str  # ST01: "835", "837", ...
    control_number: str
    version: str  # ST03 if present, else GS08
    segments: list[Segment] = field(default_factory=list)  # between ST and SE, exclusive
    st: Segment | None = None


@dataclass
class Group:
    functional_id: str  # GS01: HP (835), HC (837), FA (999) ...
    control_number: str
    version: str  # GS08
    sender: str
    receiver: str
    gs: Segment
    transactions: list[Transaction] = field(default_factory=list)


@dataclass
class Interchange:
    separators: Separators
    control_number: str
    version: str  # ISA12: 00501 / 00401
    sender: str
    receiver: str
    usage: str  # ISA15: P or T
    isa: Segment
    groups: list[Group] = field(default_factory=list)

    @property
    def transactions(self) -> list[Transaction]:
        return [t for g in self.groups for t in g.transactions]


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        text = data
    else:
        if b"\x00" in data:
            raise X12Error(
                "The file holds binary data (NUL bytes), not X12 text.", code=Code.X12_NOT_X12
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    text = text.lstrip("\ufeff \t\r\n")
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\r\n\t\x1c\x1d\x1e\x1f")
    if controls > 4 or "\x00" in text:
        raise X12Error(
            "The file holds binary data (control characters), not X12 text.",
            code=Code.X12_NOT_X12,
        )
    return text


def separators(text: str) -> Separators:
    """The separators an ISA segment at the start of `text` declares."""
    if not text.startswith("ISA"):
        start = text[:20].replace("\n", " ").replace("\r", " ")
        raise X12Error(
            f"No ISA segment: an X12 interchange must start with ISA, this file starts with "
            f"{start!r}.",
            code=Code.X12_NOT_X12,
        )
    if len(text) < 4:
        raise X12Error("The file is truncated inside the ISA segment.", code=Code.X12_TRUNCATED)
    element = text[3]
    if element.isalnum() or element.isspace():
        raise X12Error(
            f"The ISA segment's element separator {element!r} is a letter, digit or space.",
            code=Code.X12_NOT_X12,
        )
    # ISA16 follows the 16th element separator; the segment terminator follows ISA16.
    count, index = 0, 3
    while count < 16:
        index = text.find(element, index)
        if index < 0:
            raise X12Error(
                "The file is truncated inside the ISA segment (fewer than 16 elements).",
                code=Code.X12_TRUNCATED,
            )
        count += 1
        index += 1
    if index + 1 >= len(text):
        raise X12Error(
            "The file is truncated inside the ISA segment (no segment terminator).",
            code=Code.X12_TRUNCATED,
        )
    component, segment = text[index], text[index + 1]
    if segment == "\r" and text[index + 2 : index + 3] == "\n":
        segment = "\n"
    if component.isalnum() or segment.isalnum() or len({element, component, segment}) < 3:
        raise X12Error(
            f"The ISA segment's separators are not usable: element {element!r}, component "
            f"{component!r}, segment terminator {segment!r}.",
            code=Code.X12_MALFORMED,
        )
    isa = text[:index].split(element)
    repetition = isa[11] if len(isa) > 11 and isa[12].startswith("005") else ""
    if repetition.isalnum() or repetition in (element, component, segment):
        repetition = ""
    return Separators(element, component, segment, repetition)


def segments(data: bytes | str) -> list[Segment]:
    """Every segment of an interchange, in order (line breaks between segments ignored)."""
    text = _decode(data)
    seps = separators(text)
    out: list[Segment] = []
    for raw in text.split(seps.segment):
        raw = raw.strip("\r\n\t ")
        if not raw:
            continue
        if seps.segment != "\n" and "\n" in raw:
            # A line break inside a segment is a fault only when the segment runs on into
            # text that looks like another segment; a wrapped long line is joined back.
            raw = raw.replace("\r", "").replace("\n", "")
        elements = raw.split(seps.element)
        seg_id = elements[0].strip()
        position = len(out) + 1
        if not (2 <= len(seg_id) <= 3 and seg_id.isalnum() and seg_id[0].isalpha()):
            shown = raw[:40]
            raise X12Error(
                f"Segment {position} ({shown!r}) has no valid segment id: the file is "
                f"damaged or not X12.",
                code=Code.X12_MALFORMED,
            )
        elements[0] = seg_id.upper()
        out.append(Segment(elements, position, seps))
    return out


def _count(value: str, seg: Segment, name: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise X12Error(f"{name} {value!r} is not a number in {seg.where()}.") from None


def read(data: bytes | str) -> Interchange:
    """Parse one interchange and check its envelopes: ISA/IEA, GS/GE and ST/SE pairs, their
    control numbers and counts. A file that ends early is reported as truncated."""
    segs = segments(data)
    isa = segs[0]
    if len(isa.elements) < 17:
        raise X12Error(f"The ISA segment has {len(isa.elements) - 1} elements, not 16.")
    inter = Interchange(
        separators=isa.separators,
        control_number=isa[13].strip(),
        version=isa[12].strip(),
        sender=isa[6].strip(),
        receiver=isa[8].strip(),
        usage=isa[15].strip(),
        isa=isa,
    )
    group: Group | None = None
    trans: Transaction | None = None
    closed = False
    for seg in segs[1:]:
        if closed:
            if seg.id == "ISA":
                raise X12Error(
                    f"The file holds more than one interchange ({seg.where()}); give each "
                    f"interchange its own file.",
                    code=Code.X12_MALFORMED,
                )
            raise X12Error(f"Segment after the IEA trailer: {seg.where()}.")
        if trans is not None and seg.id not in ("SE",):
            if seg.id in ("ST", "GS", "GE", "IEA", "ISA"):
                raise X12Error(
                    f"Transaction {trans.control_number} has no SE trailer before {seg.where()}.",
                    code=Code.X12_TRUNCATED,
                )
            trans.segments.append(seg)
            continue
        if seg.id == "GS":
            if group is not None:
                raise X12Error(f"Group {group.control_number} has no GE before {seg.where()}.")
            group = Group(
                functional_id=seg[1].strip(),
                control_number=seg[6].strip(),
                version=seg[8].strip(),
                sender=seg[2].strip(),
                receiver=seg[3].strip(),
                gs=seg,
            )
            inter.groups.append(group)
        elif seg.id == "ST":
            if group is None:
                raise X12Error(f"ST outside a functional group (no GS before it): {seg.where()}.")
            trans = Transaction(
                set_id=seg[1].strip(),
                control_number=seg[2].strip(),
                version=seg[3].strip() or group.version,
                st=seg,
            )
            group.transactions.append(trans)
        elif seg.id == "SE":
            if trans is None or group is None:
                raise X12Error(f"SE without an ST before it: {seg.where()}.")
            expected = len(trans.segments) + 2
            if _count(seg[1], seg, "SE01") != expected:
                raise X12Error(
                    f"SE01 says {seg[1].strip()} segments but transaction "
                    f"{trans.control_number} has {expected} (ST to SE): {seg.where()}."
                )
            if seg[2].strip() != trans.control_number:
                raise X12Error(
                    f"SE02 {seg[2].strip()!r} does not match ST02 {trans.control_number!r}: "
                    f"{seg.where()}."
                )
            trans = None
        elif seg.id == "GE":
            if group is None:
                raise X12Error(f"GE without a GS before it: {seg.where()}.")
            if _count(seg[1], seg, "GE01") != len(group.transactions):
                raise X12Error(
                    f"GE01 says {seg[1].strip()} transactions but group {group.control_number} "
                    f"has {len(group.transactions)}: {seg.where()}."
                )
            if seg[2].strip() != group.control_number:
                raise X12Error(
                    f"GE02 {seg[2].strip()!r} does not match GS06 {group.control_number!r}: "
                    f"{seg.where()}."
                )
            group = None
        elif seg.id == "IEA":
            if group is not None:
                raise X12Error(
                    f"Group {group.control_number} has no GE trailer before {seg.where()}.",
                    code=Code.X12_TRUNCATED,
                )
            if _count(seg[1], seg, "IEA01") != len(inter.groups):
                raise X12Error(
                    f"IEA01 says {seg[1].strip()} groups but the interchange has "
                    f"{len(inter.groups)}: {seg.where()}."
                )
            if seg[2].strip() != inter.control_number:
                raise X12Error(
                    f"IEA02 {seg[2].strip()!r} does not match ISA13 {inter.control_number!r}: "
                    f"{seg.where()}."
                )
            closed = True
        elif seg.id == "TA1":
            continue
        else:
            raise X12Error(f"Segment outside any transaction (no ST before it): {seg.where()}.")
    if not closed:
        last = segs[-1]
        what = (
            f"transaction {trans.control_number} has no SE"
            if trans is not None
            else f"group {group.control_number} has no GE"
            if group is not None
            else "there is no IEA trailer"
        )
        raise X12Error(
            f"The file is truncated: {what}; the last segment is {last.where()}.",
            code=Code.X12_TRUNCATED,
        )
    if not inter.groups or not inter.transactions:
        raise X12Error("The interchange holds no transaction (no GS/ST).")
    return inter


def read_file(path: str | Path) -> Interchange:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise X12Error(
            f"Cannot read the file: {exc.strerror or exc}.", code=Code.X12_NOT_X12
        ) from None
    if not data.strip():
        raise X12Error("The file is empty.", code=Code.X12_NOT_X12)
    return read(data)


def expect(inter: Interchange, *, set_id: str, version: str) -> None:
    """Every transaction is `set_id` in the 5010 guide `version` ("005010X221A1"); a clear
    refusal otherwise (a 4010 file where 5010 is expected, an 837 where an 835 is)."""
    for group in inter.groups:
        for trans in group.transactions:
            where = trans.st.where() if trans.st else f"transaction {trans.control_number}"
            if trans.set_id != set_id:
                raise X12Error(
                    f"This is not an {set_id}: ST01 names transaction set "
                    f"{trans.set_id or '(blank)'}, in {where}.",
                    code=Code.X12_WRONG_TRANSACTION,
                )
            got = trans.version or group.version
            if got.startswith("004010") or inter.version == "00401":
                raise X12Error(
                    f"This is a 4010 file ({got or inter.version}); version 5010 ({version}) is "
                    f"expected: {group.gs.where()}.",
                    code=Code.X12_WRONG_VERSION,
                )
            if got[:6] != version[:6] or got[6:10] != version[6:10]:
                raise X12Error(
                    f"Version {got!r} is not the {set_id} guide {version} that is expected: "
                    f"{group.gs.where()}.",
                    code=Code.X12_WRONG_VERSION,
                )
