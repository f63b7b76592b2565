from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from caminantes.accounts.demo import DEFAULT_PASSWORD


class Command(BaseCommand):
    help = (
        "Load the demo: real places, demo organisations, one user per role and each module's "
        "demo data. Idempotent. Refused unless DEBUG is on (demo passwords are public)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="password for demo users")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not settings.TESTING:
            raise CommandError(
                "Refusing to load demo users with DEBUG off: their passwords are public."
            )
        # Each app may ship a `demo` module; they load in INSTALLED_APPS (= layer) order.
        for config in apps.get_app_configs():
            if not config.name.startswith("caminantes."):
                continue
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            module.load(self.stdout.write, password=options["password"])
        self.stdout.write(self.style.SUCCESS("Demo loaded."))
