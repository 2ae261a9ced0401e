"""medassist chat --clinic NAME: talk to the assistant in a terminal (the same engine)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from medassist.assistant.engine import conversation_start, respond
from medassist.assistant.models import Channel
from medassist.practice.models import Clinic


class Command(BaseCommand):
    help = "Chat with the clinic's assistant in the terminal (one line a message; Ctrl-D ends)."

    def add_arguments(self, parser):
        parser.add_argument("--clinic", required=True, help="the clinic's name")

    def handle(self, *args, **opts):
        matches = list(Clinic.objects.filter(name__iexact=opts["clinic"].strip())[:2])
        if len(matches) != 1:
            names = ", ".join(Clinic.objects.order_by("name").values_list("name", flat=True)[:20])
            raise CommandError(f"No clinic named {opts['clinic']!r}. Clinics: {names or 'none'}")
        conversation = conversation_start(clinic=matches[0], channel=Channel.TERMINAL)
        interactive = sys.stdin.isatty()
        self.stdout.write(f"{matches[0].name} assistant. In an emergency call 911.")
        while True:
            if interactive:
                self.stdout.write("you> ", ending="")
                self.stdout.flush()
            line = sys.stdin.readline()
            if not line:
                break
            if not line.strip():
                continue
            reply = respond(conversation=conversation, text=line.rstrip("\n"))
            self.stdout.write(f"assistant> {reply.text}")
