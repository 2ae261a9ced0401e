"""A lab's answer to one of our orders, as an ORU^R01 built with hl7apy: for the demo, the
benchmark and the browser test ("a simulated ORU arrives"). Values come from the caller."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.core import Segment

from medassist.orders.hl7 import MessageHeader, hl7_escape, hl7_ts, new_message
from medassist.orders.models import Order

VERSION = "2.5.1"


def _seg(name: str) -> Segment:
    return Segment(name, version=VERSION, validation_level=VALIDATION_LEVEL.TOLERANT)


def oru_for_order(
    order: Order,
    results: list[tuple[str, str, str, str, str, str]],
    *,
    control_id: str,
    taken_at: datetime | None = None,
    patient_override: dict | None = None,
) -> str:
    """results: (loinc, name, value, unit, reference range, flag) per OBX; numeric values are
    sent as NM, anything else as ST."""
    p = order.patient
    who = {
        "mrn": p.mrn,
        "family": p.last_name,
        "given": p.first_name,
        "dob": p.date_of_birth.strftime("%Y%m%d"),
        **(patient_override or {}),
    }
    taken = taken_at or timezone.now()
    lab = order.lab
    header = MessageHeader(
        sending_app=lab.code if lab else "LAB",
        sending_facility=lab.code if lab else "",
        receiving_app="MEDASSIST",
        receiving_facility=order.clinic.name[:20],
        version=VERSION,
    )
    m = new_message("ORU_R01", "ORU^R01^ORU_R01", control_id, taken, header)
    pid = _seg("PID")
    pid.pid_1 = "1"
    pid.pid_3 = f"{hl7_escape(who['mrn'])}^^^MEDASSIST^MR"
    pid.pid_5 = f"{hl7_escape(who['family'])}^{hl7_escape(who['given'])}"
    pid.pid_7 = who["dob"]
    m.add(pid)
    orc = _seg("ORC")
    orc.orc_1 = "RE"
    orc.orc_2 = hl7_escape(order.placer_number)
    orc.orc_3 = hl7_escape(f"L{order.placer_number}")
    m.add(orc)
    obr = _seg("OBR")
    obr.obr_1 = "1"
    obr.obr_2 = hl7_escape(order.placer_number)
    obr.obr_3 = hl7_escape(f"L{order.placer_number}")
    first = order.tests.first()
    if first is not None:
        obr.obr_4 = f"{hl7_escape(first.loinc)}^{hl7_escape(first.name)}^LN"
    obr.obr_7 = hl7_ts(taken)
    obr.obr_25 = "F"
    m.add(obr)
    for n, (loinc, name, value, unit, rng, flag) in enumerate(results, start=1):
        obx = _seg("OBX")
        obx.obx_1 = str(n)
        numeric = value.replace(".", "", 1).lstrip("-").isdigit()
        obx.obx_2 = "NM" if numeric else "ST"
        obx.obx_3 = f"{hl7_escape(loinc)}^{hl7_escape(name)}^LN"
        obx.obx_5 = hl7_escape(value)
        if unit:
            obx.obx_6 = hl7_escape(unit)
        if rng:
            obx.obx_7 = hl7_escape(rng)
        if flag:
            obx.obx_8 = flag
        obx.obx_11 = "F"
        obx.obx_14 = hl7_ts(taken)
        m.add(obx)
    return m.to_er7()


def lipid_results(chol: int, trig: int, hdl: int) -> list[tuple[str, str, str, str, str, str]]:
    ldl = chol - hdl - trig // 5
    return [
        (
            "2093-3",
            "Cholesterol [Mass/volume] in Serum or Plasma",
            str(chol),
            "mg/dL",
            "<200",
            "H" if chol >= 200 else "N",
        ),
        (
            "2571-8",
            "Triglyceride [Mass/volume] in Serum or Plasma",
            str(trig),
            "mg/dL",
            "<150",
            "H" if trig >= 150 else "N",
        ),
        (
            "2085-9",
            "HDL Cholesterol [Mass/volume] in Serum or Plasma",
            str(hdl),
            "mg/dL",
            ">40",
            "L" if hdl < 40 else "N",
        ),
        (
            "13457-7",
            "LDL Cholesterol calculated",
            str(ldl),
            "mg/dL",
            "<100",
            "H" if ldl >= 100 else "N",
        ),
    ]
