"""CMS-1500 (02/12) claim form as a PDF, in two modes (reportlab):

- "data": only the data, in Courier 10 pitch on the form's print grid (10 characters per inch,
  6 lines per inch, the NUCC 1500 reference instruction manual's layout), for printing onto
  the red pre-printed form. Printers differ: print one on plain paper, hold it over a form
  and adjust `OFFSET_X`/`OFFSET_Y` (points) when the clinic's printer shifts.
- "full": the same data on a drawn form (the boxes and their numbers and titles, in red), for
  review on screen or to send where a red form is not required.

Positions are (line, column) of the grid, line 1 at the top of the page, column 1 at the left.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen import canvas

CPI, LPI = 10, 6
OFFSET_X, OFFSET_Y = 0.0, 0.0
TOP_MARGIN_LINES = 0  # line 1 is the first print line of the form
RED = colors.Color(0.85, 0.1, 0.1)


@dataclass
class FormLine:
    service_date: date
    place_of_service: str
    procedure: str
    modifiers: list[str]
    pointers: str  # letters, e.g. "AB"
    charge: Decimal
    units: Decimal
    rendering_npi: str = ""


@dataclass
class FormData:
    payer_name: str
    payer_address: list[str]
    insurance_type: str  # medicare, medicaid, tricare, champva, group, feca, other
    insured_id: str
    patient_name: str  # LAST, FIRST
    patient_dob: date
    patient_sex: str
    insured_name: str
    patient_address: tuple[str, str, str, str]
    relationship: str  # self, spouse, child, other
    insured_address: tuple[str, str, str, str]
    insured_group: str
    diagnoses: list[str]
    lines: list[FormLine]
    tin: str
    account_number: str
    total: Decimal
    provider_name: str
    provider_address: tuple[str, str, str, str]
    provider_npi: str
    signature: str = "SIGNATURE ON FILE"
    extra: dict = field(default_factory=dict)


def _pos(line: float, column: float) -> tuple[float, float]:
    width, height = LETTER
    x = (column - 1) * 72 / CPI + 0.25 * 72 + OFFSET_X
    y = height - (line + TOP_MARGIN_LINES) * 72 / LPI - 0.33 * 72 + OFFSET_Y
    return x, y


def _money(value: Decimal) -> tuple[str, str]:
    dollars, cents = f"{Decimal(value):.2f}".split(".")
    return dollars, cents


LINES_PER_FORM = 6  # item 24 has six service lines


def _pages(data: FormData) -> list[tuple[list[FormLine], bool]]:
    """A claim of more than six lines goes on continuation forms, six lines each: every form
    repeats the header and diagnoses; item 28 says CONTINUED on all but the last, which
    carries the claim's total (NUCC 1500 instructions)."""
    chunks = [
        data.lines[i : i + LINES_PER_FORM] for i in range(0, len(data.lines), LINES_PER_FORM)
    ] or [[]]
    return [(chunk, n == len(chunks) - 1) for n, chunk in enumerate(chunks)]


