"""The demo clinic's 500 patients: households with believable names, ages, addresses, phone
numbers, emergency contacts and insurance. Normalized and validated like a registration."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from medassist.core.normalize import name_key, phone_e164
from medassist.demo import words
from medassist.demo.setup import Practice, checked, demo_uuid, stamp
from medassist.patients.models import Coverage, Patient

PATIENT_COUNT = 500
NEW_PATIENTS = 36  # registered in the last six weeks; their first visit is a new-patient visit


@dataclass
class Person:
    """A patient being generated, with facts the schedule and vitals need."""

    patient: Patient
    age: int
    age_days: int
    registered_at: datetime
    visit_weight: float
    is_new: bool = False
    height_cm: float = 0.0
    weight_kg: float = 0.0
    bp: tuple[int, int] | None = None
    pulse: int = 75
    spo2: int = 98
    coverages: list[Coverage] = field(default_factory=list)

    @property
    def primary(self) -> Coverage | None:
        return self.coverages[0] if self.coverages else None


class PhonePool:
    """Fictional 555-01xx numbers in local and New York City area codes, each checked with the
    same parser the app uses (phonenumbers treats them as valid), handed out without repeats."""

    def __init__(self, rng: random.Random) -> None:
        numbers = [
            phone_e164(f"({area}) 555-{n:04d}", field="phone")
            for area in words.AREA_CODES
            for n in range(100, 200)
        ]
        rng.shuffle(numbers)
        self._numbers = numbers

    def take(self) -> str:
        return self._numbers.pop()


def _ascii(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if c.isascii() and c.isalnum()).lower()


def _same_day(day: date, year: int) -> date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=year, day=28)


def _dob(rng: random.Random, today: date, age: int) -> date:
    """A date of birth giving exactly `age` years today (babies are at least five days old)."""
    latest = _same_day(today, today.year - age)
    if age == 0:
        latest = today - timedelta(days=5)
    earliest = _same_day(today, today.year - age - 1) + timedelta(days=1)
    return earliest + timedelta(days=rng.randrange((latest - earliest).days + 1))


def _at(day: date, rng: random.Random, tz: ZoneInfo) -> datetime:
    minutes = rng.randrange(8 * 60, 17 * 60)
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=tz)


# Median height (cm) and weight (kg) by age in years, for children.
CHILD_HEIGHT = [50, 75, 87, 96, 103, 110, 116, 122, 128, 133, 138, 144, 150, 156, 162, 166, 169]
CHILD_WEIGHT = [3.5, 10, 12.5, 14.5, 16.5, 18.5, 21, 23, 26, 29, 32, 36, 40, 45, 50, 55, 59]


def _body(person: Person, sex: str, rng: random.Random) -> None:
    age = person.age
    if age == 0:
        frac = person.age_days / 365
        person.height_cm = 50 + 25 * frac
        person.weight_kg = (3.5 + 6.5 * frac) * rng.uniform(0.88, 1.12)
    elif age < 17:
        person.height_cm = CHILD_HEIGHT[age] * rng.uniform(0.95, 1.05)
        person.weight_kg = CHILD_WEIGHT[age] * min(max(rng.gauss(1, 0.13), 0.8), 1.5)
    else:
        mean = 163 if sex == "F" else 177
        person.height_cm = min(max(rng.gauss(mean, 7), 145), 205)
        bmi = min(max(rng.gauss(28.5, 5.5), 17.5), 46)
        person.weight_kg = bmi * (person.height_cm / 100) ** 2
    if age >= 13:
        systolic = int(min(max(100 + 0.45 * age + rng.gauss(0, 12), 96), 172))
        diastolic = int(min(max(systolic * 0.62 + rng.gauss(0, 6), 58), 104))
        person.bp = (systolic, min(diastolic, systolic - 25))
        person.pulse = int(min(max(rng.gauss(74, 9), 52), 104))
    elif age >= 3:
        person.bp = (rng.randint(94, 112), rng.randint(54, 70))
        person.pulse = rng.randint(76, 110)
    else:
        person.pulse = rng.randint(100, 140)
    person.spo2 = 94 if age >= 70 and rng.random() < 0.1 else rng.randint(96, 99)


def _member_id(rng: random.Random, payer_name: str, kind: str) -> str:
    digits = "".join(str(rng.randrange(10)) for _ in range(9))
    if kind == "medicare":
        # Medicare Beneficiary Identifier shape: 1EG4-TE5-MK73.
        letters = "ACDEFGHJKMNPQRTUVWXY"
        alnum = letters + "0123456789"
        pattern = ["19", letters, alnum, "0123456789", letters, alnum, "0123456789"]
        pattern += [letters, letters, "0123456789", "0123456789"]
        return "".join(rng.choice(chars) for chars in pattern)
    if kind == "medicaid":
        abc = "ABCDEFGHJKLMNPRSTUVWXYZ"
        return rng.choice(abc) + rng.choice(abc) + digits[:5] + rng.choice(abc)
    if payer_name == "Aetna":
        return "W" + digits
    if payer_name.startswith("Blue Cross"):
        return rng.choice(["YLS", "ZRN", "NYA"]) + digits
    if payer_name == "Cigna":
        return "U" + digits[:8]
    return digits


class Registry:
    """Builds households, then saves patients and coverage in bulk."""

    def __init__(self, practice: Practice, rng: random.Random, uuids: random.Random, today):
        self.practice = practice
        self.rng = rng
        self.uuids = uuids
        self.today = today
        self.tz = practice.clinic.tz
        self.phones = PhonePool(rng)
        self.names: set[tuple[str, str]] = set()
        self.people: list[Person] = []

    # -- people -------------------------------------------------------------------------------
    def _first_name(self, group: int, sex: str, last: str) -> str | None:
        lasts, females, males, _langs, _share = words.HERITAGE[group]
        pool = females if sex == "F" else males
        for _ in range(60):
            first = self.rng.choice(pool)
            key = (name_key(first), name_key(last))
            if key not in self.names:
                self.names.add(key)
                return first
        return None

    def _person(self, *, group, sex, age, last, home) -> Person | None:
        rng = self.rng
        first = self._first_name(group, sex, last)
        if first is None:
            return None
        dob = _dob(rng, self.today, age)
        age_days = (self.today - dob).days
        middle = ""
        if age >= 18 and group in (0, 1) and rng.random() < 0.4:
            middle = rng.choice(words.MIDDLE_F if sex == "F" else words.MIDDLE_M)
        preferred = words.PREFERRED.get(first, "") if rng.random() < 0.6 else ""
        email = ""
        if age >= 16 and rng.random() < 0.8:
            domain = rng.choice(["example.com", "example.org", "example.net"])
            email = f"{_ascii(first)}.{_ascii(last)}{rng.randint(1, 99)}@{domain}"
        patient = Patient(
            public_id=demo_uuid(self.uuids),
            clinic=self.practice.clinic,
            first_name=first,
            middle_name=middle,
            last_name=last,
            preferred_name=preferred,
            date_of_birth=dob,
            sex=sex,
            first_name_key=name_key(first),
            last_name_key=name_key(last),
            phone_mobile=self.phones.take() if age >= 13 else home["phone"],
            phone_home=home["home_phone"],
            email=email,
            address_line1=home["street"],
            address_line2=home["line2"],
            city=home["city"],
            state="NY",
            postal_code=home["zip"],
            preferred_language=home["language"],
        )
        weight = 3.0 if age < 3 else 1.0 if age < 50 else 1.6 if age < 70 else 2.2
        if rng.random() < 0.15:
            weight = 0.3
        if age_days < 120:
            registered = _at(dob + timedelta(days=rng.randint(1, 4)), rng, self.tz)
        else:
            oldest = max((self.today - dob).days - 1, 61)
            back = rng.randint(60, min(oldest, 15 * 365))
            registered = _at(self.today - timedelta(days=back), rng, self.tz)
        person = Person(
            patient=patient,
            age=age,
            age_days=age_days,
            registered_at=registered,
            visit_weight=weight,
        )
        _body(person, sex, rng)
        return person

    def _household(self) -> list[Person]:
        rng = self.rng
        kind = rng.choices(
            ["single", "elder", "couple", "family", "single_parent"], weights=[24, 14, 20, 30, 12]
        )[0]
        group = rng.choices(range(len(words.HERITAGE)), weights=words.HERITAGE_WEIGHTS)[0]
        lasts, _f, _m, langs, share = words.HERITAGE[group]
        last = rng.choice(lasts)
        town, zips = rng.choices(words.TOWNS, weights=words.TOWN_WEIGHTS)[0]
        home = {
            "street": f"{rng.randint(2, 1999)} {rng.choice(words.STREETS)}",
            "line2": f"Apt {rng.randint(1, 6)}{rng.choice('ABCD')}" if rng.random() < 0.25 else "",
            "city": town,
            "zip": rng.choice(zips),
            "language": rng.choice(langs) if langs and rng.random() < share else "English",
            "home_phone": self.phones.take() if rng.random() < 0.35 else "",
        }
        adults: list[tuple[str, int]] = []
        kids: list[tuple[str, int]] = []
        sex = rng.choice("FM")
        if kind == "single":
            adults = [(sex, rng.randint(18, 64))]
        elif kind == "elder":
            adults = [(sex, rng.randint(65, 95))]
        elif kind == "couple":
            age = rng.randint(24, 64) if rng.random() < 0.6 else rng.randint(65, 90)
            other = sex if rng.random() < 0.05 else ("M" if sex == "F" else "F")
            adults = [(sex, age), (other, min(max(age + rng.randint(-5, 5), 19), 95))]
        else:
            age = rng.randint(23, 50)
            adults = [(sex, age)]
            if kind == "family":
                adults.append(
                    ("M" if sex == "F" else "F", min(max(age + rng.randint(-4, 4), 20), 55))
                )
            for _ in range(rng.choices([1, 2, 3, 4], weights=[40, 35, 18, 7])[0]):
                top = min(17, age - 18)
                kid_age = 0 if rng.random() < 0.08 else rng.randint(0, top)
                kids.append((rng.choice("FM"), kid_age))
        members: list[Person] = []
        for i, (s, a) in enumerate(adults):
            # Spouses keep their own last name a third of the time.
            surname = last if i == 0 or rng.random() < 0.67 else rng.choice(lasts)
            home["phone"] = ""
            person = self._person(group=group, sex=s, age=a, last=surname, home=home)
            if person is not None:
                members.append(person)
        if not members:
            return []
        parent = members[0].patient
        home["phone"] = parent.phone_mobile
        for s, a in kids:
            person = self._person(group=group, sex=s, age=a, last=last, home=home)
            if person is not None:
                members.append(person)
        adult_count = len([m for m in members if m.age >= 18])
        self._contacts(members, adult_count, group)
        self._insure(members, adult_count)
        return members

    def _contacts(self, members: list[Person], adult_count: int, group: int) -> None:
        rng = self.rng
        adults = [m.patient for m in members[:adult_count]]
        for m in members:
            p = m.patient
            if rng.random() < 0.04:
                continue
            partner = next((a for a in adults if a is not p), None)
            if m.age < 18:
                guardian = adults[0]
                p.emergency_contact_name = f"{guardian.first_name} {guardian.last_name}"
                p.emergency_contact_relationship = "Mother" if guardian.sex == "F" else "Father"
                p.emergency_contact_phone = guardian.phone_mobile
            elif partner is not None and m.age >= 18:
                p.emergency_contact_name = f"{partner.first_name} {partner.last_name}"
                p.emergency_contact_relationship = rng.choice(["Spouse", "Spouse", "Partner"])
                p.emergency_contact_phone = partner.phone_mobile
            else:
                lasts, females, males, _l, _s = words.HERITAGE[group]
                sex = rng.choice("FM")
                first = rng.choice(females if sex == "F" else males)
                table = words.CONTACTS_OLDER if m.age >= 65 else words.CONTACTS_YOUNGER
                relation = rng.choice(table[sex])
                last = p.last_name if relation not in ("Friend", "Neighbor") else rng.choice(lasts)
                p.emergency_contact_name = f"{first} {last}"
                p.emergency_contact_relationship = relation
                p.emergency_contact_phone = self.phones.take()

    def _insure(self, members: list[Person], adult_count: int) -> None:
        rng = self.rng
        payers = self.practice.payers
        if rng.random() < 0.06:
            return  # a self-pay household
        holder = members[0]
        young = [m for m in members if m.age < 65]
        for m in members:
            if m.age >= 65:
                medicare = payers["medicare"][0]
                self._cover(m, medicare, "medicare", m, Coverage.Relationship.SELF, None)
                if rng.random() < 0.3:
                    supplement = rng.choice(payers["commercial"])
                    cov = self._cover(m, supplement, "commercial", m, "self", Decimal("0.00"))
                    cov.priority = Coverage.Priority.SECONDARY
        if not young:
            return
        if rng.random() < 0.22:
            for m in young:
                self._cover(m, payers["medicaid"][0], "medicaid", m, "self", Decimal("0.00"))
            return
        payer = rng.choice(payers["commercial"])
        copay = Decimal(rng.choice(["20.00", "25.00", "30.00", "35.00", "40.00"]))
        base = _member_id(rng, payer.name, "commercial")
        group_number = f"G{rng.randint(10000, 99999)}"
        for i, m in enumerate(young):
            if m is holder or holder.age >= 65:
                relation = Coverage.Relationship.SELF
            elif i < adult_count:
                relation = Coverage.Relationship.SPOUSE
            else:
                relation = Coverage.Relationship.CHILD
            subscriber = m if relation == Coverage.Relationship.SELF else holder
            member_id = f"{base}{i + 1:02d}" if len(young) > 1 else base
            cov = self._cover(m, payer, "commercial", subscriber, relation, copay, member_id)
            cov.group_number = group_number

    def _cover(self, m, payer, kind, subscriber, relation, copay, member_id=None) -> Coverage:
        sub = subscriber.patient
        cov = Coverage(
            patient=m.patient,
            payer=payer,
            member_id=member_id or _member_id(self.rng, payer.name, kind),
            subscriber_name=f"{sub.first_name} {sub.last_name}",
            subscriber_date_of_birth=sub.date_of_birth,
            relationship=relation,
            priority=Coverage.Priority.PRIMARY,
            copay=copay,
        )
        m.coverages.append(cov)
        return cov

    # -- saving -------------------------------------------------------------------------------
    def build(self) -> list[Person]:
        while len(self.people) < PATIENT_COUNT:
            self.people.extend(self._household())
        del self.people[PATIENT_COUNT:]
        # A few recent registrations whose first visit here is a new-patient visit.
        candidates = [p for p in self.people if p.age_days >= 120]
        for person in self.rng.sample(candidates, NEW_PATIENTS):
            person.is_new = True
            back = self.rng.randint(3, 44)
            person.registered_at = _at(self.today - timedelta(days=back), self.rng, self.tz)
        self.people.sort(key=lambda p: p.registered_at)
        return self.people

    def save(self) -> None:
        clinic = self.practice.clinic
        desks = list(self.practice.front_desk.values())
        for number, person in enumerate(self.people, start=1):
            patient = person.patient
            patient.mrn = f"{clinic.mrn_prefix}{number:06d}"
            clerk = desks[0] if self.rng.random() < 0.7 else desks[-1]
            patient.created_by = patient.updated_by = clerk
            checked(patient)
        Patient.objects.bulk_create([p.patient for p in self.people], batch_size=500)
        clinic.next_mrn = len(self.people) + 1
        clinic.save(update_fields=["next_mrn"])
        coverages = []
        for person in self.people:
            for cov in person.coverages:
                cov.patient = person.patient  # now with its primary key
                cov.created_by = cov.updated_by = person.patient.created_by
                coverages.append(checked(cov))
        Coverage.objects.bulk_create(coverages, batch_size=500)
        stamp(Patient, [(p.patient, p.registered_at, p.registered_at) for p in self.people])
        stamp(
            Coverage,
            [(c, p.registered_at, p.registered_at) for p in self.people for c in p.coverages],
        )
