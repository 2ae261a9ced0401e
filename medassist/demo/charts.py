"""The demo clinic's charts: problems with ICD-10-CM codes and the medications that go with
them, allergies or "no known allergies", immunizations with CVX codes (the childhood schedule,
flu, Tdap, shingles, pneumococcal), past medical, surgical and family history, the social
history, and an encounter for every visit the provider has seen, with its note (signed on
past days, a draft waiting for signature today, none yet for the patient with the provider).

Written through the records app's bulk import (`records.services.ChartImports`, ChartImport
for many patients at once), so every item passes the rules of its one-at-a-time service and
gets its ChartHistory row, and each patient's import its audit event. Every patient's chart
comes from their own random stream, so it is the same on every load of the same date."""

from __future__ import annotations

import random
import string
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from medassist.demo import clinical, notes
from medassist.demo.clinical import Condition, Med
from medassist.demo.people import Person
from medassist.demo.setup import MAIN, Practice
from medassist.demo.visits import Visit
from medassist.practice.models import Provider, User
from medassist.records.codes import icd10_check
from medassist.records.models import (
    Allergy,
    Encounter,
    HistoryEntry,
    Immunization,
    MedicationStatement,
    NoKnownAllergies,
    Note,
    Problem,
    SocialHistory,
)
from medassist.records.services import ChartImports
from medassist.scheduling.models import Status

SOURCE = "the demo clinic's records"
DAY = timedelta(days=1)


def _months(dob: date, months: float) -> date:
    return dob + timedelta(days=round(months * 30.44))


def _between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange(max((last - first).days, 0) + 1))


def _years_ago(today: date, years: int) -> date:
    return today - timedelta(days=round(years * 365.25))


