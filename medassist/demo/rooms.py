"""Which room each demo visit was in: a provider's usual exam room for the day, the procedure
room or the lab for the visits that need them; rooms in use right now are never shared."""

from __future__ import annotations

from typing import TYPE_CHECKING

from medassist.demo.setup import Practice
from medassist.intake.models import Rooming
from medassist.practice.models import Room
from medassist.scheduling.models import Status

if TYPE_CHECKING:
    from medassist.demo.visits import Visit


def _usual(p: Practice, day_visits: dict[int, list[Visit]]) -> dict[int, Room]:
    """Each provider's usual exam room for the day at their location."""
    usual: dict[int, Room] = {}
    counts: dict[str, int] = {}
    for provider in p.providers:
        if provider.pk not in day_visits or not day_visits[provider.pk]:
            continue
        location = day_visits[provider.pk][0].appt.location.name
        exams = [r for r in p.rooms[location] if r.kind == Room.Kind.EXAM]
        n = counts.get(location, 0)
        counts[location] = n + 1
        usual[provider.pk] = exams[n % len(exams)]
    return usual


def _preferred(p: Practice, visit: Visit, usual: Room) -> list[Room]:
    rooms = p.rooms[visit.appt.location.name]
    by_kind = {kind: [r for r in rooms if r.kind == kind] for kind in Room.Kind.values}
    first = {"procedure": Room.Kind.PROCEDURE, "nurse-visit": Room.Kind.LAB}.get(visit.code, "")
    order = by_kind.get(first, []) + [usual] + by_kind[Room.Kind.EXAM]
    order += by_kind[Room.Kind.PROCEDURE]
    return list(dict.fromkeys(order))


def past(p: Practice, day_visits: dict[int, list[Visit]]) -> None:
    """Each visit of a past day in its preferred room (they did not overlap)."""
    usual = _usual(p, day_visits)
    for provider_pk, visits in day_visits.items():
        for visit in visits:
            if visit.rooming is not None:
                room = _preferred(p, visit, usual[provider_pk])[0]
                visit.rooming.room = visit.appt.room = room


def now(p: Practice, day_visits: dict[int, list[Visit]]) -> None:
    """Rooms in use right now must be distinct; whoever finds none waits (arrived)."""
    usual = _usual(p, day_visits)
    taken: set[int] = set()
    live: list[tuple[int, Visit, Rooming]] = []
    for provider_pk, visits in day_visits.items():
        for visit in visits:
            if visit.rooming is None:
                continue
            if visit.changes[-1][0] == Status.CHECKED_OUT:
                visit.rooming.room = visit.appt.room = _preferred(p, visit, usual[provider_pk])[0]
            else:
                live.append((provider_pk, visit, visit.rooming))
    live.sort(key=lambda pv: (pv[1].changes[-1][0] != Status.WITH_PROVIDER, pv[1].appt.start))
    for provider_pk, visit, rooming in live:
        free = [r for r in _preferred(p, visit, usual[provider_pk]) if r.pk not in taken]
        if free:
            taken.add(free[0].pk)
            rooming.room = visit.appt.room = free[0]
            continue
        # No room free: the patient is still in the waiting room.
        visit.changes = [c for c in visit.changes if c[0] in (Status.BOOKED, Status.ARRIVED)]
        visit.rooming = visit.vitals = None
