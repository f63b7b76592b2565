from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from caminantes.lib.crypto import generate_key


class Command(BaseCommand):
    help = (
        "Print a new field-encryption key. Put it FIRST in FIELD_ENCRYPTION_KEYS (comma-"
        "separated, newest first), keep the old keys after it until everything is re-encrypted."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(generate_key())
