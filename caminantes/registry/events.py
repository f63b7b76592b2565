"""Tell other modules that people entered the registry, after the transaction commits.

`people_registered` is a Django signal sent with `person_ids` (list of Person pks) and
`user` by every registration path: the form and the API (`services.household_register`,
`services.person_add`) and an import merge. The identity module listens to match new people
against open tracing requests in the background; a receiver must be quick (queue a task)
and must not raise. The demo loader does not send it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.dispatch import Signal

people_registered = Signal()


def announce(person_ids: Iterable[int], user: Any = None) -> None:
    ids = list(person_ids)
    if not ids:
        return

    def send() -> None:
        from caminantes.registry.models import Person

        people_registered.send_robust(sender=Person, person_ids=ids, user=user)

    transaction.on_commit(send)
