"""Abstract base models every app shares: a public id, and the time a row was created.

URLs and the API name records by `uuid`, never by the integer primary key. A model whose
fields differ from these (a uuid taken from a submission, a creation time set by hand)
keeps its own field instead of inheriting.
"""

from __future__ import annotations

import uuid

from django.db import models


class PublicIdModel(models.Model):
    """A random public id, unique, set once."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class TimestampedModel(PublicIdModel):
    """A public id and the time the row was created."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
