"""The no-overlap guarantee leaves out visits booked on purpose on top of another one
(`double_booked`, permission appointment.double_book).

PostgreSQL: the exclusion constraint is recreated with `AND NOT double_booked`.
SQLite: nothing to change in the schema; the booking service holds the database write lock
(BEGIN IMMEDIATE) while it re-checks for an overlap, and that check skips double-booked rows."""

from django.db import migrations

ACTIVE = "('booked', 'arrived', 'roomed', 'with_provider', 'checked_out')"
DROP = "ALTER TABLE scheduling_appointment DROP CONSTRAINT IF EXISTS appt_provider_no_overlap"


def _add(where: str) -> str:
    return (
        "ALTER TABLE scheduling_appointment ADD CONSTRAINT appt_provider_no_overlap "
        "EXCLUDE USING gist (provider_id WITH =, tstzrange(start, \"end\", '[)') WITH &&) "
        f"WHERE ({where})"
    )


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)
        schema_editor.execute(_add(f"status IN {ACTIVE} AND NOT double_booked"))


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)
        schema_editor.execute(_add(f"status IN {ACTIVE}"))


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0003_moves_double_book_series")]
    operations = [migrations.RunPython(forward, backward)]
