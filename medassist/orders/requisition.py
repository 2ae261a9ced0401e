"""The requisition PDF a lab (or the patient who takes it along) needs for an order: the
clinic, the ordering clinician with NPI, the patient and insurance, the tests with LOINC
codes and specimen requirements (container, volume, fasting, handling), the diagnosis codes,
and a Code 128 barcode of the order number. Built with reportlab; every word is fixed text
or the order's own data (nothing written for the patient)."""

from __future__ import annotations

import re
from io import BytesIO
from xml.sax.saxutils import escape

import simple_icd_10_cm as icd
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.orders.models import Order, Tube
from medassist.practice.models import Location, User
from medassist.records.codes import icd10_normalize

_CODE = re.compile(r"\b[A-TV-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?\b", re.IGNORECASE)


def order_requisition(*, user: User, order: Order, tz) -> bytes:
    """The requisition PDF of an order the user may see (access_order), audited as an export."""
    pdf = requisition_pdf(order, tz)
    audit_record(
        actor=user,
        action=AuditEvent.Action.EXPORT,
        obj=order,
        patient=order.patient,
        detail={"document": "requisition"},
    )
    return pdf


def diagnosis_codes(text: str) -> list[tuple[str, str]]:
    """The ICD-10-CM codes written in an order's diagnosis, with their official titles."""
    found: list[tuple[str, str]] = []
    for token in _CODE.findall(text or ""):
        code = icd10_normalize(token)
        if icd.is_valid_item(code) and code not in [c for c, _ in found]:
            found.append((code, icd.get_description(code)))
    return found


class _Barcode(Flowable):
    def __init__(self, value: str) -> None:
        super().__init__()
        self.code = Code128(value, barHeight=0.45 * inch, barWidth=1.1, humanReadable=True)
        self.width, self.height = self.code.width, self.code.height + 10

    def draw(self) -> None:
        self.code.drawOn(self.canv, 0, 10)


def _p(text: str, style) -> Paragraph:
    return Paragraph(escape(text), style)


def _grid(rows: list[list], widths: list[float], header: bool = True) -> Table:
    t = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")))
    t.setStyle(TableStyle(style))
    return t


