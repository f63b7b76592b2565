"""Signal receivers: quick, never raising; the work goes to a background task."""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)


def on_people_registered(sender: Any, person_ids: list[int], user: Any = None, **kw: Any) -> None:
    """New people in the registry: match them against open tracing requests, later."""
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
