"""`medassist create_api_token USERNAME [--name NAME] [--days N] [--rotate]`: issue a bearer
token for the JSON API.

The token is printed once; only its SHA-256 is stored, so it cannot be shown again. It expires
after `--days` (default MEDASSIST_API_TOKEN_DAYS, 90). `--rotate` revokes the user's live
tokens of the same name as the new one is issued. Audited (practice.services.tokens)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from medassist.core.errors import ApplicationError
from medassist.practice.models import ApiToken, User
from medassist.practice.services.tokens import api_token_issue

NAME_MAX: int = ApiToken._meta.get_field("name").max_length or 100
DAYS_MAX = 366


class Command(BaseCommand):
    help = "Issue an API token for a staff user and print it once."

    def add_arguments(self, parser):
        parser.add_argument("username", help="The staff user the token acts as.")
        parser.add_argument(
            "--name",
            default=None,
            help="What the token is for, e.g. 'lab interface' (default: 'API token' and today's "
            "date).",
        )
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Days until it expires (default {settings.MEDASSIST_API_TOKEN_DAYS}, "
            f"MEDASSIST_API_TOKEN_DAYS; at most {DAYS_MAX}).",
        )
        parser.add_argument(
            "--rotate",
            action="store_true",
            help="Revoke the user's live tokens of the same name as this one is issued.",
        )

    def handle(self, *args, username: str, name: str | None, days: int | None, **options):
        if name is None:
            name = f"API token {timezone.localdate():%Y-%m-%d}"
        name = name.strip()
        if not name:
            raise CommandError("Give the token a name with --name, e.g. --name 'lab interface'.")
        if len(name) > NAME_MAX:
            raise CommandError(f"The token name is limited to {NAME_MAX} characters.")
        if days is not None and not 1 <= days <= DAYS_MAX:
            raise CommandError(f"--days is from 1 to {DAYS_MAX}.")
        user = User.objects.select_related("clinic").filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not user.is_active:
            raise CommandError(f"User {username!r} is deactivated; a token would not work.")
        if user.clinic_id is None or not user.role:
            raise CommandError(
                f"User {username!r} has no clinic or no role; the API would refuse every call."
            )
        try:
            token, key = api_token_issue(
                actor=None, user=user, name=name, days=days, rotate=options["rotate"]
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stderr.write(
            f"Token {token.prefix}… ({token.name!r}) for {user.username} "
            f"({user.get_role_display()}), valid until {token.expires_at:%Y-%m-%d %H:%M} UTC. "
            "Copy it now; it cannot be shown again."
        )
        self.stdout.write(key)
