"""The "Refer to a service" button under each member on the household page (registry.links)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _


def refer_link(request: Any, household: Any, person: Any) -> dict[str, str] | None:
    from caminantes.assistance.referrals.services import may_refer

    if not may_refer(request.user, household):
        return None
    url = reverse("referrals_new", args=[household.uuid]) + f"?person={person.uuid}"
    return {"url": url, "label": _("Refer to a service")}
