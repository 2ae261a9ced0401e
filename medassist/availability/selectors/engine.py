"""The search engine: epoch-second intervals, the loaded set-up of one search (`Search`)
and the walk over the days (`search_slots`). How it works: the package docstring."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from medassist.availability.models import (
    AvailabilityException,
    ClinicHoliday,
    Resource,
    ResourceBooking,
    WeeklySession,
)
from medassist.availability.selectors.intervals import (  # noqa: F401 - also for booking
    EpochSeconds,
    _as_date,
    _as_time,
    _epoch,
    _epoch_rows,
    _merge,
    _overlaps,
    _raw_values,
    _subtract,
    _ts,
)
from medassist.practice.models import Clinic, Location, Provider
from medassist.scheduling.models import ACTIVE_STATUSES, Appointment

STEP_MINUTES = 15
MAX_VISIT_MINUTES = 480  # VisitType.duration_minutes is at most 480: bounds the index scan
FIRST_CHUNK_DAYS = 2  # days on which someone works
MAX_CHUNK_DAYS = 62  # calendar days, however few of them are worked
FEW = 5  # up to this many providers, queries name them; more, they filter by clinic
PROVIDER_FIELDS = (
    "id",
    "public_id",
    "clinic_id",
    "first_name",
    "last_name",
    "credentials",
    "active",
)


@dataclass(frozen=True)
class Slot:
    """A bookable start: provider, location, the instants (clinic-local) and the resources
    that would be booked with it."""

    start: datetime
    end: datetime
    provider: Provider
    location: Location
    resources: tuple[Resource, ...] = ()

    @property
    def key(self) -> str:
        """A compact token for a form: provider id, location id, start (UTC)."""
        return f"{self.provider.public_id}|{self.location.public_id}|{self.start.isoformat()}"


# ---------------------------------------------------------------------------- the engine


@dataclass
class Search:
    """The loaded set-up of one search; `open_intervals` is what a provider's day offers
    before appointments are taken out."""

    clinic: Clinic
    duration: int  # seconds
    providers: list[Provider]
    location: Location | None
    required_kinds: list[int] = field(default_factory=list)
    # provider id -> weekday -> [(start time, end time, location id, from, to)]
    sessions: dict[int, dict[int, list[tuple]]] = field(default_factory=dict)
    time_off: dict[int, list[AvailabilityException]] = field(default_factory=dict)
    extras: dict[int, list[AvailabilityException]] = field(default_factory=dict)
    closed: set[tuple[date, int | None]] = field(default_factory=set)
    locations: dict[int, Location] = field(default_factory=dict)
    resources: dict[tuple[int, int], list[Resource]] = field(default_factory=dict)

    _instants: dict = field(default_factory=dict)

    @property
    def tz(self):
        return self.clinic.tz

    def ts(self, day: date, wall: time) -> int:
        """Epoch seconds of a clinic-local wall time on a date (cached)."""
        key = (day, wall)
        value = self._instants.get(key)
        if value is None:
            value = self._instants[key] = _ts(day, wall, self.clinic.tz)
        return value

    @classmethod
    def load(
        cls,
        *,
        clinic,
        duration_minutes: int,
        providers: list[Provider],
        location: Location | None,
        required_kinds: list[int],
        date_from: date,
        date_to: date,
    ) -> Search:
        search = cls(
            clinic=clinic,
            duration=duration_minutes * 60,
            providers=providers,
            location=location,
            required_kinds=required_kinds,
        )
        ids = {p.pk for p in providers}
        # Many providers: filter by clinic and keep the wanted ones in Python (no long IN list).
        by = {"provider_id__in": ids} if len(ids) <= FEW else {"clinic_id": clinic.pk}
        sessions = WeeklySession.objects.filter(active=True, **by).filter(
            Q(effective_from__isnull=True) | Q(effective_from__lte=date_to),
            Q(effective_to__isnull=True) | Q(effective_to__gte=date_from),
        )
        exceptions = AvailabilityException.objects.filter(
            active=True, start_date__lte=date_to, end_date__gte=date_from, **by
        )
        if location is not None:
            sessions = sessions.filter(location_id=location.pk)
        for pid, weekday, start, end, loc, eff_from, eff_to in _raw_values(
            sessions,
            "provider_id",
            "weekday",
            "start_time",
            "end_time",
            "location_id",
            "effective_from",
            "effective_to",
        ):
            if pid not in ids:
                continue
            search.sessions.setdefault(pid, {}).setdefault(weekday, []).append(
                (_as_time(start), _as_time(end), loc, _as_date(eff_from), _as_date(eff_to))
            )
        for x in exceptions:
            if x.provider_id not in ids:
                continue
            if x.kind == AvailabilityException.Kind.EXTRA:
                if location is None or x.location_id == location.pk:
                    search.extras.setdefault(x.provider_id, []).append(x)
            else:
                search.time_off.setdefault(x.provider_id, []).append(x)
        for day, loc in ClinicHoliday.objects.filter(
            clinic_id=clinic.pk, active=True, date__gte=date_from, date__lte=date_to
        ).values_list("date", "location_id"):
            search.closed.add((day, loc))
        location_ids = {
            row[2] for days in search.sessions.values() for rows in days.values() for row in rows
        }
        location_ids |= {x.location_id for rows in search.extras.values() for x in rows}
        if location is not None:
            location_ids.add(location.pk)  # its resources, for a visit booked outside hours
        search.locations = {
            loc.pk: loc for loc in Location.objects.filter(pk__in=location_ids, active=True)
        }
        if required_kinds:
            for r in Resource.objects.filter(
                clinic_id=clinic.pk,
                active=True,
                kind_id__in=required_kinds,
                location_id__in=location_ids,
            ).order_by("name", "pk"):
                search.resources.setdefault((r.location_id, r.kind_id), []).append(r)
        return search

    def open_intervals(self, provider_id: int, day: date) -> list[tuple[int, int, int, int]]:
        """(start, end, location id, anchor) in epoch seconds, sorted, before appointments."""
        ts = self.ts
        opens: list[tuple[int, int, int, int]] = []
        clinic_closed = (day, None) in self.closed
        days = self.sessions.get(provider_id)
        for start, end, loc, eff_from, eff_to in days.get(day.weekday(), ()) if days else ():
            if loc not in self.locations:
                continue
            if eff_from is not None and day < eff_from:
                continue
            if eff_to is not None and day > eff_to:
                continue
            if clinic_closed or (day, loc) in self.closed:
                continue
            a, b = ts(day, start), ts(day, end)
            if b > a:
                opens.append((a, b, loc, a))
        # An extra session is the admin's explicit choice: it opens even on a holiday.
        for x in self.extras.get(provider_id, ()):
            if x.start_time is None or x.end_time is None:
                continue  # an extra session always has hours; the model allows none for time off
            if x.start_date <= day <= x.end_date and x.location_id in self.locations:
                a, b = ts(day, x.start_time), ts(day, x.end_time)
                if b > a:
                    opens.append((a, b, x.location_id, a))
        opens.sort()
        if opens and self.time_off.get(provider_id):
            opens = self._time_off(provider_id, day, opens)
        return opens

    def _time_off(self, provider_id, day, opens):
        ts = self.ts
        result = []
        for a, b, loc, anchor in opens:
            busy = []
            for x in self.time_off.get(provider_id, ()):
                if not (x.start_date <= day <= x.end_date):
                    continue
                if x.location_id is not None and x.location_id != loc:
                    continue
                if x.all_day:
                    busy.append((ts(day, time.min), ts(day + timedelta(days=1), time.min)))
                else:
                    busy.append((ts(day, x.start_time), ts(day, x.end_time)))
            result.extend(_subtract([(a, b, loc, anchor)], _merge(busy)))
        return result

    def day_bounds(self, first: date, last: date) -> tuple[datetime, datetime]:
        tz = self.tz
        lo = datetime.combine(first, time.min, tzinfo=tz)
        hi = datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz)
        return lo, hi

    def window_bounds(self, day: date, window: tuple[time, time]) -> tuple[int, int]:
        """A time-of-day window on one date as epoch seconds (an open end runs to midnight)."""
        if window[1] == time.max:
            return self.ts(day, window[0]), self.ts(day + timedelta(days=1), time.min)
        return self.ts(day, window[0]), self.ts(day, window[1])

    def appointments(self, first: date, last: date, *, window=None):
        """{provider id: [(start, end)] sorted by start} of the active appointments touching
        the days (with a time-of-day window: only those that touch the window, where a visit
        can start): ONE query on the (provider, start) or (clinic, start) index."""
        ids = {p.pk for p in self.providers}
        # Few providers: the (provider, start) index; many: the (clinic, start) index and keep
        # the wanted providers in Python. Either way ONE query per chunk.
        by = {"provider_id__in": ids} if len(ids) <= FEW else {"clinic_id": self.clinic.pk}
        reach = timedelta(minutes=MAX_VISIT_MINUTES)
        if window is None:
            spans = [self.day_bounds(first, last)]
        else:  # a visit starting in the window runs up to `duration` past its end
            spans = []
            for day in _days(first, last):
                a, b = self.window_bounds(day, window)
                spans.append(
                    (datetime.fromtimestamp(a, UTC), datetime.fromtimestamp(b + self.duration, UTC))
                )
        touching = Q()
        for lo, hi in spans:  # `end >= lo`: a visit ending as the window opens sets its first start
            touching |= Q(start__gte=lo - reach, start__lt=hi, end__gte=lo)
        rows = _epoch_rows(
            Appointment.objects.filter(touching, status__in=ACTIVE_STATUSES, **by).order_by(),
            "provider_id",
        )
        visits: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for pid, start, end in rows:
            visits[pid].append((start, end))
        visits = {pid: v for pid, v in visits.items() if pid in ids}
        for v in visits.values():
            v.sort()  # rows mostly arrive in start order: a linear pass
        # Sorted by start is all `_subtract` and `_overlaps` need (overlaps allowed), so the
        # same lists serve as the busy times and for counting a day's visits.
        return visits

    def booked_on(self, visits: list[tuple[int, int]], day: date) -> int:
        """How many of a provider's visits (sorted (start, end)) start on a local day."""
        lo = self.ts(day, time.min)
        hi = self.ts(day + timedelta(days=1), time.min)
        return bisect_left(visits, (hi,)) - bisect_left(visits, (lo,))

    def open_days(self) -> set[int]:
        """Weekdays on which any provider has a weekly session (chunk sizing only)."""
        return {wd for days in self.sessions.values() for wd, rows in days.items() if rows}

    def resource_busy(self, first: date, last: date) -> dict[int, list[tuple[int, int]]]:
        """{resource id: merged [(start, end)]} of active bookings of active visits."""
        if not self.resources:
            return {}
        lo, hi = self.day_bounds(first, last)
        ids = [r.pk for rows in self.resources.values() for r in rows]
        rows = _epoch_rows(
            ResourceBooking.objects.filter(
                resource_id__in=ids,
                active=True,
                appointment__status__in=ACTIVE_STATUSES,
                start__gte=lo - timedelta(minutes=MAX_VISIT_MINUTES),
                start__lt=hi,
                end__gt=lo,
            ).order_by(),
            "resource_id",
        )
        busy: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for rid, start, end in rows:
            busy[rid].append((start, end))
        return {rid: _merge(v) for rid, v in busy.items()}

    def free_resources(self, loc: int, s: int, e: int, busy) -> tuple[Resource, ...] | None:
        """One free resource of each required kind at the location, or None."""
        chosen = []
        for kind in self.required_kinds:
            for r in self.resources.get((loc, kind), ()):
                if not _overlaps(busy.get(r.pk, ()), s, e):
                    chosen.append(r)
                    break
            else:
                return None
        return tuple(chosen)

    def candidates(
        self,
        *,
        provider_id: int,
        day: date,
        busy: list[tuple[int, int]],
        resource_busy,
        now: int,
        window: tuple[time, time] | None,
        limit: int | None,
    ):
        """(start, end, location id, resources) of the provider's open starts that day."""
        dur = self.duration
        found = []
        win = None if window is None else self.window_bounds(day, window)
        for a, b, loc, anchor in _subtract(self.open_intervals(provider_id, day), busy):
            lo = a if win is None else max(a, win[0])
            for s in _starts(lo, b - dur, anchor, now, exact=lo == a):
                if win is not None and s >= win[1]:
                    break
                if self.required_kinds:
                    res = self.free_resources(loc, s, s + dur, resource_busy)
                    if res is None:
                        continue
                else:
                    res = ()
                found.append((s, s + dur, loc, res))
                if limit is not None and len(found) >= limit:
                    return found
        return found


