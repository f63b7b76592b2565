"""Background work of identity (huey; inline under tests and with HUEY_IMMEDIATE)."""

from __future__ import annotations

import io

from huey.contrib.djhuey import db_task

from caminantes.identity import registry_dedupe
from caminantes.identity.models import DedupeRun


@db_task()
def dedupe_run_task(run_id: int) -> None:
    """A deduplication run a manager started from the thresholds page."""
    run = DedupeRun.objects.filter(pk=run_id).select_related("country").first()
    if run is not None:
        registry_dedupe.run(run.country.iso2, io.StringIO(), run=run)


@db_task()
def match_new_people_task(person_ids: list[int]) -> None:
    """Match newly registered people against every open tracing request."""
    from caminantes.identity.services import tracing

    tracing.match_new_people(person_ids)
