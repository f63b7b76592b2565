"""`caminantes api-token EMAIL --scope read [--scope write] --days 30`: a personal API token
for a service account or a script, made by the same service as the token page (same scopes,
same lifetime limits, same audit event), its secret printed once."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from caminantes.accounts import services
from caminantes.accounts.models import ApiToken, User
from caminantes.accounts.twofactor import demo_user_refused


class Command(BaseCommand):
    help = (
        "Create a personal API token for a user and print its secret once (for service "
        "accounts and scripts). Audited like a token made on the token page."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="the user's e-mail address")
        parser.add_argument(
            "--scope", action="append", default=[], dest="scopes", metavar="SCOPE",
            help=f"repeatable; one of: {', '.join(ApiToken.Scope.values)}",
        )  # fmt: skip
        parser.add_argument(
            "--days", type=int, default=settings.API_TOKEN_DEFAULT_DAYS,
            help=f"lifetime, 1 to {settings.API_TOKEN_MAX_DAYS} days "
            f"(default {settings.API_TOKEN_DEFAULT_DAYS})",
        )  # fmt: skip
        parser.add_argument("--name", default="", help="what the token is for (default: cli)")

    def handle(self, *args: Any, **opts: Any) -> None:
        email: str = opts["email"].strip()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No user with the e-mail address {email}.")
        if not user.is_active or demo_user_refused(user):
            raise CommandError(f"{user.email} is not active: a token would not work.")
        scopes: list[str] = opts["scopes"]
        if not scopes:
            raise CommandError(f"Give at least one --scope ({', '.join(ApiToken.Scope.values)}).")
        unknown = sorted(set(scopes) - set(ApiToken.Scope.values))
        if unknown:
            raise CommandError(
                f"Unknown scope {', '.join(unknown)}; choose from "
                f"{', '.join(ApiToken.Scope.values)}."
            )
        days: int = opts["days"]
        # The token page's form refuses 0 and below; the service would take 0 as "default".
        if days < 1:
            raise CommandError(f"--days must be between 1 and {settings.API_TOKEN_MAX_DAYS}.")
        try:
            issued = services.api_token_create(
                user=user, name=opts["name"] or "cli", scopes=scopes, days=days
            )
        except PermissionDenied as exc:
            raise CommandError(f"{user.email}: {exc or 'no role allows API access.'}") from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        token = issued.token
        self.stderr.write(
            f"Token {token.name!r} for {user.email}, scopes {', '.join(token.scopes)}, "
            f"valid until {token.expires_at:%Y-%m-%d %H:%M %Z}. "
            "The secret below is shown only now: store it safely."
        )
        self.stdout.write(issued.secret)
