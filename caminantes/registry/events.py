"""Tell other modules that people entered the registry, after the transaction commits.

`people_registered` is a Django signal sent with `person_ids` (list of Person pks) and
`user` by every registration path: the form and the API (`services.households_register`,
`services.person_add`) and an import merge. The identity module listens to match new people
against open tracing requests in the background; a receiver must be quick (queue a task)
and must not raise. The demo loader does not send it (it indexes what it needs itself).

`people_changed` (identifying details edited) follows the same rules. What must happen
inside the writing transaction is not a signal: `announce` calls `hooks.people_written`
first, and an erasure calls `hooks.people_erased`.

`consent_withdrawn` is sent after the withdrawal commits, with `person_ids`, `purpose` and
`user`: identity closes the tracing matches that depended on the consent.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.dispatch import Signal

from caminantes.registry import hooks

people_registered = Signal()
# What identifies them changed (names, date of birth, a document or a phone): `person_ids`.
people_changed = Signal()
# A consent was withdrawn (sent on commit): `person_ids`, `purpose`, `user`.
consent_withdrawn = Signal()


def announce(person_ids: Iterable[int], user: Any = None, signal: Signal | None = None) -> None:
    ids = list(person_ids)
    if not ids:
        return
    chosen = signal or people_registered
    hooks.people_written(person_ids=ids, user=user)

    def send() -> None:
        from caminantes.registry.models import Person

        chosen.send_robust(sender=Person, person_ids=ids, user=user)

    transaction.on_commit(send)


def announce_consent_withdrawn(person_ids: Iterable[int], purpose: str, user: Any = None) -> None:
    ids = list(person_ids)

    def send() -> None:
        from caminantes.registry.models import Consent

        consent_withdrawn.send_robust(sender=Consent, person_ids=ids, purpose=purpose, user=user)

    transaction.on_commit(send)
