"""`medassist create_api_token USERNAME --name NAME`: issue a bearer token for the JSON API.

The token is printed once; only its SHA-256 is stored, so it cannot be shown again."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from medassist.practice.models import ApiToken, User

NAME_MAX: int = ApiToken._meta.get_field("name").max_length or 100


class Command(BaseCommand):
    help = "Issue an API token for a staff user and print it once."

    def add_arguments(self, parser):
        parser.add_argument("username", help="The staff user the token acts as.")
        parser.add_argument(
            "--name",
            required=True,
            help="What the token is for, e.g. 'lab interface' (shown in the admin).",
        )

    def handle(self, *args, username: str, name: str, **options):
        name = name.strip()
        if not name:
            raise CommandError("Give the token a name with --name, e.g. --name 'lab interface'.")
        if len(name) > NAME_MAX:
            raise CommandError(f"The token name is limited to {NAME_MAX} characters.")
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not user.is_active:
            raise CommandError(f"User {username!r} is deactivated; a token would not work.")
        if user.clinic_id is None or not user.role:
            raise CommandError(
                f"User {username!r} has no clinic or no role; the API would refuse every call."
            )
        with transaction.atomic():
            token, key = ApiToken.issue(user, name)
        self.stderr.write(
            f"Token {token.prefix}… for {user.username} ({user.get_role_display()}). "
            "Copy it now; it cannot be shown again."
        )
        self.stdout.write(key)
