"""Vital signs: unit conversion, plausibility checks (refuse the impossible) and flags
(out-of-range values the clinician should see). Pure functions, no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from medassist.core.errors import ValidationFailed

TEMP_UNITS = {"C", "F"}
HEIGHT_UNITS = {"cm", "in"}
WEIGHT_UNITS = {"kg", "lb"}

# (low, high) inclusive; outside is physiologically impossible or a typing error.
PLAUSIBLE = {
    "bp_systolic": (40, 300),
    "bp_diastolic": (30, 200),
    "pulse": (20, 300),
    "respiratory_rate": (4, 80),
    "temperature_c": (Decimal("25.0"), Decimal("45.0")),
    "spo2": (50, 100),
    "height_cm": (Decimal("25.0"), Decimal("250.0")),
    "weight_kg": (Decimal("0.3"), Decimal("450.0")),
    "head_circumference_cm": (Decimal("20.0"), Decimal("70.0")),
    "pain": (0, 10),
}
LABELS = {
    "bp_systolic": "Systolic blood pressure",
    "bp_diastolic": "Diastolic blood pressure",
    "pulse": "Pulse",
    "respiratory_rate": "Respiratory rate",
    "temperature_c": "Temperature",
    "spo2": "SpO2",
    "height_cm": "Height",
    "weight_kg": "Weight",
    "head_circumference_cm": "Head circumference",
    "pain": "Pain score",
}
UNITS = {
    "bp_systolic": "mmHg",
    "bp_diastolic": "mmHg",
    "pulse": "/min",
    "respiratory_rate": "/min",
    "temperature_c": "°C",
    "spo2": "%",
    "height_cm": "cm",
    "weight_kg": "kg",
    "head_circumference_cm": "cm",
    "pain": "/10",
}

# Adult reference ranges (age 13+): outside them the value is flagged, not refused.
ADULT_FLAGS = {
    "bp_systolic": (90, 139),
    "bp_diastolic": (60, 89),
    "pulse": (50, 100),
    "respiratory_rate": (12, 20),
}
ANY_AGE_FLAGS = {
    "temperature_c": (Decimal("35.5"), Decimal("37.9")),
    "spo2": (95, 100),
}
CRITICAL = {
    "bp_systolic": (70, 180),
    "bp_diastolic": (40, 120),
    "spo2": (90, 100),
    "temperature_c": (Decimal("35.0"), Decimal("40.0")),
}


@dataclass
class Reading:
    values: dict = field(default_factory=dict)
    flags: list[dict] = field(default_factory=list)
    bmi: Decimal | None = None


def _number(raw, name: str, *, integer: bool) -> Decimal | int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(
            f"{LABELS.get(name, name)}: {raw!r} is not a number.", field=name
        ) from exc
    if not value.is_finite():
        raise ValidationFailed(f"{LABELS.get(name, name)} must be a number.", field=name)
    if integer:
        if value != value.to_integral_value():
            raise ValidationFailed(f"{LABELS.get(name, name)} must be a whole number.", field=name)
        return int(value)
    return value


def _in_unit(metric, unit: str):
    """A plausibility bound (stored in metric) in the unit the reading was typed in."""
    if unit == "°F":
        return _q(Decimal(metric) * 9 / 5 + 32, "0.1")
    if unit == "in":
        return _q(Decimal(metric) / Decimal("2.54"), "0.1")
    if unit == "lb":
        return _q(Decimal(metric) / Decimal("0.45359237"), "0.1")
    return metric


def _q(value: Decimal, places: str) -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def normalize(
    *,
    bp_systolic=None,
    bp_diastolic=None,
    pulse=None,
    respiratory_rate=None,
    temperature=None,
    temperature_unit: str = "F",
    spo2=None,
    height=None,
    height_unit: str = "in",
    weight=None,
    weight_unit: str = "lb",
    pain=None,
    head_circumference=None,
    age_years: int | None = None,
) -> Reading:
    """Convert to metric, refuse impossible values, compute BMI, and flag out-of-range values."""
    if temperature_unit not in TEMP_UNITS:
        raise ValidationFailed("Temperature unit must be C or F.", field="temperature_unit")
    if height_unit not in HEIGHT_UNITS:
        raise ValidationFailed("Height unit must be cm or in.", field="height_unit")
    if weight_unit not in WEIGHT_UNITS:
        raise ValidationFailed("Weight unit must be kg or lb.", field="weight_unit")
    v: dict = {
        "bp_systolic": _number(bp_systolic, "bp_systolic", integer=True),
        "bp_diastolic": _number(bp_diastolic, "bp_diastolic", integer=True),
        "pulse": _number(pulse, "pulse", integer=True),
        "respiratory_rate": _number(respiratory_rate, "respiratory_rate", integer=True),
        "spo2": _number(spo2, "spo2", integer=True),
        "pain": _number(pain, "pain", integer=True),
    }
    entered: dict[str, tuple[Decimal, str]] = {}  # as typed, for messages in the unit used
    temp = _number(temperature, "temperature_c", integer=False)
    if temp is not None:
        entered["temperature_c"] = (Decimal(temp), "°" + temperature_unit)
    if temp is not None and temperature_unit == "F":
        temp = (temp - 32) * 5 / Decimal(9)
    v["temperature_c"] = _q(Decimal(temp), "0.1") if temp is not None else None
    height = _number(height, "height_cm", integer=False)
    if height is not None:
        entered["height_cm"] = (Decimal(height), height_unit)
    if height is not None and height_unit == "in":
        height = height * Decimal("2.54")
    v["height_cm"] = _q(Decimal(height), "0.1") if height is not None else None
    weight = _number(weight, "weight_kg", integer=False)
    if weight is not None:
        entered["weight_kg"] = (Decimal(weight), weight_unit)
    if weight is not None and weight_unit == "lb":
        weight = weight * Decimal("0.45359237")
    v["weight_kg"] = _q(Decimal(weight), "0.01") if weight is not None else None
    head = _number(head_circumference, "head_circumference_cm", integer=False)  # cm
    if head is not None:
        entered["head_circumference_cm"] = (Decimal(head), "cm")
    v["head_circumference_cm"] = _q(Decimal(head), "0.1") if head is not None else None

    if all(value is None for value in v.values()):
        raise ValidationFailed("Enter at least one vital sign.")
    errors: dict[str, list[str]] = {}
    for name, value in v.items():
        if value is None:
            continue
        low, high = PLAUSIBLE[name]
        if not (low <= value <= high):
            typed, unit = entered.get(name, (value, UNITS[name]))
            low, high = _in_unit(low, unit), _in_unit(high, unit)
            errors[name] = [
                f"{LABELS[name]} {typed} {unit} is not possible; re-check the reading "
                f"(accepted {low}–{high} {unit})."
            ]
    if (v["bp_systolic"] is None) != (v["bp_diastolic"] is None):
        errors.setdefault("bp_diastolic", []).append(
            "Blood pressure needs both systolic and diastolic numbers."
        )
    elif v["bp_systolic"] is not None and v["bp_diastolic"] >= v["bp_systolic"]:
        errors.setdefault("bp_diastolic", []).append(
            "Diastolic pressure must be lower than systolic; were they swapped?"
        )
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, errors=errors)

    reading = Reading(values=v)
    if v["height_cm"] and v["weight_kg"]:
        meters = v["height_cm"] / 100
        reading.bmi = _q(v["weight_kg"] / (meters * meters), "0.1")
    reading.flags = flags_for(v, reading.bmi, age_years)
    return reading


def flags_for(v: dict, bmi: Decimal | None, age_years: int | None) -> list[dict]:
    ranges = dict(ANY_AGE_FLAGS)
    if age_years is None or age_years >= 13:
        ranges.update(ADULT_FLAGS)
    flags = []
    for name, (low, high) in ranges.items():
        value = v.get(name)
        if value is None:
            continue
        if value < low or value > high:
            direction = "low" if value < low else "high"
            clow, chigh = CRITICAL.get(name, (None, None))
            critical = (clow is not None and value < clow) or (chigh is not None and value > chigh)
            shown = f"{value} {UNITS[name]}"
            if name == "temperature_c":  # the clinic's unit first, as on the form
                shown = f"{(Decimal(value) * 9 / 5 + 32).quantize(Decimal('0.1'))} °F ({shown})"
            flags.append(
                {
                    "field": name,
                    "value": str(value),
                    "direction": direction,
                    "critical": critical,
                    "message": f"{LABELS[name]} {shown} is {direction}"
                    + (" (critical)" if critical else ""),
                }
            )
    pain = v.get("pain")
    if pain is not None and pain >= 7:
        flags.append(
            {
                "field": "pain",
                "value": str(pain),
                "direction": "high",
                "critical": False,
                "message": f"Severe pain reported ({pain}/10)",
            }
        )
    if bmi is not None and (age_years is None or age_years >= 18) and (bmi < 18.5 or bmi >= 30):
        flags.append(
            {
                "field": "bmi",
                "value": str(bmi),
                "direction": "low" if bmi < 18.5 else "high",
                "critical": False,
                "message": f"BMI {bmi} is {'low' if bmi < 18.5 else 'high'}",
            }
        )
    return flags
