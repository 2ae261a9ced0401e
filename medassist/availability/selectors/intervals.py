"""Epoch-second intervals for the search engine: conversions from the database's values,
merging, subtracting and overlap checks of sorted (start, end) lists."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BigIntegerField, Func


def _ts(day: date, wall: time, tz) -> int:
    return int(datetime.combine(day, wall, tzinfo=tz).timestamp())


def _epoch(value) -> int:
    if isinstance(value, str):  # SQLite keeps UTC text: "2026-12-14 13:00:00[.ffffff]"
        value = datetime.fromisoformat(value).replace(tzinfo=UTC)
    elif value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return int(value.timestamp())


def _raw_values(queryset, *fields) -> list[tuple]:
    """values_list rows as the database driver returns them (no per-value ORM converters)."""
    qs = queryset.values_list(*fields)
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:  # e.g. an empty IN list: nothing can match
        return []
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _as_time(value):
    return time.fromisoformat(value) if isinstance(value, str) else value


def _as_date(value):
    return date.fromisoformat(value) if isinstance(value, str) else value


class EpochSeconds(Func):
    """An instant as whole seconds since 1970 (UTC), computed by the database, so the hot
    path never parses timestamps in Python. SQLite: from julianday (no strftime '%s', whose
    percent sign collides with parameter markers); PostgreSQL: EXTRACT(EPOCH ...)."""

    arity = 1
    output_field = BigIntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        template = "CAST(ROUND((julianday(%(expressions)s) - 2440587.5) * 86400.0) AS INTEGER)"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) AS BIGINT)"
        return self.as_sql(compiler, connection, template=template, **extra)


def _epoch_rows(queryset, key: str) -> list[tuple[int, int, int]]:
    """(key, start, end) rows with the instants as epoch seconds. The hot path of a search
    reads thousands of rows; the database does the conversion (one query)."""
    if connections[queryset.db].vendor in ("sqlite", "postgresql"):
        qs = queryset.annotate(_s=EpochSeconds("start"), _e=EpochSeconds("end"))
        return _raw_values(qs, key, "_s", "_e")  # both cast to integers in SQL
    return [(k, _epoch(a), _epoch(b)) for k, a, b in _raw_values(queryset, key, "start", "end")]


def _merge(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for s, e in sorted(intervals):
        if merged and s <= merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1][1] = e
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def _subtract(
    opens: list[tuple[int, int, int, int]], busy: list[tuple[int, int]]
) -> list[tuple[int, int, int, int]]:
    """Open intervals (start, end, location id, grid anchor) minus busy intervals sorted by
    start (they may overlap: a deliberate double booking)."""
    if not busy:
        return opens
    out = []
    for s, e, loc, anchor in opens:
        cur = s
        for bs, be in busy:
            if be <= cur:
                continue
            if bs >= e:
                break
            if bs > cur:
                out.append((cur, bs, loc, anchor))
            cur = max(cur, be)
            if cur >= e:
                break
        if cur < e:
            out.append((cur, e, loc, anchor))
    return out


def _overlaps(busy: list[tuple[int, int]], s: int, e: int) -> bool:
    for bs, be in busy:
        if bs < e and be > s:
            return True
        if bs >= e:
            return False
    return False
