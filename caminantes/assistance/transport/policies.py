"""Who may see transport records: the transport staff (MANAGE_TRANSPORT) of the route's
organisation and country. A manifest names people, so bookings and seats are personal data
(their reads are audited)."""

from __future__ import annotations

from caminantes.accounts.permissions import Perm
from caminantes.accounts.policies import Scope, register
from caminantes.assistance.transport import models as m


def _of(path: str, *, personal: bool = False) -> Scope:
    prefix = f"{path}__" if path else ""
    return Scope(
        permission=Perm.MANAGE_TRANSPORT,
        organization=f"{prefix}organization",
        country=f"{prefix}country",
        personal_data=personal,
    )


register(m.Route, _of(""))
register(m.Trip, _of("route"))
register(m.Booking, _of("trip__route", personal=True))
register(m.Seat, _of("trip__route", personal=True))
