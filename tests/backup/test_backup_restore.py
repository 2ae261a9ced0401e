"""`medassist backup` and `medassist restore` on the engine DATABASE_URL selects (SQLite by
default): a backup of a live database restores into a fresh one with the same rows, a chain
that verifies and its append-only triggers; a non-empty database and an altered backup file
are refused."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess

from tests.concurrency import server


def medassist(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(server.VENV_BIN / "medassist"), *args],
        env=env, cwd=server.ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@contextlib.contextmanager
def raw_connection(env: dict[str, str]):
    if "DATABASE_URL" in env:
        import psycopg

        url = env["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
        with psycopg.connect(url, autocommit=True) as conn:
            yield conn
        return
    with contextlib.closing(sqlite3.connect(env["MEDASSIST_SQLITE_PATH"])) as conn:
        yield conn


def counts(env: dict[str, str]) -> dict[str, int]:
    """Every table's row count, read straight from the database."""
    with raw_connection(env) as conn:
        if "DATABASE_URL" in env:
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        else:
            sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
        tables = [row[0] for row in conn.execute(sql).fetchall()]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608


def test_a_backup_restores_into_a_fresh_database_with_the_same_rows_and_a_verified_chain(
    tmp_path,
):
    with server.dedicated_database(tmp_path / "source") as (source, vendor):
        # given a migrated database with a clinic, patients and a sealed audit trail
        (tmp_path / "source").mkdir(exist_ok=True)
        source["MEDASSIST_AUDIT_SEAL_AFTER_SECONDS"] = "0"
        server.migrate(source)
        server.seed(source, patients=20, slots=2)
        assert medassist(source, "audit-verify").returncode == 0
        backup = tmp_path / "backups" / "nightly.backup"
        # when it is backed up, then restored into a fresh, empty database
        made = medassist(source, "backup", "--output", str(backup))
        with server.dedicated_database(tmp_path / "target") as (target, _):
            (tmp_path / "target").mkdir(exist_ok=True)
            target["MEDASSIST_AUDIT_SEAL_AFTER_SECONDS"] = "0"
            restored = medassist(target, "restore", str(backup))
            # then the restore checked the counts and the chain, and both hold
            assert made.returncode == 0, made.stderr
            assert backup.with_name("nightly.backup.json").exists()
            assert restored.returncode == 0, restored.stdout + restored.stderr
            assert "Row counts: all" in restored.stdout
            assert "intact  Contention Clinic: 1 sealed event(s)" in restored.stdout
            assert counts(target) == counts(source), vendor
            assert counts(target)["patients_patient"] == 20
            # and the restored database still refuses to edit its audit trail
            with raw_connection(target) as conn:
                try:
                    conn.execute("UPDATE audit_auditevent SET action = 'update'")
                    refused = False
                except Exception as exc:  # noqa: BLE001 - sqlite3 or psycopg
                    refused = "append-only" in str(exc)
            assert refused
            # and a second restore into it (now not empty) is refused
            again = medassist(target, "restore", str(backup))
            assert again.returncode == 1 and "not empty" in again.stderr
            # and so is a backup file that is not the one its manifest describes
            altered = tmp_path / "backups" / "altered.backup"
            data = bytearray(backup.read_bytes())
            data[len(data) // 2] ^= 0xFF
            altered.write_bytes(bytes(data))
            backup.with_name("altered.backup.json").write_text(
                backup.with_name("nightly.backup.json").read_text()
            )
            tampered = medassist(target, "restore", "--force", str(altered))
            assert tampered.returncode == 1 and "SHA-256 differs" in tampered.stderr
