"""What the registry calls on identity's side (listed in `registry.hooks`) and the
receivers of its after-commit signals (connected in IdentityConfig.ready)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from caminantes.identity import realtime

logger = logging.getLogger(__name__)

INLINE_LIMIT = 200  # more people than this (an import) are indexed in the background


def match_keys_written(*, person_ids: list[int], user: Any = None) -> None:
    """Inside the registration's transaction: its matching keys are written with it (the
    next registration must find it). An import's, in the background once it has committed."""
    ids = list(person_ids)
    if len(ids) <= INLINE_LIMIT:
        realtime.index_people(ids)
    else:
        transaction.on_commit(lambda: realtime.index_people_task(ids))


def match_keys_erased(*, person_ids: list[int]) -> None:
    """Inside the erasure's transaction: keys derived from erased data go with it."""
    realtime.forget_people(person_ids)


def on_people_registered(sender: Any, person_ids: list[int], user: Any = None, **kw: Any) -> None:
    """New people in the registry: match them against open tracing requests, later.
    Quick and never raising: the work goes to a background task."""
    from caminantes.identity import tasks

    try:
        tasks.match_new_people_task(list(person_ids))
    except Exception:  # a queue outage must not break a registration
        logger.exception("could not queue tracing re-match for %d people", len(person_ids))


def on_consent_withdrawn(
    sender: Any, person_ids: list[int], purpose: str, user: Any = None, **kw: Any
) -> None:
    """A consent to family tracing was withdrawn: close the matches that depended on it
    now (a few rows; disclosure and decisions also ask consent each time, so a failure
    here leaves nothing disclosed)."""
    from caminantes.identity.services import tracing
    from caminantes.registry.consent import Purpose

    if purpose != Purpose.FAMILY_TRACING:
        return
    try:
        tracing.tracing_consent_withdrawn(person_ids=list(person_ids), actor=user)
    except Exception:
        logger.exception("could not close the tracing matches of %d people", len(person_ids))
