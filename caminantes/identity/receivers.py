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
