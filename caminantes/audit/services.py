from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.audit.models import Alert


def alert_acknowledge(*, user: Any, alert: Alert) -> Alert:
    with transaction.atomic():
        alert.acknowledged_by = user
        alert.acknowledged_at = timezone.now()
        alert.save(update_fields=["acknowledged_by", "acknowledged_at"])
        log(user, actions.ALERT_ACKNOWLEDGED, alert)
    return alert
