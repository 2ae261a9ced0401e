"""Backups (`medassist backup`) and restores (`medassist restore`), checked by row counts and
by the audit trail's chains (docs/operations.md). Above every app: nothing imports it."""
