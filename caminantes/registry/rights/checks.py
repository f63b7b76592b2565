"""Permission checks of the rights services: a denial is audited, then refused."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.audit.models import Outcome
from caminantes.registry.models import DataRequest, Person


def require_perm(
    user: Any,
    perms: Iterable[Perm],
    *,
    organization_id: int,
    country_id: int | None,
    subject: Any = DataRequest,
) -> None:
    """Pass when the user holds one of `perms` here; otherwise audit the denial and refuse."""
    wanted = list(perms)
    for perm in wanted:
        if policies.has_perm(user, perm, organization_id=organization_id, country_id=country_id):
            return
    log(user, actions.ACCESS_DENIED, subject, Outcome.DENIED, permission=wanted[0].value)
    raise PermissionDenied(_("Your roles do not allow this here."))


def require_perm_for_person(user: Any, person: Person, *perms: Perm) -> None:
    household = person.household
    require_perm(
        user,
        perms,
        organization_id=household.organization_id,
        country_id=household.country_id,
        subject=person,
    )
