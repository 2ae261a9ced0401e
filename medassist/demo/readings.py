"""Believable vital signs for a demo visit, in the units an American clinic types (°F, in, lb).
They go through the app's own vitals rules (medassist.intake.vitals.normalize) before saving."""

from __future__ import annotations

import random

from medassist.demo.people import Person


def for_visit(person: Person, code: str, r: random.Random) -> dict:
    """A believable set of vitals in the units an American clinic types (°F, in, lb)."""
    age = person.age
    values: dict = {"temperature_unit": "F", "height_unit": "in", "weight_unit": "lb"}
    weight_lb = person.weight_kg * r.uniform(0.985, 1.015) / 0.45359237
    values["weight"] = f"{weight_lb:.1f}"
    if code == "nurse-visit":
        if person.bp:
            values["bp_systolic"], values["bp_diastolic"] = _bp(person, r)
        values["pulse"] = person.pulse + r.randint(-5, 5)
        return values
    fever = code == "sick-visit" and r.random() < 0.4
    temp = r.gauss(100.9, 0.7) if fever else r.gauss(98.2, 0.35)
    values["temperature"] = f"{min(max(temp, 96.8), 103.6):.1f}"
    values["pulse"] = person.pulse + r.randint(-6, 6) + (12 if fever else 0)
    if age < 1:
        values["respiratory_rate"] = r.randint(30, 44)
    elif age < 6:
        values["respiratory_rate"] = r.randint(22, 30)
    elif age < 13:
        values["respiratory_rate"] = r.randint(18, 24)
    else:
        values["respiratory_rate"] = r.randint(13, 18) + (r.randint(0, 5) if fever else 0)
    if person.bp:
        values["bp_systolic"], values["bp_diastolic"] = _bp(person, r)
    spo2 = person.spo2 - (r.randint(0, 3) if fever else 0)
    values["spo2"] = min(max(spo2, 90), 100)
    if age < 18 or code in ("annual-physical", "new-patient") or r.random() < 0.2:
        values["height"] = f"{person.height_cm / 2.54:.1f}"
    if age >= 3:
        sore = code in ("sick-visit", "procedure")
        values["pain"] = r.choice([0, 2, 3, 4, 5, 6, 7, 8]) if sore and r.random() < 0.6 else 0
    return values


def _bp(person: Person, r: random.Random) -> tuple[int, int]:
    assert person.bp is not None
    systolic = person.bp[0] + r.randint(-8, 10)
    if person.age >= 50 and r.random() < 0.02:
        systolic += 45  # a hypertensive urgency now and then: a critical flag for the MA
    diastolic = min(person.bp[1] + r.randint(-5, 6), systolic - 20)
    return systolic, diastolic
