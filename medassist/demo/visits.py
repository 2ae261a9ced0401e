"""Four weeks of the demo clinic's appointments, each carried through the visit lifecycle.

Two weeks back and two weeks ahead of the clinic's "today", weekdays (and today, whatever day it
is), 8:00-12:00 and 13:00-17:00. Past visits are mostly checked out, with no-shows and
cancellations. Today is staged as of a moment in clinic hours ("the pivot": now, kept between
10:30 and 15:30): the morning checked out, patients waiting, roomed and with their provider,
the afternoon still booked. Every step writes what the services would have written: a
StatusChange by a named user, the check-in, the rooming with vitals (through the app's own
vitals rules), the checkout."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import models

from medassist.demo import readings, rooms, words
from medassist.demo.people import Person
from medassist.demo.setup import (
    MAIN,
    Practice,
    ProviderSpec,
    checked,
    demo_uuid,
    stamp,
)
from medassist.frontdesk.models import CheckIn, Checkout, PaymentMethod
from medassist.intake import vitals as vitals_rules
from medassist.intake.models import Rooming, Vitals
from medassist.practice.models import Provider, User
from medassist.scheduling.models import Appointment, Status, StatusChange

DAYS_BACK = DAYS_AHEAD = 14
SESSIONS = ((time(8, 0), time(12, 0)), (time(13, 0), time(17, 0)))
PIVOT_EARLIEST, PIVOT_LATEST = time(10, 30), time(15, 30)
MIN = timedelta(minutes=1)

ADULT_MIX = {
    "follow-up": 34,
    "sick-visit": 20,
    "annual-physical": 14,
    "new-patient": 6,
    "procedure": 6,
    "nurse-visit": 8,
    "telehealth": 8,
}
CHILD_MIX = {
    "annual-physical": 30,
    "sick-visit": 35,
    "follow-up": 18,
    "nurse-visit": 10,
    "new-patient": 4,
    "telehealth": 3,
}
# The field holding the moment each record stands for.
WHEN: dict[type[models.Model], str] = {
    CheckIn: "checked_in_at",
    Rooming: "roomed_at",
    Vitals: "taken_at",
    Checkout: "checked_out_at",
}
SELF_PAY_FEES = {
    "new-patient": "165.00",
    "follow-up": "95.00",
    "annual-physical": "150.00",
    "sick-visit": "85.00",
    "procedure": "140.00",
    "nurse-visit": "35.00",
    "telehealth": "75.00",
}


def pivot_for(now: datetime, tz) -> datetime:
    """The moment today's schedule is staged at: now, kept within clinic hours."""
    local = now.astimezone(tz).replace(second=0, microsecond=0)
    clock = min(max(local.time().replace(tzinfo=None), PIVOT_EARLIEST), PIVOT_LATEST)
    return datetime.combine(local.date(), clock, tzinfo=tz)


@dataclass
class Visit:
    appt: Appointment
    person: Person
    spec: ProviderSpec
    rng: random.Random
    booked_at: datetime
    booked_by: User
    changes: list[tuple[str, datetime, User, str]] = field(default_factory=list)
    check_in: CheckIn | None = None
    rooming: Rooming | None = None
    vitals: Vitals | None = None
    checkout: Checkout | None = None
    reason_key: str = ""  # the reason's template in demo/words.py (the notes are keyed by it)

    @property
    def code(self) -> str:
        return self.appt.visit_type.code


