"""The physician's pre-visit summary: the reason in the patient's words, structured symptom
details, vitals with flags and trend, instrument scores and bands, what changed since the last
visit, and care gaps to consider (CDC immunization schedules, USPSTF A and B recommendations,
both shipped as data with their source and date in records/data/). Observations, never advice.

`previsit_summary` reads a fixed number of queries whatever the size of the chart: every list
is either bounded (latest N) or limited to the time since the last visit."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.db.models import Q
from django.utils import timezone

from medassist.intake import engine
from medassist.intake.growth.report import Growth, growth_for
from medassist.intake.models import (
    AllergyConfirmation,
    MedReconciliation,
    QuestionnaireResponse,
    Rooming,
    Vitals,
)
from medassist.intake.selectors import growth_vitals
from medassist.intake.starter import KEY as VISIT_INTAKE
from medassist.patients.models import Patient
from medassist.records.models import (
    Allergy,
    Encounter,
    HistoryEntry,
    Immunization,
    MedicationStatement,
    Observation,
    Problem,
    Procedure,
    SocialHistory,
)
from medassist.records.models.histories import SmokingStatus
from medassist.scheduling.models import Appointment

DATA = Path(__file__).resolve().parent / "data"
VITALS_TREND = 6
CHANGES_SHOWN = 50
INSTRUMENT_ROWS = 40
SMOKERS = {
    "current": {
        SmokingStatus.EVERY_DAY,
        SmokingStatus.SOME_DAY,
        SmokingStatus.CURRENT_UNKNOWN,
        SmokingStatus.HEAVY,
        SmokingStatus.LIGHT,
    },
    "former": {SmokingStatus.FORMER},
}


@lru_cache(maxsize=1)
def immunization_schedule() -> dict:
    return json.loads((DATA / "cdc_immunizations.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def uspstf() -> dict:
    return json.loads((DATA / "uspstf_ab.json").read_text(encoding="utf-8"))


def months_between(born: dt.date, day: dt.date) -> int:
    months = (day.year - born.year) * 12 + (day.month - born.month)
    return months - (1 if day.day < born.day else 0)


def _months_ago(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(y, m + 1, min(day.day, 28))


@dataclass
class Gap:
    kind: str  # "immunization" or "screening"
    name: str
    detail: str
    source: str


def immunization_gaps(
    *, born: dt.date, today: dt.date, given: list[tuple[str, dt.date]]
) -> list[Gap]:
    """What the routine CDC schedule expects by this age that is not recorded. `given` holds
    (CVX code, date) of completed doses."""
    data = immunization_schedule()
    source = f"CDC immunization schedules, as of {data['as_of']}"
    age = months_between(born, today)
    gaps: list[Gap] = []
    for s in data["schedules"]:
        if age > s.get("max_age_months", 10**6) or age < s.get("min_age_months", 0):
            continue
        start = s.get("min_age_months", 0)
        doses = [d for c, d in given if c in s["cvx"] and months_between(born, d) >= start - 1]
        needed = sum(1 for a in s["ages_months"] if age >= a)
        short = {c: n for c, n in s.get("complete_with", {}).items()}
        if any(sum(1 for c2, _ in given if c2 == c) >= n for c, n in short.items()):
            continue
        if len(doses) < needed:
            gaps.append(
                Gap(
                    "immunization",
                    s["name"],
                    f"{len(doses)} of {needed} doses expected by this age recorded",
                    source,
                )
            )
    for r in data["recurring"]:
        if age < r["min_age_months"]:
            continue
        since = _months_ago(today, r["every_months"])
        if not any(c in r["cvx"] and d > since for c, d in given):
            last = max((d for c, d in given if c in r["cvx"]), default=None)
            gaps.append(
                Gap(
                    "immunization",
                    r["name"],
                    f"last recorded {last:%b %-d, %Y}" if last else "none recorded",
                    source,
                )
            )
    for o in data["once"]:
        if age >= o["min_age_months"] and not any(c in o["cvx"] for c, _ in given):
            gaps.append(Gap("immunization", o["name"], "none recorded", source))
    return gaps


@dataclass
class Evidence:
    """What the chart holds that a screening can be matched to: (system, code) -> latest date."""

    latest: dict[tuple[str, str], dt.date] = field(default_factory=dict)

    def add(self, system: str, code: str, day: dt.date | None) -> None:
        if day is None or not code:
            return
        key = (system, code)
        if key not in self.latest or self.latest[key] < day:
            self.latest[key] = day


def screening_gaps(
    *,
    born: dt.date,
    sex: str,
    today: dt.date,
    evidence: Evidence,
    bmi: float | None = None,
    smoking: str = "",
) -> list[Gap]:
    data = uspstf()
    source = f"USPSTF A and B recommendations, as of {data['as_of']}"
    age = months_between(born, today) // 12
    gaps: list[Gap] = []
    for rec in data["recommendations"]:
        if sex not in rec["sexes"] or age < rec["min_age"] or age > rec.get("max_age", 200):
            continue
        if "bmi_at_least" in rec and (bmi is None or bmi < rec["bmi_at_least"]):
            continue
        if "smoking" in rec and smoking not in rec["smoking"]:
            continue
        done = None
        for ev in rec["evidence"]:
            if age < ev.get("min_age", 0):
                continue
            since = _months_ago(today, ev["months"]) if ev.get("months") else None
            for code in ev["codes"]:
                day = evidence.latest.get((ev["system"], code))
                if day is not None and (since is None or day > since):
                    done = (ev["what"], day)
                    break
            if done:
                break
        if done is None:
            gaps.append(
                Gap(
                    "screening",
                    f"{rec['name']} (grade {rec['grade']})",
                    "nothing recorded within the interval",
                    source,
                )
            )
    return gaps


# --------------------------------------------------------------------------------- summary


@dataclass
class Summary:
    appointment: Appointment
    patient: Patient
    age: int
    age_text: str
    reason: str = ""
    reason_source: str = ""
    symptoms: list[tuple[str, str]] = field(default_factory=list)
    emergency: list[str] = field(default_factory=list)
    vitals: list[Vitals] = field(default_factory=list)  # newest first, this visit's first
    instruments: list[dict] = field(default_factory=list)
    last_visit: Encounter | None = None
    changes: list[tuple[str, str]] = field(default_factory=list)
    reconciliation: list[MedReconciliation] = field(default_factory=list)
    allergy_check: AllergyConfirmation | None = None
    gaps: list[Gap] = field(default_factory=list)
    growth: Growth | None = None  # percentiles and z-scores, patients under 20
    generated_at: dt.datetime | None = None


def _answer(item: dict, value) -> str:
    if item["type"] == "choice":
        codes = value if isinstance(value, list) else [value]
        return ", ".join(engine.option_display(item, c) for c in codes)
    if item["type"] == "boolean":
        return "yes" if value else "no"
    return str(value)


def previsit_summary(*, appointment: Appointment, today: dt.date) -> Summary:
    """Build the summary of a visit the caller fetched through access_appointment (scoped and
    audited). A fixed number of queries, whatever the chart's size."""
    patient = appointment.patient
    summary = Summary(
        appointment=appointment,
        patient=patient,
        age=patient.age_on(today),
        age_text=patient.age_text_on(today),
        generated_at=timezone.now(),
    )
    rooming = Rooming.objects.filter(appointment=appointment).first()
    responses = list(
        QuestionnaireResponse.objects.filter(
            patient=patient, status=QuestionnaireResponse.Status.COMPLETED
        )
        .select_related("questionnaire")
        .order_by("-completed_at", "-id")[:INSTRUMENT_ROWS]
    )
    intake = next(
        (
            r
            for r in responses
            if r.questionnaire.name == VISIT_INTAKE and r.appointment_id == appointment.pk
        ),
        None,
    )
    if rooming is not None:
        summary.reason, summary.reason_source = rooming.reason_for_visit, "said at rooming"
    if intake is not None:
        items = intake.questionnaire.items
        answers = intake.answers
        if not summary.reason and answers.get("reason.text"):
            summary.reason, summary.reason_source = answers["reason.text"], "written on the form"
        questions = engine.answerable(items)
        for link, value in answers.items():
            item = questions.get(link)
            if item is not None and link.startswith(("symptom.", "ros.")):
                summary.symptoms.append((item.get("text", link), _answer(item, value)))
        summary.emergency = [
            questions[link].get("text", link) for link in engine.emergencies(items, answers)
        ]
    # instruments: the latest of each, with the one before for a trend
    seen: dict[str, list[QuestionnaireResponse]] = {}
    for r in responses:
        if r.questionnaire.instrument and r.score:
            seen.setdefault(r.questionnaire.title, []).append(r)
    for title, rows in seen.items():
        latest = rows[0]
        summary.instruments.append(
            {
                "title": title,
                "score": latest.score,
                "completed_at": latest.completed_at,
                "previous": (rows[1].score or {}).get("total") if len(rows) > 1 else None,
            }
        )
    if intake is not None:
        summary.emergency += [
            f"{r.questionnaire.title}: {f}"
            for r in responses
            if r.appointment_id == appointment.pk and r.score
            for f in r.score.get("flags", [])
            if r.score.get("alert_clinician")
        ]
    summary.vitals = list(
        Vitals.objects.filter(patient=patient, entered_in_error=False).order_by("-taken_at", "-id")[
            :VITALS_TREND
        ]
    )
    last = (
        Encounter.objects.filter(patient=patient, start__lt=appointment.start)
        .exclude(status__in=["cancelled", "entered-in-error"])
        .exclude(appointment=appointment)
        .order_by("-start", "-id")
        .first()
    )
    summary.last_visit = last
    since = last.start if last is not None else None
    summary.changes = _changes(patient, since)
    summary.reconciliation = list(
        MedReconciliation.objects.filter(appointment=appointment).order_by("medication")
    )
    summary.allergy_check = (
        AllergyConfirmation.objects.filter(appointment=appointment).order_by("-created_at").first()
    )
    if intake is not None:
        for link, label in (
            ("meds.new-allergy-detail", "New allergy (patient's words)"),
            ("history.detail", "History change (patient's words)"),
        ):
            if intake.answers.get(link):
                summary.changes.insert(0, (label, intake.answers[link]))
    summary.gaps = _gaps(patient, today, summary.vitals, responses)
    if patient.age_on(today) < 20:
        summary.growth = growth_for(
            patient, growth_vitals(patient=patient), tz=patient.clinic.tz, today=today
        )
    return summary


