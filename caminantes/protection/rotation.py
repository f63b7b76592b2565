"""Protection key rotation: every sealed blob re-sealed under the newest protection key
(`caminantes reseal-protection`).

Rotation: put the new key first in PROTECTION_ENCRYPTION_KEYS (keeping the old ones after
it), run the command until it reports nothing left to re-seal and nothing unreadable, then
remove the old keys. The registry's `caminantes reencrypt` never touches these blobs, and
this never touches the registry's columns: the two keyrings stay apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.db import models, transaction

from caminantes.audit import actions
from caminantes.audit.log import Subject, log
from caminantes.protection import sealing
from caminantes.protection.models import Sealed


@dataclass
class ResealCount:
    table: str
    checked: int = 0
    resealed: int = 0
    current: int = 0
    unreadable: int = 0


def sealed_models() -> list[type[models.Model]]:
    """Every concrete model of the platform whose rows are sealed blobs."""
    return [m for m in apps.get_models() if issubclass(m, Sealed) and not m._meta.proxy]


def reseal_all(*, batch_size: int = 500) -> list[ResealCount]:
    """Re-seal every blob not yet under the newest protection key.

    Idempotent and resumable: a blob the newest key opens is left alone. Each batch is one
    transaction and each write a compare-and-swap, so a blob changed meanwhile (a caseworker
    saved the case) is not overwritten; it was sealed under the newest key anyway. The
    contents never leave this function and are not logged: one audit event with counts."""
    newest = Fernet(settings.PROTECTION_ENCRYPTION_KEYS[0].encode())
    counts = []
    for model in sealed_models():
        count = ResealCount(model._meta.label_lower)
        manager = model._default_manager
        last = 0
        while batch := list(
            manager.filter(pk__gt=last)
            .exclude(sealed="")
            .order_by("pk")
            .values_list("pk", "sealed")[:batch_size]
        ):
            with transaction.atomic():
                for pk, token in batch:
                    count.checked += 1
                    try:
                        newest.decrypt(token.encode())
                    except InvalidToken:
                        pass
                    else:
                        count.current += 1
                        continue
                    try:
                        fresh = sealing.reseal(token)
                    except InvalidToken:
                        count.unreadable += 1
                        continue
                    if manager.filter(pk=pk, sealed=token).update(sealed=fresh):
                        count.resealed += 1
                    else:
                        count.current += 1  # saved meanwhile, under the newest key
            last = batch[-1][0]
        counts.append(count)
    log(
        None,
        actions.UPDATE,
        Subject("protection.encryption_keys"),
        resealed=sum(c.resealed for c in counts),
        checked=sum(c.checked for c in counts),
        unreadable=sum(c.unreadable for c in counts),
    )
    return counts