def _starts(lo: int, latest: int, anchor: int, now: int, *, exact: bool = True):
    """Start instants from `lo` to `latest`: `lo` itself when it is the first free moment
    (e.g. right after a visit), then the session's 15-minute grid; never before `now`."""
    step = STEP_MINUTES * 60
    if exact and lo >= now and lo <= latest:
        yield lo
    base = max(lo, now)
    t = anchor + -(-(base - anchor) // step) * step
    if exact and t == lo:
        t += step
    while t <= latest:
        yield t
        t += step


def _days(first: date, last: date):
    d = first
    while d <= last:
        yield d
        d += timedelta(days=1)


def _chunk_end(first: date, date_to: date, open_days: int, weekdays: set[int]) -> date:
    """The last date of a chunk from `first` that holds `open_days` days on which someone
    works (closed weekdays such as weekends ride along: they add no rows)."""
    last, seen = first, 0
    while True:
        if last.weekday() in weekdays:
            seen += 1
        if seen >= open_days or last >= date_to or last - first >= timedelta(days=MAX_CHUNK_DAYS):
            return last
        last += timedelta(days=1)


def _next_chunk(size: int, days_read: int, found: int, limit: int | None) -> int:
    """Open days to read next. Nothing found yet: double. Some found: as many days as the
    rate so far says the missing slots need, at least 1 and never more than the last chunk,
    so a search that is nearly done reads a day or two, not a week. (A day of a full book
    costs more than a query, so reading too little is the cheaper mistake.)"""
    if limit is None or found <= 0:
        return size * 2
    wanted = -(-(limit - found) * days_read // found)  # ceil
    return max(1, min(wanted, size))


def search_slots(
    search: Search,
    *,
    date_from: date,
    date_to: date,
    window: tuple[time, time] | None,
    usual_provider_id: int | None,
    limit: int | None,
    now: datetime | None = None,
) -> list[Slot]:
    now_ts = int((now or timezone.now()).timestamp())
    tz = search.tz
    by_id = {p.pk: p for p in search.providers}
    working = [pid for pid in by_id if search.sessions.get(pid) or search.extras.get(pid)]
    weekdays = search.open_days() | {
        d.weekday()
        for rows in search.extras.values()
        for x in rows
        for d in _days(max(x.start_date, date_from), min(x.end_date, date_to))
    }
    results: list[tuple] = []
    taken: dict[int, int] = defaultdict(int)  # slots per provider (each gives at most limit)
    size = FIRST_CHUNK_DAYS
    days_read = 0
    first = date_from
    done = False
    while first <= date_to and working and not done:
        last = _chunk_end(first, date_to, size, weekdays)
        visits = search.appointments(first, last, window=window)
        resource_busy = search.resource_busy(first, last)
        # Day by day across providers: once a day ends with `limit` slots, later days of the
        # chunk cannot rank above them.
        for day in _days(first, last):
            if day.weekday() in weekdays:
                days_read += 1
            for pid in working:
                left = None if limit is None else limit - taken[pid]
                if left is not None and left <= 0:
                    continue
                found = search.candidates(
                    provider_id=pid,
                    day=day,
                    busy=visits.get(pid, []),
                    resource_busy=resource_busy,
                    now=now_ts,
                    window=window,
                    limit=left,
                )
                if not found:
                    continue
                taken[pid] += len(found)
                booked = search.booked_on(visits.get(pid, []), day)
                for s, e, loc, res in found:
                    rank = (s, 0 if pid == usual_provider_id else 1, booked, by_id[pid].last_name)
                    results.append((rank, pid, s, e, loc, res))
            if limit is not None and len(results) >= limit:
                done = True
                break
        first = last + timedelta(days=1)
        size = _next_chunk(size, days_read, len(results), limit)
    results.sort(key=lambda r: (r[0], r[1], r[4]))
    if limit is not None:
        results = results[:limit]
    return [
        Slot(
            start=datetime.fromtimestamp(s, UTC).astimezone(tz),
            end=datetime.fromtimestamp(e, UTC).astimezone(tz),
            provider=by_id[pid],
            location=search.locations[loc],
            resources=res,
        )
        for _rank, pid, s, e, loc, res in results
    ]