def _fields(
    data: FormData, lines: list[FormLine] | None = None, last: bool = True
) -> list[tuple[float, float, str]]:
    out: list[tuple[float, float, str]] = []

    def put(line: float, column: float, text: str) -> None:
        if text:
            out.append((line, column, str(text).upper()))

    for n, text in enumerate([data.payer_name, *data.payer_address][:4]):
        put(2 + n, 50, text[:30])
    boxes = {
        "medicare": 2,
        "medicaid": 9,
        "tricare": 16,
        "champva": 24,
        "group": 31,
        "feca": 39,
        "other": 45,
    }
    put(8, boxes.get(data.insurance_type, 45), "X")
    put(8, 50, data.insured_id[:29])
    put(10, 2, data.patient_name[:28])
    put(10, 31, f"{data.patient_dob:%m %d %Y}")
    put(10, 42 if data.patient_sex == "M" else 47, "X" if data.patient_sex in "MF" else "")
    put(10, 50, data.insured_name[:29])
    line1, city, state, zip_code = data.patient_address
    put(12, 2, line1[:28])
    put(12, {"self": 33, "spouse": 38, "child": 42, "other": 47}[data.relationship], "X")
    i_line1, i_city, i_state, i_zip = data.insured_address
    put(12, 50, i_line1[:29])
    put(14, 2, city[:24])
    put(14, 26, state)
    put(14, 50, i_city[:23])
    put(14, 74, i_state)
    put(16, 2, zip_code[:12])
    put(16, 50, i_zip[:12])
    put(20, 50, data.insured_group[:29])
    put(36, 2, data.signature)
    put(36, 55, data.signature)
    put(38, 38, "0")  # ICD indicator: 0 = ICD-10-CM
    letters = "ABCDEFGHIJKL"
    for n, code in enumerate(data.diagnoses[:12]):
        put(39 + n // 4, 3 + (n % 4) * 13, f"{letters[n]}. {code}")
    for n, item in enumerate(data.lines[:LINES_PER_FORM] if lines is None else lines):
        row = 45 + 2 * n
        put(row, 1, f"{item.service_date:%m %d %y}")
        put(row, 10, f"{item.service_date:%m %d %y}")
        put(row, 19, item.place_of_service)
        put(row, 25, item.procedure)
        for k, modifier in enumerate(item.modifiers[:4]):
            put(row, 32 + 3 * k, modifier)
        put(row, 45, item.pointers[:4])
        dollars, cents = _money(item.charge)
        put(row, 50 + 6 - len(dollars), dollars)
        put(row, 57, cents)
        put(row, 60, format(Decimal(item.units).normalize(), "f"))
        put(row, 68, item.rendering_npi)
    put(57, 1, data.tin)
    put(57, 17, "X")  # EIN
    put(57, 24, data.account_number[:14])
    put(57, 38, "X")  # accept assignment: yes
    if last:
        dollars, cents = _money(data.total)
        put(57, 52 + 7 - len(dollars), dollars)
        put(57, 60, cents)
    else:
        put(57, 51, "CONTINUED")
    p_line1, p_city, p_state, p_zip = data.provider_address
    put(59, 50, data.provider_name[:29])
    put(60, 50, p_line1[:29])
    put(61, 50, f"{p_city} {p_state} {p_zip}"[:29])
    put(62, 51, data.provider_npi)
    put(61, 1, data.signature[:20])
    return out


# The drawn form: (top line, left column, bottom line, right column, number and title)
_BOXES = [
    (7, 1, 9, 49, "1. MEDICARE  MEDICAID  TRICARE  CHAMPVA  GROUP HEALTH PLAN  FECA  OTHER"),
    (7, 49, 9, 82, "1a. INSURED'S I.D. NUMBER"),
    (9, 1, 11, 30, "2. PATIENT'S NAME (Last, First, Middle)"),
    (9, 30, 11, 49, "3. PATIENT'S BIRTH DATE / SEX"),
    (9, 49, 11, 82, "4. INSURED'S NAME"),
    (11, 1, 13, 30, "5. PATIENT'S ADDRESS"),
    (11, 30, 13, 49, "6. PATIENT RELATIONSHIP TO INSURED"),
    (11, 49, 13, 82, "7. INSURED'S ADDRESS"),
    (13, 1, 15, 30, "CITY / STATE"),
    (13, 49, 15, 82, "CITY / STATE"),
    (15, 1, 17, 30, "ZIP CODE / TELEPHONE"),
    (15, 49, 17, 82, "ZIP CODE / TELEPHONE"),
    (19, 49, 21, 82, "11. INSURED'S POLICY GROUP OR FECA NUMBER"),
    (35, 1, 37, 49, "12. PATIENT'S OR AUTHORIZED PERSON'S SIGNATURE"),
    (35, 49, 37, 82, "13. INSURED'S OR AUTHORIZED PERSON'S SIGNATURE"),
    (37, 1, 42, 49, "21. DIAGNOSIS OR NATURE OF ILLNESS OR INJURY (ICD Ind.)"),
    (
        43,
        1,
        57,
        82,
        "24. A. DATES OF SERVICE  B. POS  D. PROCEDURES / MODIFIER  "
        "E. DX POINTER  F. $ CHARGES  G. UNITS  J. RENDERING NPI",
    ),
    (56, 1, 58, 23, "25. FEDERAL TAX I.D. NUMBER"),
    (56, 23, 58, 37, "26. PATIENT'S ACCOUNT NO."),
    (56, 37, 58, 49, "27. ACCEPT ASSIGNMENT?"),
    (56, 49, 58, 82, "28. TOTAL CHARGE"),
    (58, 1, 63, 26, "31. SIGNATURE OF PHYSICIAN OR SUPPLIER"),
    (58, 26, 63, 49, "32. SERVICE FACILITY LOCATION INFORMATION"),
    (58, 49, 63, 82, "33. BILLING PROVIDER INFO & PH #  (a. NPI)"),
]


def _draw_form(pdf: canvas.Canvas) -> None:
    pdf.setStrokeColor(RED)
    pdf.setFillColor(RED)
    pdf.setFont("Helvetica-Bold", 11)
    x, y = _pos(1, 1)
    pdf.drawString(x, y, "HEALTH INSURANCE CLAIM FORM")
    pdf.setFont("Helvetica", 6)
    pdf.drawString(
        x,
        y - 9,
        "APPROVED BY NATIONAL UNIFORM CLAIM COMMITTEE (NUCC) 02/12 "
        "(review copy drawn by medassist)",
    )
    for top, left, bottom, right, title in _BOXES:
        x1, y1 = _pos(top - 0.8, left - 0.3)
        x2, y2 = _pos(bottom - 0.8, right - 0.3)
        pdf.rect(x1, y2, x2 - x1, y1 - y2, stroke=1, fill=0)
        pdf.drawString(x1 + 2, y1 - 6, title)
    for n in range(6):
        _, yy = _pos(44.2 + 2 * n, 1)
        pdf.setFillColor(colors.Color(1, 0.9, 0.9))
        x1, _ = _pos(0, 0.7)
        x2, _ = _pos(0, 81.7)
        pdf.rect(x1, yy, x2 - x1, 72 / LPI, stroke=0, fill=1)
    pdf.setFillColor(RED)


def cms1500_pdf(data: FormData, *, mode: str = "full") -> bytes:
    if mode not in ("full", "data"):
        raise ValueError("mode is 'full' or 'data'")
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=LETTER)
    pdf.setTitle(f"CMS-1500 {data.account_number}")
    pages = _pages(data)
    for number, (lines, last) in enumerate(pages, start=1):
        if mode == "full":
            _draw_form(pdf)
            if len(pages) > 1:
                pdf.setFillColor(RED)
                pdf.setFont("Helvetica", 7)
                x, y = _pos(1, 60)
                pdf.drawString(x, y, f"Page {number} of {len(pages)}")
        pdf.setFillColor(colors.black)
        pdf.setFont("Courier", 12)  # Courier 12 pt is 10 characters per inch
        for line, column, text in _fields(data, lines, last):
            x, y = _pos(line, column)
            pdf.drawString(x, y, text)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()
