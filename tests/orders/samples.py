"""Synthetic HL7 v2 messages for the orders tests (no shared data needed)."""

from __future__ import annotations


def oru(
    *,
    control_id: str = "CTRL-1",
    mrn: str = "MF000001",
    family: str = "Reyes",
    given: str = "Jordan",
    dob: str = "19800517",
    placer: str = "",
    version: str = "2.5.1",
    results: list[tuple] | None = None,
    sep: str = "\r",
) -> str:
    results = results or [
        (
            "2093-3",
            "Cholesterol [Mass/volume] in Serum or Plasma",
            "NM",
            "242",
            "mg/dL",
            "<200",
            "H",
        ),
        (
            "2571-8",
            "Triglyceride [Mass/volume] in Serum or Plasma",
            "NM",
            "140",
            "mg/dL",
            "<150",
            "N",
        ),
        ("2085-9", "HDL Cholesterol", "NM", "48", "mg/dL", ">40", ""),
    ]
    segs = [
        f"MSH|^~\\&|ACMELAB|ACME|MEDASSIST|MAPLE|20260301083000-0500||ORU^R01^ORU_R01|{control_id}|P|{version}",
        f"PID|1||{mrn}^^^MAPLE^MR~999-99-9999^^^SSA^SS||{family}^{given}||{dob}|F",
        f"ORC|RE|{placer}|LAB-77",
        f"OBR|1|{placer}|LAB-77|57698-3^Lipid panel^LN|||20260301070000-0500"
        "|||||||||||||||20260301082500-0500|||F",
    ]
    for n, (code, name, vt, value, unit, rng, flag) in enumerate(results, start=1):
        segs.append(
            f"OBX|{n}|{vt}|{code}^{name}^LN||{value}|{unit}|{rng}|{flag}|||F|||20260301070000-0500"
        )
    return sep.join(segs) + sep
