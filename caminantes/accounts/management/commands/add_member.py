from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caminantes.accounts import services
from caminantes.accounts.models import Organization, User
from caminantes.accounts.permissions import Role
from caminantes.geo.models import Country


class Command(BaseCommand):
    help = (
        "Give a person a role in an organisation from the command line (e.g. the first "
        "platform administrator). Creates the user, asking for a password, if new."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--org", required=True, help="organisation acronym")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument("--country", action="append", default=[], help="ISO2, repeatable")
        parser.add_argument("--name", default="", help="full name for a new user")
        parser.add_argument("--create-org", default="", help="create the organisation: full name")
        parser.add_argument(
            "--org-type", default="un_agency", choices=[t.value for t in Organization.Type]
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        countries = list(Country.objects.filter(iso2__in=[c.upper() for c in opts["country"]]))
        if len(countries) != len(opts["country"]):
            raise CommandError("Unknown country code; run `caminantes load_places` first.")
        org = Organization.objects.filter(acronym=opts["org"]).first()
        if org is None:
            if not opts["create_org"]:
                raise CommandError(f"No organisation {opts['org']}; pass --create-org 'Name'.")
            org = services.organization_create(
                actor=None,
                name=opts["create_org"],
                acronym=opts["org"],
                type=opts["org_type"],
                countries=countries or list(Country.objects.all()),
            )
        user = User.objects.filter(email__iexact=opts["email"]).first()
        if user is None:
            password = getpass.getpass(f"Password for {opts['email']}: ")
            if len(password) < 12:
                raise CommandError("Use at least 12 characters.")
            user = services.user_create(
                actor=None, email=opts["email"], full_name=opts["name"], password=password
            )
        membership = services.membership_add(
            actor=None, user=user, organization=org, role=Role(opts["role"]), countries=countries
        )
        self.stdout.write(f"{user.email} is now {membership.get_role_display()} at {org.acronym}.")
