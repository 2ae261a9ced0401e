"""The database itself refuses UPDATE and DELETE of audit rows (events, seals, checkpoints),
on both engines: the app usually connects as the tables' owner, so grants alone would not.

The one way through is the purge guard (medassist.audit.purge), opened for one clinic (or,
for `flush`, for everything) inside one transaction: on PostgreSQL a transaction-local setting
`medassist.audit_purge`, on SQLite a row in the `audit_purge` table that the same transaction
inserts and removes. UPDATE is never allowed."""

from django.db import migrations

TABLES = ("audit_auditevent", "audit_auditseal", "audit_auditcheckpoint")

SQLITE_FORWARD = ["CREATE TABLE audit_purge (scope varchar(40) NOT NULL)"]
for table in TABLES:
    SQLITE_FORWARD += [
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        "WHEN NOT EXISTS (SELECT 1 FROM audit_purge "
        "WHERE scope = 'everything' OR scope = CAST(OLD.clinic_id AS TEXT)) "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE refused'); END",
    ]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {table}_{kind}" for table in TABLES for kind in ("no_update", "no_delete")
] + ["DROP TABLE IF EXISTS audit_purge"]

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    scope text := coalesce(current_setting('medassist.audit_purge', true), '');
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF scope = 'everything' OR scope = OLD.clinic_id::text THEN
            RETURN OLD;
        END IF;
    ELSIF TG_OP = 'TRUNCATE' THEN
        IF scope = 'everything' THEN
            RETURN NULL;
        END IF;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$
"""
POSTGRES_FORWARD = [POSTGRES_FUNCTION]
for table in TABLES:
    POSTGRES_FORWARD += [
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()",
    ]
POSTGRES_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {table}_{kind} ON {table}"
    for table in TABLES
    for kind in ("append_only", "no_truncate")
] + ["DROP FUNCTION IF EXISTS audit_refuse_change()"]

STATEMENTS = {
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
    "postgresql": (POSTGRES_FORWARD, POSTGRES_BACKWARD),
}


def forward(apps, schema_editor):
    for statement in STATEMENTS.get(schema_editor.connection.vendor, ((), ()))[0]:
        schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    for statement in STATEMENTS.get(schema_editor.connection.vendor, ((), ()))[1]:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_seals")]
    operations = [migrations.RunPython(forward, backward)]