class PatientChart:
    """One patient's chart, built in memory."""

    def __init__(self, person: Person, rng: random.Random, today: date, usual: Provider, ma: User):
        self.person = person
        self.rng = rng
        self.today = today
        self.dob = person.patient.date_of_birth
        self.registered = person.registered_at.date()
        self.usual = usual
        self.ma = ma
        self.problems: list[notes.ChartProblem] = []
        self.items: list = []
        self.penicillin_allergy = False
        self.allergic_to: set[str] = set()

    @property
    def age(self) -> int:
        return self.person.age

    @property
    def sex(self) -> str:
        return self.person.patient.sex

    def _onset(self, start_age: int) -> date | None:
        """A day since the condition's first age (at most 15 years back), a month ago at the
        latest; None for a patient too young for one."""
        first = max(_months(self.dob, max(start_age, 0) * 12 + 2), _years_ago(self.today, 15))
        last = self.today - 30 * DAY
        return _between(self.rng, first, last) if first <= last else None

    def _prescriber(self, started: date) -> dict:
        if started >= self.registered:
            return {"prescriber": self.usual}
        return {"prescriber_text": "Previous primary care provider"}

    # -- problems and medications ------------------------------------------------------------
    def _has(self, c: Condition) -> bool:
        if (c.sex and c.sex != self.sex) or not (c.start <= self.age <= c.until):
            return False
        ramp = 1.0 if self.age >= c.peak else (self.age - c.start + 1) / (c.peak - c.start + 1)
        return self.rng.random() < c.chance * ramp

    def _problem(self, code: str, onset: date, **extra) -> None:
        self.items.append(
            Problem(
                category=Problem.Category.PROBLEM_LIST,
                code_system="icd-10-cm",
                code=code,
                onset_date=onset,
                recorded_date=max(onset, self.registered),
                **extra,
            )
        )

    def _medication(self, med: Med, started: date, reason: str, **extra) -> None:
        self.items.append(
            MedicationStatement(
                code_system="text",
                display=med.name,
                strength=med.strength,
                dose=med.dose,
                route=med.route,
                frequency=med.frequency,
                start_date=started,
                reason=reason[:300],
                **self._prescriber(started),
                **extra,
            )
        )

    def chronic(self) -> None:
        chosen = [c for c in clinical.CONDITIONS if self._has(c)]
        if any(c.code == "E11.9" for c in chosen):
            chosen = [c for c in chosen if c.code != "R73.03"]
        if self.age >= 18 and self.person.height_cm:
            bmi = self.person.weight_kg / (self.person.height_cm / 100) ** 2
            weight_code = clinical.OBESITY_CODE if bmi >= 30 else clinical.OVERWEIGHT_CODE
            if bmi >= 25 and self.rng.random() < (0.8 if bmi >= 30 else 0.3):
                chosen.append(Condition(weight_code, 18, 18, 1.0))
        for c in chosen:
            onset = self._onset(c.start)
            if onset is None:
                continue
            self._problem(c.code, onset)
            options = [m for m in c.meds if m.name not in self.allergic_to]
            med = self.rng.choice(options) if options else None
            if med is not None:
                started = min(onset + self.rng.randrange(0, 60) * DAY, self.today)
                self._medication(med, started, icd10_check(c.code)[1])
            self.problems.append(notes.ChartProblem(c, med))

    def resolved(self) -> None:
        if self.rng.random() >= 0.35:
            return
        code, note, youngest, med = self.rng.choice(clinical.RESOLVED)
        if self.age < youngest:
            return
        first = max(self.dob + 30 * DAY, self.today - 730 * DAY)
        if first > self.today - 40 * DAY:
            return
        onset = _between(self.rng, first, self.today - 40 * DAY)
        ended = onset + self.rng.randrange(5, 22) * DAY
        self._problem(
            code, onset, clinical_status=Problem.ClinicalStatus.RESOLVED, abatement_date=ended
        )
        if med is not None:
            if self.penicillin_allergy and med.name == "Amoxicillin":
                med = clinical.INSTEAD_OF_PENICILLIN
            status = MedicationStatement.Status.COMPLETED
            self._medication(med, onset, icd10_check(code)[1], stop_date=ended, status=status)

    # -- allergies ---------------------------------------------------------------------------
    def allergies(self) -> None:
        """Up to two allergies (the medicines chosen later avoid them), or else, for most,
        "no known allergies" recorded at registration."""
        found = 0
        for (
            substance,
            category,
            kind,
            reaction,
            severity,
            criticality,
            chance,
        ) in clinical.ALLERGIES:
            if found == 2 or self.rng.random() >= chance:
                continue
            found += 1
            self.allergic_to.add(substance)
            self.penicillin_allergy |= substance in clinical.PENICILLINS
            self.items.append(
                Allergy(
                    code_system="text",
                    display=substance,
                    category=category,
                    allergy_type=kind,
                    reaction=reaction,
                    severity=severity,
                    criticality=criticality,
                )
            )
        if not found and self.rng.random() < clinical.NO_KNOWN_ALLERGIES_SHARE:
            at = self.person.registered_at + timedelta(minutes=self.rng.randint(2, 20))
            self.items.append(NoKnownAllergies(recorded_at=at, recorded_by=self.ma))

    # -- immunizations -----------------------------------------------------------------------
    def _vaccine(self, cvx: str, given: date, route: str = "IM", site: str = "arm") -> None:
        if given > self.today or given < self.dob:
            return
        r = self.rng
        here = given >= self.registered
        extra: dict = {"primary_source": here}
        if here:
            letters = "".join(r.choice(string.ascii_uppercase) for _ in range(2))
            extra |= {
                "lot_number": f"{letters}{r.randint(1000, 9999)}",
                "expiration_date": given + r.randrange(120, 540) * DAY,
                "manufacturer": r.choice(clinical.MAKERS),
                "site": r.choice(clinical.SITES[site]),
                "route": route,
                "dose_quantity": clinical.DOSES.get(cvx, "0.5 mL"),
                "performer": self.ma,
            }
        else:
            extra["performer_text"] = "Reported from the previous provider's records"
        self.items.append(Immunization(code_system="cvx", code=cvx, occurrence_date=given, **extra))

    def _flu(self, cvx: str, chance_now: float, chance_before: float) -> None:
        season = date(
            self.today.year if self.today >= date(self.today.year, 9, 15) else self.today.year - 1,
            9,
            15,
        )
        for start, chance in (
            (season, chance_now),
            (season.replace(year=season.year - 1), chance_before),
        ):
            if self.rng.random() < chance and _months(self.dob, 6) <= start + 60 * DAY:
                given = _between(self.rng, start, min(start + 75 * DAY, self.today))
                self._vaccine(cvx, max(given, _months(self.dob, 6)))

    def immunizations(self) -> None:
        r = self.rng
        if self.age < 18:
            behind = r.random() < 0.08
            stop_after = r.randrange(0, 18) if behind else 10_000
            for cvx, ages, route, site in clinical.CHILD_VACCINES:
                for months in ages:
                    if months > stop_after:
                        break
                    self._vaccine(
                        cvx, _months(self.dob, months) + r.randrange(0, 15) * DAY, route, site
                    )
            self._flu(clinical.FLU_CHILD, 0.55, 0.5)
            return
        adult_since = _months(self.dob, 18 * 12)
        if r.random() < 0.6:
            self._vaccine(
                clinical.TDAP, _between(r, max(adult_since, _years_ago(self.today, 10)), self.today)
            )
        senior = self.age >= 65
        self._flu(
            clinical.FLU_SENIOR if senior else clinical.FLU_ADULT, 0.7 if senior else 0.45, 0.4
        )
        if self.age >= 50 and r.random() < 0.35:
            first = _between(r, max(_months(self.dob, 600), _years_ago(self.today, 5)), self.today)
            self._vaccine(clinical.ZOSTER, first)
            self._vaccine(clinical.ZOSTER, first + r.randrange(60, 180) * DAY)
        if senior and r.random() < 0.5:
            self._vaccine(
                clinical.PCV20,
                _between(r, max(_months(self.dob, 780), _years_ago(self.today, 3)), self.today),
            )

    # -- histories ---------------------------------------------------------------------------
    def _history(self, kind: str, code: str, words: str, **extra) -> None:
        system = "icd-10-cm" if code else "text"
        self.items.append(
            HistoryEntry(kind=kind, code_system=system, code=code, display=words, **extra)
        )

    def _year_since(self, age: int) -> str:
        first = self.dob.year + age
        return str(self.rng.randint(min(first, self.today.year), self.today.year))

    def histories(self) -> None:
        r = self.rng
        if self.age < 12:
            code, words = r.choice(clinical.PAST_MEDICAL_CHILD)
            self._history(HistoryEntry.Kind.MEDICAL, code, words)
        else:
            fitting = [p for p in clinical.PAST_MEDICAL if self.age >= p[2]]
            for code, words, youngest in r.sample(
                fitting, k=min(len(fitting), r.choice([0, 0, 1, 1, 2]))
            ):
                self._history(
                    HistoryEntry.Kind.MEDICAL, code, words, date_text=self._year_since(youngest)
                )
            surgeries = [
                s for s in clinical.SURGERIES if self.age >= s[1] and s[2] in ("", self.sex)
            ]
            for words, youngest, _sex in r.sample(
                surgeries, k=min(len(surgeries), r.choice([0, 0, 1, 1, 2]))
            ):
                self._history(
                    HistoryEntry.Kind.SURGICAL, "", words, date_text=self._year_since(youngest)
                )
        used: set[tuple[str, str]] = set()
        for _ in range(r.choice([0, 1, 1, 2, 2])):
            code, words, (low, high), sex = r.choice(clinical.FAMILY)
            parent, *others = clinical.RELATIVES[sex or r.choice("FM")]
            # A child's or young adult's relatives with a disease of later life: grandparents.
            elders = [o for o in others if "GR" in o] if low >= 40 and self.age < 30 else []
            relation = (
                r.choice(elders) if elders else parent if r.random() < 0.6 else r.choice(others)
            )
            if (relation, code or words) in used:
                continue
            used.add((relation, code or words))
            onset = r.randint(low, high)
            self._history(
                HistoryEntry.Kind.FAMILY,
                code,
                words,
                relation=relation,
                onset_age=onset,
                deceased=True if onset >= 70 and r.random() < 0.4 else None,
            )

    def social(self) -> None:
        r = self.rng
        if self.age < 12:
            living = r.choice(clinical.LIVING["child"])
            school = (
                "Daycare"
                if self.age < 5
                else f"Grade {self.age - 5}"
                if self.age > 5
                else "Kindergarten"
            )
            self.items.append(SocialHistory(living_situation=living, note=school))
            return
        adult = self.age >= 18
        smoking = "266919005"
        pack_years = None
        if self.age >= 16:
            smoking = r.choices(
                [s for s, _ in clinical.SMOKING], weights=[w for _, w in clinical.SMOKING]
            )[0]
            if smoking != "266919005":
                pack_years = min(r.randint(1, 40), max(1, (self.age - 15) // 2))
        occupation = (
            "Student"
            if self.age < 22
            else "Retired"
            if self.age >= 66
            else r.choice(clinical.OCCUPATIONS)
        )
        group = "child" if not adult else "older" if self.age >= 65 else "adult"
        self.items.append(
            SocialHistory(
                smoking_status=smoking,
                pack_years=pack_years,
                alcohol_use=r.choice(clinical.ALCOHOL) if adult else "None",
                drug_use=r.choice(clinical.DRUGS) if adult else "None",
                occupation=occupation,
                living_situation=r.choice(clinical.LIVING[group]),
                exercise=r.choice(clinical.EXERCISE),
            )
        )

    def build(self) -> list:
        self.allergies()
        self.chronic()
        self.resolved()
        self.immunizations()
        self.histories()
        self.social()
        return self.items


def _moment(visit: Visit, status: str) -> datetime | None:
    return next((at for s, at, _by, _reason in visit.changes if s == status), None)


class Charts:
    def __init__(
        self, practice: Practice, people: list[Person], visits: list[Visit], seed: int, today: date
    ):
        self.p = practice
        self.people = people
        self.seed = seed
        self.today = today
        self.admin = practice.users["admin"]
        self.by_patient: dict[int, list[Visit]] = defaultdict(list)
        for visit in visits:
            self.by_patient[id(visit.person)].append(visit)

    def _usual(self, i: int, person: Person) -> Provider:
        providers = self.p.providers
        fitting = [
            pr
            for pr in providers
            if self.p.specs[pr.pk].ages[0] <= person.age <= self.p.specs[pr.pk].ages[1]
        ]
        usual = providers[i % len(providers)]
        return usual if usual in fitting else fitting[i % len(fitting)]

    def _encounters(self, visits: list[Visit]) -> list[tuple[Encounter, Visit]]:
        rows = []
        for visit in sorted(visits, key=lambda v: v.appt.start):
            status = visit.changes[-1][0]
            seen = _moment(visit, Status.WITH_PROVIDER)
            if status not in (Status.CHECKED_OUT, Status.WITH_PROVIDER) or seen is None:
                continue
            appt = visit.appt
            finished = status == Status.CHECKED_OUT
            encounter = Encounter(
                appointment=appt,
                provider=appt.provider,
                start=seen,
                end=_moment(visit, Status.CHECKED_OUT) if finished else None,
                status=Encounter.Status.FINISHED if finished else Encounter.Status.IN_PROGRESS,
                type_display=appt.visit_type.name,
                reason_text=visit.rooming.reason_for_visit if visit.rooming else "",
            )
            rows.append((encounter, visit))
        return rows

    def _note(self, encounter: Encounter, visit: Visit, chart: PatientChart) -> Note | None:
        if encounter.status != Encounter.Status.FINISHED or encounter.end is None:
            return None
        rng = random.Random(f"{self.seed} note {visit.appt.public_id}")
        kind, title, body = notes.write(
            code=visit.code,
            reason=encounter.reason_text,
            reason_key=visit.reason_key,
            vitals=visit.vitals,
            problems=chart.problems,
            follow_up=visit.checkout.follow_up if visit.checkout else "as needed",
            age=chart.age,
            rng=rng,
        )
        if chart.penicillin_allergy:
            body = body.replace("Amoxicillin", "Azithromycin (penicillin allergy)")
        doctor = visit.appt.provider.user
        author = visit.rooming.roomed_by if kind == Note.Type.NURSING and visit.rooming else doctor
        note = Note(encounter=encounter, author=author, note_type=kind, title=title, body=body)
        if encounter.end.astimezone(self.p.clinic.tz).date() < self.today:
            note.status = Note.Status.SIGNED
            note.signed_by = doctor
            note.signed_at = encounter.end + timedelta(minutes=rng.randint(3, 150))
        return note

    def save(self) -> dict[str, int]:
        ma = self.p.assistant[MAIN]
        imports = ChartImports(
            actor=self.admin, patients=[p.patient for p in self.people], source=SOURCE
        )
        charts, seen = [], []
        for i, person in enumerate(self.people):
            rng = random.Random(f"{self.seed} chart {person.patient.mrn}")
            chart = PatientChart(person, rng, self.today, self._usual(i, person), ma)
            batch = imports.of(person.patient)
            batch.add(chart.build())
            visits = self._encounters(self.by_patient[id(person)])
            batch.add(e for e, _ in visits)
            charts.append(chart)
            seen.append(visits)
        imports.save()  # the encounters have their keys now, for the notes
        for person, chart, visits in zip(self.people, charts, seen, strict=True):
            written = (self._note(e, v, chart) for e, v in visits)
            imports.of(person.patient).add(n for n in written if n is not None)
        imports.finish()
        counts = Counter(type(o).__name__ for b in imports.batches.values() for o in b.created)
        return {
            "problems": counts["Problem"],
            "medications": counts["MedicationStatement"],
            "immunizations": counts["Immunization"],
            "encounters": counts["Encounter"],
            "notes": counts["Note"],
        }
