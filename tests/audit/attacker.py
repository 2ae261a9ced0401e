"""Someone with direct database access: drops the append-only triggers, runs raw SQL, and puts
the triggers back (from the migration that made them), so each test leaves them in place."""

from __future__ import annotations

import contextlib
import importlib

from django.db import connection

TRIGGERS = importlib.import_module("medassist.audit.migrations.0004_append_only_triggers")
DROP = {
    "sqlite": [
        f"DROP TRIGGER {table}_{kind}"
        for table in TRIGGERS.TABLES
        for kind in ("no_update", "no_delete")
    ],
    "postgresql": [
        f"DROP TRIGGER {table}_{kind} ON {table}"
        for table in TRIGGERS.TABLES
        for kind in ("append_only", "no_truncate")
    ],
}


def create_triggers() -> None:
    forward, _ = TRIGGERS.STATEMENTS[connection.vendor]
    with connection.cursor() as cursor:
        for statement in forward:
            if not statement.lstrip().startswith("CREATE TRIGGER"):
                continue
            cursor.execute(statement)


@contextlib.contextmanager
def without_triggers():
    with connection.cursor() as cursor:
        for statement in DROP[connection.vendor]:
            cursor.execute(statement)
    try:
        yield
    finally:
        create_triggers()


def run_sql(*statements: tuple[str, list] | str) -> None:
    """Raw SQL as the attacker, triggers out of the way."""
    with without_triggers(), connection.cursor() as cursor:
        for statement in statements:
            sql, params = (statement, []) if isinstance(statement, str) else statement
            cursor.execute(sql, params)
