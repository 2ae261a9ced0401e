"""PostgreSQL guarantees no two active bookings of one resource overlap (an exclusion
constraint over a time range, as scheduling 0002 does for providers). SQLite gets the same
guarantee from `slot_book`, which re-checks inside the write transaction (BEGIN IMMEDIATE)."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE availability_resourcebooking ADD CONSTRAINT resource_booking_no_overlap "
    "EXCLUDE USING gist (resource_id WITH =, tstzrange(start, \"end\", '[)') WITH &&) "
    "WHERE (active)",
]
BACKWARD = [
    "ALTER TABLE availability_resourcebooking "
    "DROP CONSTRAINT IF EXISTS resource_booking_no_overlap"
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("availability", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
