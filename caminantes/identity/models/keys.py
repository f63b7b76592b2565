"""The engine's blocking keys of every registry person, for real-time candidates."""

from __future__ import annotations

from django.db import models

from caminantes.registry.models import Person


class MatchKey(models.Model):
    """One blocking key of one person (`engine.blocking_keys`), stored as a keyed hash: the
    keys hold name sounds, dates and document numbers, so the table must not."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=40)

    class Meta:
        indexes = [models.Index(fields=["key", "person"], name="identity_matchkey_key")]
        constraints = [
            models.UniqueConstraint(fields=["person", "key"], name="identity_matchkey_unique")
        ]

    def __str__(self) -> str:
        return self.key
