"""200 patients try to book 20 open times of one provider at once, through the JSON API of a
real multi-worker gunicorn server (4 workers × 4 threads) on its own database: exactly 20 win,
the others get a clean 409 `slot_taken`, nothing overlaps, nothing fails with a 5xx.

SQLite (a file) by default; PostgreSQL (a uniquely named database) when DATABASE_URL is set."""

from __future__ import annotations

import random
from collections import Counter

from tests.concurrency import server

SLOTS = 20
ATTEMPTS = 200


def test_concurrent_http_bookings_never_double_book(tmp_path):
    with server.dedicated_database(tmp_path) as (env, vendor):
        # given: a migrated database with one provider, 200 patients and 20 open times
        server.migrate(env)
        seeded = server.seed(env, patients=ATTEMPTS, slots=SLOTS)
        rng = random.Random(20261127)
        targets = list(range(SLOTS)) + [rng.randrange(SLOTS) for _ in range(ATTEMPTS - SLOTS)]
        rng.shuffle(targets)
        with server.gunicorn(env, workers=4, threads=4) as base:
            # when: every attempt is fired at once from a pool of threads
            results = server.book_concurrently(base, seeded, targets, threads=32)
        # then
        statuses = Counter(status for status, _ in results)
        errors = [body for status, body in results if status >= 500]
        assert not errors, f"{vendor}: server errors {errors[:3]}"
        assert statuses[201] == SLOTS, f"{vendor}: {statuses}"
        refused = [body for status, body in results if status != 201]
        assert len(refused) == ATTEMPTS - SLOTS
        assert {status for status, _ in results if status != 201} == {409}, statuses
        assert {body.get("code") for body in refused} == {"slot_taken"}
        booked_slots = sorted(body["start"] for status, body in results if status == 201)
        assert len(set(booked_slots)) == SLOTS
        rows = server.active_appointments(env)
        assert len(rows) == SLOTS
        assert server.overlaps(rows) == 0