def _changes(patient, since: dt.datetime | None) -> list[tuple[str, str]]:
    """Chart items added or changed since the last visit (bounded lists, one query each)."""
    if since is None:
        return []
    out: list[tuple[str, str]] = []
    rows = (
        (Problem, "Problem", lambda p: f"{p.display} ({p.clinical_status})"),
        (MedicationStatement, "Medication", lambda m: f"{m} ({m.status})"),
        (Allergy, "Allergy", lambda a: f"{a.display}{f': {a.reaction}' if a.reaction else ''}"),
        (HistoryEntry, "History", lambda h: f"{h.get_kind_display()}: {h.display}"),
        (Immunization, "Immunization", lambda i: f"{i.display} {i.occurrence_date or ''}"),
        (Procedure, "Procedure", lambda p: p.display),
    )
    for model, label, text in rows:
        for obj in (
            model.objects.filter(patient=patient, updated_at__gt=since)  # type: ignore[attr-defined]
            .exclude(**{_status_field(model): "entered-in-error"})
            .order_by("-updated_at")[:CHANGES_SHOWN]
        ):
            out.append((label, text(obj)))
    return out


def _status_field(model) -> str:
    return "verification_status" if model is Problem else "status"


def _gaps(patient, today, vitals, responses) -> list[Gap]:
    given = [
        (code, day)
        for code, day in Immunization.objects.filter(
            patient=patient, status=Immunization.Status.COMPLETED, code_system="cvx"
        ).values_list("code", "occurrence_date")
        if day is not None
    ]
    gaps = immunization_gaps(born=patient.date_of_birth, today=today, given=given)
    evidence = Evidence()
    for code, when in _latest(Procedure, patient, "cpt", "performed_start"):
        evidence.add("cpt", code, when)
    for code, when in _latest(Observation, patient, "loinc", "effective_at"):
        evidence.add("loinc", code, when)
    bp = next((v for v in vitals if v.bp_systolic is not None), None)
    if bp is not None:
        evidence.add("vitals", "bp", timezone.localdate(bp.taken_at, patient.clinic.tz))
    for r in responses:
        if r.questionnaire.instrument and r.completed_at:
            evidence.add(
                "instrument",
                r.questionnaire.instrument,
                timezone.localdate(r.completed_at, patient.clinic.tz),
            )
    bmi = next((float(v.bmi) for v in vitals if v.bmi is not None), None)
    social = (
        SocialHistory.objects.filter(patient=patient, status=SocialHistory.Status.CURRENT)
        .order_by("-updated_at")
        .values_list("smoking_status", flat=True)
        .first()
    )
    smoking = next((k for k, codes in SMOKERS.items() if social in codes), "")
    gaps += screening_gaps(
        born=patient.date_of_birth,
        sex=patient.sex,
        today=today,
        evidence=evidence,
        bmi=bmi,
        smoking=smoking,
    )
    return gaps


def _latest(model, patient, system: str, when: str) -> list[tuple[str, dt.date]]:
    """(code, latest local date) of one code system's rows: one grouped query."""
    from django.db.models import Max

    rows = (
        model.objects.filter(patient=patient, code_system=system)
        .exclude(Q(code="") | Q(status__in=["entered-in-error", "not-done", "cancelled"]))
        .values("code")
        .annotate(last=Max(when))
        .values_list("code", "last")
    )
    tz = patient.clinic.tz
    return [(c, timezone.localdate(w, tz)) for c, w in rows if w is not None]
