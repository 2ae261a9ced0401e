"""`flush` empties the whole database, the audit trail with it: Django's own command, run
with the append-only triggers' purge guard open for everything (medassist.audit.purge).
Tests that commit (browser tests) flush after each test through it."""

from __future__ import annotations

from django.core.management.commands.flush import Command as DjangoFlush
from django.db import DEFAULT_DB_ALIAS

from medassist.audit.purge import EVERYTHING, purge_guard_open


class Command(DjangoFlush):
    help = DjangoFlush.help + " Audit events, seals and checkpoints are removed too."

    def handle(self, **options):
        with purge_guard_open(EVERYTHING, using=options.get("database") or DEFAULT_DB_ALIAS):
            return super().handle(**options)
