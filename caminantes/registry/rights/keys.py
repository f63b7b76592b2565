"""Encryption at rest: re-encrypt every encrypted value under the newest key
(`caminantes reencrypt`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Cast

from caminantes.audit import actions
from caminantes.audit.log import Subject, log
from caminantes.lib import crypto
from caminantes.registry.models import FieldChange


@dataclass
class RotationCount:
    column: str
    checked: int = 0
    rotated: int = 0
    current: int = 0
    unreadable: int = 0


def encrypted_columns() -> list[tuple[type[models.Model], str, Q]]:
    """Every encrypted column: by convention a field named `*_encrypted` in any app (the
    registry's numbers, field collection's submissions and attachments), plus the field
    history values that were encrypted because the field they record is."""
    found: list[tuple[type[models.Model], str, Q]] = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for f in model._meta.concrete_fields:
            if f.name.endswith("_encrypted"):
                found.append((model, f.name, Q()))
    found += [
        (FieldChange, "old_value", Q(encrypted=True)),
        (FieldChange, "new_value", Q(encrypted=True)),
    ]
    return found


def json_columns() -> list[tuple[type[models.Model], str]]:
    """JSON columns, which may hold encrypted values under `*_encrypted` keys (staged
    import rows do: they are merged into documents and phones as they are)."""
    return [
        (model, f.name)
        for model in apps.get_models()
        if not model._meta.proxy
        for f in model._meta.concrete_fields
        if isinstance(f, models.JSONField)
    ]


class _Rotator:
    def __init__(self) -> None:
        self.newest = Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode())

    def __call__(self, token: str, count: RotationCount) -> str | None:
        """The token under the newest key, or None when it needs no change."""
        count.checked += 1
        try:
            self.newest.decrypt(token.encode())
        except InvalidToken:
            pass
        else:
            count.current += 1
            return None
        try:
            fresh = crypto.rotate(token)
        except InvalidToken:
            count.unreadable += 1
            return None
        count.rotated += 1
        return fresh

    def json(self, value: Any, count: RotationCount) -> Any:
        if isinstance(value, list):
            return [self.json(v, count) for v in value]
        if not isinstance(value, dict):
            return value
        out = {}
        for key, v in value.items():
            if key.endswith("_encrypted") and isinstance(v, str) and v:
                out[key] = self(v, count) or v
            else:
                out[key] = self.json(v, count)
        return out


def encryption_rotate(*, batch_size: int = 500) -> list[RotationCount]:
    """Re-encrypt every encrypted value under the newest of FIELD_ENCRYPTION_KEYS.

    Idempotent: a value the newest key already reads is left alone, so a run can be
    interrupted and started again. Each batch is one transaction; a column's write is a
    compare-and-swap and a JSON value is re-read under lock, so a value changed meanwhile
    by someone else is not overwritten. The plaintext does not change: versions and
    `updated_at` stay as they are.
    """
    rotate = _Rotator()
    counts = []
    for model, column, condition in encrypted_columns():
        count = RotationCount(f"{model._meta.label_lower}.{column}")
        manager = model._default_manager
        # A model of large values (files) says how many it takes at a time.
        size = min(batch_size, getattr(model, "rotation_batch_size", batch_size))
        last = 0
        while batch := list(
            manager.filter(condition, pk__gt=last)
            .exclude(**{column: ""})
            .order_by("pk")
            .values_list("pk", column)[:size]
        ):
            with transaction.atomic():
                for pk, token in batch:
                    fresh = rotate(token, count)
                    if fresh is not None and not manager.filter(pk=pk, **{column: token}).update(
                        **{column: fresh}
                    ):
                        count.rotated -= 1  # changed meanwhile: under the newest key already
            last = batch[-1][0]
        counts.append(count)
    for model, column in json_columns():
        count = RotationCount(f"{model._meta.label_lower}.{column}")
        manager = model._default_manager
        holding = manager.annotate(_as_text=Cast(column, models.TextField())).filter(
            _as_text__contains="_encrypted"
        )
        last = 0
        while pks := list(
            holding.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size]
        ):
            with transaction.atomic():
                rows = manager.select_for_update().filter(pk__in=pks).values_list("pk", column)
                for pk, value in rows:
                    before = count.rotated
                    fresh = rotate.json(value, count)
                    if count.rotated != before:
                        manager.filter(pk=pk).update(**{column: fresh})
            last = pks[-1]
        if count.checked:
            counts.append(count)
    log(
        None,
        actions.UPDATE,
        Subject("registry.encryption_keys"),
        reencrypted=True,
        checked=sum(c.checked for c in counts),
        rotated=sum(c.rotated for c in counts),
        unreadable=sum(c.unreadable for c in counts),
    )
    return counts