class Schedule:
    def __init__(self, practice: Practice, people: list[Person], rng, uuids, now: datetime):
        self.p = practice
        self.rng = rng
        self.uuids = uuids
        self.tz = practice.clinic.tz
        self.pivot = pivot_for(now, self.tz)
        self.today = self.pivot.date()
        # The real clock, when it is earlier than the pivot (loaded before 10:30): the steps of
        # the visits in progress happen just before it, so the board's waits read as they
        # would at the pivot instead of "0 min".
        self.clock = min(self.pivot, now.astimezone(self.tz).replace(second=0, microsecond=0))
        self.people = people
        self.visits: list[Visit] = []
        self.seen: dict[int, list[date]] = {}  # person index -> visit days
        self.new_waiting = [i for i, person in enumerate(people) if person.is_new]
        self._pools = {prov.pk: self._pool(prov) for prov in practice.providers}

    # -- choosing ----------------------------------------------------------------------------
    def _pool(self, provider: Provider):
        spec = self.p.specs[provider.pk]
        low, high = spec.ages
        members, cumulative, total = [], [], 0.0
        for i, person in enumerate(self.people):
            if not (low <= person.age <= high):
                continue
            # Each patient has a usual provider; others see them now and then.
            usual = i % len(self.p.providers) == self.p.providers.index(provider)
            pediatric = person.age < 18 and spec.ages[1] < 18
            total += person.visit_weight * (3 if usual or pediatric else 1)
            members.append(i)
            cumulative.append(total)
        return members, cumulative

    def _free(self, i: int, day: date, start: datetime) -> bool:
        if self.people[i].registered_at > start - timedelta(days=1):
            return False
        return all(abs((day - d).days) > 3 for d in self.seen.get(i, ()))

    def _patient(self, provider: Provider, code: str, day: date, start: datetime) -> int | None:
        spec = self.p.specs[provider.pk]
        if code == "new-patient":
            for i in self.new_waiting:
                low, high = spec.ages
                if low <= self.people[i].age <= high and self._free(i, day, start):
                    self.new_waiting.remove(i)
                    return i
            return None
        members, cumulative = self._pools[provider.pk]
        for _ in range(25):
            i = self.rng.choices(members, cum_weights=cumulative)[0]
            if self.people[i].is_new and i in self.new_waiting:
                continue
            if self._free(i, day, start):
                return i
        return None

    def _visit_type(self, spec: ProviderSpec, location: str, offset: int) -> str:
        mix = dict(CHILD_MIX if spec.ages[1] < 18 else ADULT_MIX)
        if not spec.procedures or location != MAIN:
            mix.pop("procedure", None)
        if offset <= 0:
            mix.pop("telehealth")
        return self.rng.choices(list(mix), weights=list(mix.values()))[0]

    # -- building ----------------------------------------------------------------------------
    def build(self) -> list[Visit]:
        for offset in range(-DAYS_BACK, DAYS_AHEAD + 1):
            day = self.today + timedelta(days=offset)
            if day.weekday() >= 5 and offset != 0:
                continue
            day_visits: dict[int, list[Visit]] = {}
            for provider in self.p.providers:
                spec = self.p.specs[provider.pk]
                location = spec.days.get(day.weekday())
                if location is None:
                    continue
                day_visits[provider.pk] = self._book_day(provider, spec, location, day, offset)
            for provider in self.p.providers:
                for visit in day_visits.get(provider.pk, []):
                    if offset < 0 or (offset == 0 and visit.appt.end <= self.pivot - 10 * MIN):
                        self._finish(visit)
                    elif offset > 0 or visit.appt.start > self.pivot + 30 * MIN:
                        self._maybe_cancel(visit)
                if offset == 0:
                    self._today_in_progress(day_visits.get(provider.pk, []))
            if offset == 0:
                rooms.now(self.p, day_visits)
            else:
                rooms.past(self.p, day_visits)
        return self.visits

    def _book_day(self, provider, spec, location, day, offset) -> list[Visit]:
        fill = 0.82 if offset <= 0 else 0.82 - 0.025 * offset
        visits = []
        for open_at, close_at in SESSIONS:
            t = datetime.combine(day, open_at, tzinfo=self.tz)
            close = datetime.combine(day, close_at, tzinfo=self.tz)
            while t < close:
                code = self._visit_type(spec, location, offset)
                minutes = self.p.visit_types[code].duration_minutes
                if t + timedelta(minutes=minutes) > close:
                    break
                i = self._patient(provider, code, day, t) if self.rng.random() < fill else None
                if i is None:
                    t += timedelta(minutes=15)
                    continue
                visits.append(self._book(provider, spec, location, code, i, t))
                self.seen.setdefault(i, []).append(day)
                t += timedelta(minutes=minutes)
        return visits

    def _book(self, provider, spec, location, code, i, start) -> Visit:
        person = self.people[i]
        vt = self.p.visit_types[code]
        vr = random.Random(self.rng.getrandbits(64))
        ceiling = min(start - timedelta(hours=2), self.clock - 90 * MIN)
        floor = max(person.registered_at + MIN, start - timedelta(days=30))
        booked_at = floor + (ceiling - floor) * vr.random()
        booked_at = booked_at.replace(second=0, microsecond=0)
        loc = self.p.locations[location]
        roll = vr.random()
        booked_by = (
            self.p.front_desk[location]
            if roll < 0.8
            else self.p.assistant[location]
            if roll < 0.95
            else self.p.users["admin"]
        )
        note = ""
        if person.patient.preferred_language != "English" and vr.random() < 0.7:
            note = f"Needs a {person.patient.preferred_language} interpreter"
        elif vr.random() < 0.12:
            note = vr.choice(words.BOOKING_NOTES)
        appt = Appointment(
            public_id=demo_uuid(self.uuids),
            clinic=self.p.clinic,
            patient=person.patient,
            provider=provider,
            location=loc,
            visit_type=vt,
            start=start,
            end=start + timedelta(minutes=vt.duration_minutes),
            status=Status.BOOKED,
            status_changed_at=booked_at,
            note=note,
            created_by=booked_by,
        )
        visit = Visit(appt, person, spec, vr, booked_at, booked_by)
        visit.changes.append((Status.BOOKED, booked_at, booked_by, ""))
        self.visits.append(visit)
        return visit

    # -- the lifecycle -----------------------------------------------------------------------
    def _desk(self, visit: Visit) -> User:
        return self.p.front_desk[visit.appt.location.name]

    def _ma(self, visit: Visit) -> User:
        return self.p.assistant[visit.appt.location.name]

    def _maybe_cancel(self, visit: Visit, share: float = 0.07) -> None:
        if visit.rng.random() >= share:
            return
        latest = min(visit.appt.start - 30 * MIN, self.clock - 5 * MIN)
        at = visit.booked_at + MIN + (latest - visit.booked_at - MIN) * visit.rng.random()
        reason = visit.rng.choice(words.CANCEL_REASONS)
        visit.changes.append(
            (Status.CANCELLED, at.replace(second=0, microsecond=0), self._desk(visit), reason)
        )
        visit.appt.cancel_reason = reason

    def _finish(self, visit: Visit) -> None:
        """A visit in the past: cancelled, a no-show, or seen and checked out."""
        r, appt = visit.rng, visit.appt
        roll = r.random()
        if roll < 0.08:
            self._maybe_cancel(visit, share=1.0)
            return
        if roll < 0.14:
            at = min(appt.start + r.randint(20, 45) * MIN, self.pivot - MIN)
            visit.changes.append((Status.NO_SHOW, at, self._desk(visit), ""))
            return
        arrive = appt.start - r.randint(-8, 20) * MIN
        roomed = arrive + r.randint(3, 15) * MIN
        seen = roomed + r.randint(4, 14) * MIN
        minutes = appt.visit_type.duration_minutes
        out = seen + timedelta(minutes=minutes * r.uniform(0.7, 1.2) + r.randint(2, 8))
        times = _before(self.pivot, [arrive, roomed, seen, out])
        self._arrive(visit, times[0])
        self._room(visit, times[1], times[2])
        self._start(visit, times[2])
        self._check_out(visit, times[3])

    def _today_in_progress(self, visits: list[Visit]) -> None:
        """The provider's day at the pivot: who is with them, roomed and waiting. Their steps
        are dated before the real clock when it is earlier than the pivot (`shift`)."""
        queue = [
            v
            for v in visits
            if len(v.changes) == 1
            and v.appt.end > self.pivot - 10 * MIN
            and v.appt.start <= self.pivot + 30 * MIN
        ]
        p = self.pivot
        shift = self.clock - p
        for n, visit in enumerate(queue):
            r, start = visit.rng, visit.appt.start
            if n == 0 and start <= p:
                arrive = start - r.randint(5, 20) * MIN
                roomed = arrive + r.randint(3, 12) * MIN
                seen = max(roomed + r.randint(3, 10) * MIN, start)
                arrive, roomed, seen = _before(p, [arrive, roomed, seen])
                self._arrive(visit, arrive + shift)
                self._room(visit, roomed + shift, seen + shift)
                self._start(visit, seen + shift)
            elif n <= 1 and start <= p + 30 * MIN:
                arrive = min(start - r.randint(10, 25) * MIN, p - r.randint(8, 20) * MIN)
                self._arrive(visit, arrive + shift)
                roomed = p - r.randint(2, 7) * MIN
                self._room(visit, roomed + shift, p + shift)
            else:
                arrive = min(start - r.randint(5, 25) * MIN, p - r.randint(1, 15) * MIN)
                self._arrive(visit, arrive + shift)

    def _arrive(self, visit: Visit, at: datetime) -> None:
        r, desk = visit.rng, self._desk(visit)
        coverage = visit.person.primary
        due = (coverage.copay or Decimal("0.00")) if coverage else Decimal("0.00")
        collected = due if due and r.random() < 0.85 else Decimal("0.00")
        method = _method(r) if collected else PaymentMethod.NONE
        visit.changes.append((Status.ARRIVED, at, desk, ""))
        visit.check_in = CheckIn(
            demographics_confirmed=True,
            insurance_confirmed=coverage is not None,
            self_pay=coverage is None,
            coverage=coverage,
            copay_due=due,
            copay_collected=collected,
            payment_method=method,
            checked_in_by=desk,
            checked_in_at=at,
            created_by=desk,
        )

    def _room(self, visit: Visit, at: datetime, done_by: datetime) -> None:
        """Rooming (the room itself is chosen once the whole day is known) and vitals."""
        r, ma, person = visit.rng, self._ma(visit), visit.person
        visit.changes.append((Status.ROOMED, at, ma, ""))
        child = person.age < 13
        reasons = (words.REASONS_CHILD if child else words.REASONS_ADULT)[visit.code]
        reasons = [x for x in reasons if words.reason_fits(x, person.age)] or reasons
        he = person.patient.sex == "M"
        visit.reason_key = r.choice(reasons)
        reason = visit.reason_key.format(
            he="he" if he else "she",
            He="He" if he else "She",
            his="his" if he else "her",
            him="him" if he else "her",
        )
        visit.rooming = Rooming(reason_for_visit=reason, roomed_by=ma, roomed_at=at, created_by=ma)
        if r.random() < 0.92:
            taken = min(at + MIN * r.randint(1, 4), done_by - MIN)
            age = person.patient.age_on(visit.appt.start.astimezone(self.tz).date())
            reading = vitals_rules.normalize(
                age_years=age, **readings.for_visit(person, visit.code, r)
            )
            visit.vitals = Vitals(
                patient=person.patient,
                recorded_by=ma,
                taken_at=max(taken, at),
                bmi=reading.bmi,
                flags=reading.flags,
                created_by=ma,
                **reading.values,
            )

    def _start(self, visit: Visit, at: datetime) -> None:
        doctor = visit.appt.provider.user
        if doctor is None or visit.rng.random() >= 0.9:
            doctor = self._ma(visit)
        visit.changes.append((Status.WITH_PROVIDER, at, doctor, ""))

    def _check_out(self, visit: Visit, at: datetime) -> None:
        r, desk = visit.rng, self._desk(visit)
        amount = Decimal("0.00")
        check_in = visit.check_in
        assert check_in is not None  # checkout follows check-in
        if check_in.self_pay:
            amount = Decimal(SELF_PAY_FEES[visit.code])
        elif check_in.copay_due and not check_in.copay_collected and r.random() < 0.5:
            amount = check_in.copay_due
        visit.changes.append((Status.CHECKED_OUT, at, desk, ""))
        visit.checkout = Checkout(
            follow_up=r.choice(words.FOLLOW_UPS),
            note=r.choice(words.CHECKOUT_NOTES),
            amount_collected=amount,
            payment_method=_method(r) if amount else PaymentMethod.NONE,
            checked_out_by=desk,
            checked_out_at=at,
            created_by=desk,
        )

    # -- saving -------------------------------------------------------------------------------
    def save(self) -> dict[str, int]:
        appts = []
        for visit in self.visits:
            appt = visit.appt
            last_status, last_at, last_by, _ = visit.changes[-1]
            appt.status, appt.status_changed_at, appt.updated_by = last_status, last_at, last_by
            if visit.rooming is None:
                appt.room = None
            appts.append(checked(appt))
        Appointment.objects.bulk_create(appts, batch_size=500)
        changes: list[StatusChange] = []
        records: dict[type[models.Model], list] = {
            CheckIn: [],
            Rooming: [],
            Vitals: [],
            Checkout: [],
        }
        for visit in self.visits:
            before = ""
            for status, at, by, reason in visit.changes:
                change = StatusChange(
                    appointment=visit.appt,
                    from_status=before,
                    to_status=status,
                    at=at,
                    by=by,
                    reason=reason,
                )
                changes.append(checked(change))
                before = status
            for record in (visit.check_in, visit.rooming, visit.vitals, visit.checkout):
                if record is None:
                    continue
                record.appointment = visit.appt
                record.updated_by = record.created_by
                records[type(record)].append(checked(record))
        StatusChange.objects.bulk_create(changes, batch_size=500)
        for model, rows in records.items():
            model._default_manager.bulk_create(rows, batch_size=500)
        stamp(Appointment, [(v.appt, v.booked_at, v.changes[-1][1]) for v in self.visits])
        for model, rows in records.items():
            when = WHEN[model]
            stamp(model, [(row, getattr(row, when), getattr(row, when)) for row in rows])
        return {
            "appointments": len(appts),
            "status changes": len(changes),
            "check-ins": len(records[CheckIn]),
            "roomings": len(records[Rooming]),
            "vitals": len(records[Vitals]),
            "checkouts": len(records[Checkout]),
        }


def _before(cap: datetime, times: list[datetime]) -> list[datetime]:
    """Keep a sequence of step times in order and before `cap` (the pivot)."""
    out = list(times)
    limit = cap - MIN
    for i in range(len(out) - 1, -1, -1):
        out[i] = min(out[i], limit).replace(second=0, microsecond=0)
        limit = out[i] - MIN
    return out


def _method(r: random.Random) -> str:
    return r.choices(
        [PaymentMethod.CARD, PaymentMethod.CASH, PaymentMethod.CHECK], weights=[60, 25, 15]
    )[0]