def requisition_pdf(order: Order, tz) -> bytes:
    """The requisition of one order, times in the clinic's zone (tz)."""
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    normal, h2 = styles["BodyText"], styles["Heading3"]
    clinic, patient, prov = order.clinic, order.patient, order.ordering_provider
    kind = {
        Order.Kind.LAB: "Laboratory requisition",
        Order.Kind.IMAGING: "Imaging requisition",
        Order.Kind.REFERRAL: "Referral",
    }[Order.Kind(order.kind)]
    location = Location.objects.filter(clinic=clinic, active=True).order_by("name").first()
    where = ""
    if location is not None:
        where = ", ".join(
            x
            for x in (
                location.address_line1,
                location.city,
                f"{location.state} {location.postal_code}".strip(),
            )
            if x
        )
    phone = (location.phone if location and location.phone else "") or clinic.phone
    signed = order.signed_at.astimezone(tz)
    credentials = f", {prov.credentials}" if prov.credentials else ""

    story: list[Flowable] = [
        _p(kind, styles["Title"]),
        _grid(
            [
                [
                    Paragraph(
                        f"<b>{escape(clinic.name)}</b><br/>{escape(where)}"
                        f"{'<br/>Phone ' + escape(phone) if phone else ''}",
                        small,
                    ),
                    _Barcode(order.placer_number),
                ],
                [
                    Paragraph(
                        f"<b>Ordering clinician</b><br/>{escape(prov.first_name)} "
                        f"{escape(prov.last_name)}{escape(credentials)}<br/>NPI {escape(prov.npi)}",
                        small,
                    ),
                    Paragraph(
                        f"<b>Order {escape(order.placer_number)}</b><br/>"
                        f"Priority: {escape(order.get_priority_display())}<br/>"
                        f"Signed {signed:%m/%d/%Y %H:%M} · due {order.due_date:%m/%d/%Y}",
                        small,
                    ),
                ],
            ],
            [3.6 * inch, 3.4 * inch],
            header=False,
        ),
        Spacer(1, 0.12 * inch),
        _p("Patient", h2),
    ]
    address = ", ".join(
        x
        for x in (
            patient.address_line1,
            patient.address_line2,
            patient.city,
            f"{patient.state} {patient.postal_code}".strip(),
        )
        if x
    )
    rows = [
        ["Name", f"{patient.last_name}, {patient.first_name}", "MRN", patient.mrn],
        [
            "Date of birth",
            f"{patient.date_of_birth:%m/%d/%Y}",
            "Sex",
            patient.get_sex_display(),
        ],
        ["Phone", patient.phone_mobile or patient.phone_home or "", "Address", address],
    ]
    coverage = patient.coverages.filter(active=True).select_related("payer").first()
    if coverage is not None:
        rows.append(
            [
                "Insurance",
                str(coverage.payer),
                "Member / group",
                f"{coverage.member_id} / {coverage.group_number or '-'}",
            ]
        )
    story.append(
        _grid(
            [[_p(str(c), small) for c in r] for r in rows],
            [1.0 * inch, 2.5 * inch, 1.1 * inch, 2.4 * inch],
            header=False,
        )
    )

    if order.kind == Order.Kind.LAB:
        story += [
            _p(f"Tests (performing lab: {order.lab.name if order.lab else '-'})", h2),
            _tests_table(order, small),
        ]
        if order.fasting_required:
            story.append(
                Paragraph(
                    "<b>Fasting required</b> for this order: follow the lab's fasting "
                    "instructions before the specimen is drawn.",
                    normal,
                )
            )
        specimens = list(order.specimens.select_related("collected_by"))
        if specimens:
            story += [
                _p("Specimens collected", h2),
                _grid(
                    [["Accession", "Container", "Collected", "By", "Site"]]
                    + [
                        [
                            s.accession,
                            Tube(s.tube).label,
                            f"{s.collected_at.astimezone(tz):%m/%d/%Y %H:%M}",
                            _p(s.collected_by.get_full_name() or s.collected_by.username, small),
                            _p(s.site, small),
                        ]
                        for s in specimens
                    ],
                    [1.4 * inch, 1.9 * inch, 1.2 * inch, 1.3 * inch, 1.2 * inch],
                ),
            ]
    elif order.kind == Order.Kind.IMAGING:
        story += [
            _p("Study", h2),
            _p(
                " ".join(x for x in (order.modality, order.body_site, order.procedure_name) if x),
                normal,
            ),
        ]
        if order.reason:
            story.append(_p(f"Reason: {order.reason}", normal))
    else:
        story += [
            _p("Referred to", h2),
            _p(order.refer_to + (f" ({order.specialty})" if order.specialty else ""), normal),
            _p(f"Reason: {order.reason}", normal),
        ]

    story.append(_p("Diagnosis", h2))
    codes = diagnosis_codes(order.diagnosis)
    if codes:
        story.append(
            _grid(
                [["ICD-10-CM", "Description"]]
                + [[code, _p(title, small)] for code, title in codes],
                [1.2 * inch, 5.8 * inch],
            )
        )
    story.append(
        _p(f"As written: {order.diagnosis}" if order.diagnosis else "No diagnosis given.", normal)
    )
    story += [
        Spacer(1, 0.2 * inch),
        _p(
            f"Electronically signed by {prov.first_name} {prov.last_name}{credentials} "
            f"(NPI {prov.npi}) on {signed:%m/%d/%Y %H:%M}.",
            small,
        ),
    ]

    buf = BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=letter,
        leftMargin=0.75 * inch,
        rightMargin=0.75 * inch,
        topMargin=0.6 * inch,
        bottomMargin=0.6 * inch,
        title=f"{kind} {order.placer_number}",
        author=clinic.name,
    )
    doc.build(story)
    return buf.getvalue()


def _tests_table(order: Order, style) -> Table:
    rows: list[list] = [
        ["LOINC", "Code", "Test", "Specimen / container", "Volume", "Fasting", "Handling"]
    ]
    for ot in order.tests.select_related("test"):
        t = ot.test
        rows.append(
            [
                ot.loinc,
                t.order_code,
                _p(ot.name, style),
                _p(f"{t.specimen_type}, {Tube(t.tube).label}", style),
                f"{t.volume_ml} mL",
                "Yes" if t.fasting_required else "No",
                _p(t.handling or "-", style),
            ]
        )
    return _grid(
        rows,
        [0.7 * inch, 0.7 * inch, 1.5 * inch, 1.5 * inch, 0.6 * inch, 0.55 * inch, 1.45 * inch],
    )
