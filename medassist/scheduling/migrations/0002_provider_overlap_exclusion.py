"""PostgreSQL guarantees no two active appointments of one provider overlap (an exclusion
constraint over a time range). SQLite gets the same guarantee from the booking service, which
takes the database write lock (BEGIN IMMEDIATE) before it re-checks for an overlap."""

from django.db import migrations

ACTIVE = "('booked', 'arrived', 'roomed', 'with_provider', 'checked_out')"

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE scheduling_appointment ADD CONSTRAINT appt_provider_no_overlap "
    "EXCLUDE USING gist (provider_id WITH =, tstzrange(start, \"end\", '[)') WITH &&) "
    f"WHERE (status IN {ACTIVE})",
]
BACKWARD = ["ALTER TABLE scheduling_appointment DROP CONSTRAINT IF EXISTS appt_provider_no_overlap"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
