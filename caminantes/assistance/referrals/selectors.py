"""Reads of the directory and of referrals, always through the access policy.

The directory is open to every member (and, per country and without anything personal, to
the public page). A referral is read by its two sides; a restricted one only by the
caseworker who sent it. Its snapshot is decrypted here and the read audited.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from caminantes.accounts import policies
from caminantes.accounts.permissions import Perm
from caminantes.assistance.referrals.models import OPEN, Notice, Referral, Service
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.geo.models import Country
from caminantes.registry.models import Household


def directory(
    *, user: Any, country: Any = None, area: Any = None, type: str = "", text: str = "",
    referrable: bool = False,
) -> QuerySet[Service]:  # fmt: skip
    """Active services, filtered as the search form asks."""
    qs = policies.visible(user, Service).filter(is_active=True)
    return _filtered(qs, country=country, area=area, type=type, text=text,
                     referrable=referrable)  # fmt: skip


def _filtered(
    qs: QuerySet[Service], *, country: Any, area: Any, type: str, text: str, referrable: bool
) -> QuerySet[Service]:
    if country is not None:
        qs = qs.filter(country=country)
    if area is not None:  # the area's own services and its country's nationwide ones
        qs = qs.filter(Q(admin_area=area) | Q(admin_area__isnull=True, country=area.country_id))
    if type:
        qs = qs.filter(type=type)
    for word in text.split()[:6]:
        qs = qs.filter(
            Q(name__icontains=word) | Q(eligibility__icontains=word)
            | Q(address__icontains=word) | Q(organization__acronym__iexact=word)
            | Q(organization__name__icontains=word) | Q(languages__icontains=word)
        )  # fmt: skip
    if referrable:
        qs = qs.filter(accepts_referrals=True)
    return qs.select_related("organization", "country", "admin_area").order_by(
        "country__iso2", "name"
    )


def public_directory(*, country: Country) -> QuerySet[Service]:
    """The public page's list: active services of one country, nothing personal in them."""
    return _filtered(Service.objects.filter(is_active=True), country=country, area=None,
                     type="", text="", referrable=False)  # fmt: skip


def services_to_manage(*, user: Any) -> QuerySet[Service]:
    """The services of the organisations and countries where the user keeps the directory."""
    q = Q(pk__in=[])
    for g in policies.grants(user):
        if g.perms & {Perm.REFER, Perm.MANAGE_MEMBERS}:
            q |= Q(organization_id=g.organization_id, country_id__in=g.country_ids)
    return (
        Service.objects.filter(q)
        .select_related("organization", "country", "admin_area")
        .order_by("country__iso2", "name")
    )


def get_service_to_manage(*, user: Any, uuid: Any) -> Service:
    """A service the user may edit; 404 otherwise (as for a missing id)."""
    found = services_to_manage(user=user).filter(uuid=uuid).first()
    if found is None:
        raise Http404
    return found


def referrable_service(*, user: Any, uuid: Any, country: Country) -> Service | None:
    return directory(user=user, country=country, referrable=True).filter(uuid=uuid).first()


def _referrals(user: Any) -> QuerySet[Referral]:
    """Referrals of the user's sides, less the restricted ones someone else sent."""
    qs = policies.visible(user, Referral)
    pk = getattr(user, "pk", None)
    return qs.exclude(Q(restricted=True) & ~Q(sent_by_id=pk)).select_related(
        "service", "service__organization", "receiving_organization", "sender_organization",
        "sent_by", "country",
    )  # fmt: skip


def for_list(qs: QuerySet[Referral]) -> QuerySet[Referral]:
    """A list of referrals reads what a list shows: the service and the two organisations,
    not the snapshot (encrypted, possibly long), the sender's account or the country."""
    return (
        qs.select_related(None)
        .select_related("service", "receiving_organization", "sender_organization")
        .defer("fields_encrypted", "field_keys", "decline_reason", "request_sha256")
    )


def get_referral_for_user(*, user: Any, uuid: Any) -> Referral:
    referral = policies.get_for_user(user, Referral, uuid)
    if referral.restricted and referral.sent_by_id != getattr(user, "pk", None):
        raise Http404
    return referral


def sent(*, user: Any, status: str = "") -> QuerySet[Referral]:
    qs = _referrals(user).filter(sent_by_id=getattr(user, "pk", None))
    return qs.filter(status=status) if status else qs


def inbox(*, user: Any, status: str = "", open_only: bool = False) -> QuerySet[Referral]:
    """Referrals received by the organisations where the user handles referrals, urgent and
    oldest due first."""
    orgs = {g.organization_id for g in policies.grants(user) if Perm.REFER in g.perms}
    qs = _referrals(user).filter(receiving_organization_id__in=orgs, restricted=False)
    if status:
        qs = qs.filter(status=status)
    elif open_only:
        qs = qs.filter(status__in=OPEN)
    return qs.order_by("-urgent", "due_on", "sent_at")


def snapshot(*, user: Any, referral: Referral) -> list[tuple[str, str]]:
    """The referral's personal fields, decrypted; the read is audited."""
    if referral.restricted or not referral.fields_encrypted:
        return []
    log(user, actions.READ_PERSONAL, referral, fields=list(referral.field_keys))
    return referral.decrypted_fields()


def household_if_visible(*, user: Any, referral: Referral) -> Household | None:
    """The household, for the sender's staff who may see it; None for anyone else."""
    if referral.household_id is None:
        return None
    return policies.visible(user, Household).filter(pk=referral.household_id).first()


def events(referral: Referral) -> list[Any]:
    return list(referral.events.select_related("actor", "organization"))


def notices(*, user: Any, unread_only: bool = True) -> QuerySet[Notice]:
    qs = policies.visible(user, Notice).select_related("referral")
    return qs.filter(read_at__isnull=True) if unread_only else qs
