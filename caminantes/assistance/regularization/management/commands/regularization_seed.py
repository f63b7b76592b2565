from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from caminantes.assistance.regularization import services_setup


class Command(BaseCommand):
    help = (
        "Create the real regularization schemes (Colombia PPT, Peru CPP, Ecuador VIRTE, Brazil's "
        "residence) for loaded countries that do not have them yet. Run after load_places; "
        "schemes already there (and their edits) are left alone."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        made = services_setup.schemes_seed()
        self.stdout.write(f"Regularization schemes created: {made}.")
