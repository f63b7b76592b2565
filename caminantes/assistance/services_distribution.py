"""Writes of distribution plans and the handovers at their desk.

`handover_record` is the one door for a kit collection: in one transaction it locks the plan
row (the daily cap) and the household row (the interval: two desks serving the same family
at once queue on that lock, and the second sees the first's handover), issues the kits from
the plan's warehouse (`services.kit_issue`, lots that expire first going first), writes the
service delivery (sector "nfi") and the handover itself. The handover's id is made by the
client: the same id with the same content answers the first handover again and changes
nothing; with other content it is refused (`request_id_reused`).
"""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.models import User
from caminantes.accounts.permissions import Perm
from caminantes.assistance import delivery, services
from caminantes.assistance import distribution as reads
from caminantes.assistance.errors import Refused, RequestConflict
from caminantes.assistance.models import (
    DistributionPlan,
    Handover,
    Kit,
    Modality,
    PlanChange,
    QuantityBand,
    Warehouse,
)
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.geo.models import AdminArea, Place
from caminantes.lib import idempotency
from caminantes.registry.models import Household, Person, PopulationType, SpecificNeed

SECTOR = "nfi"
INDICATOR = "households_receiving_nfi"


def may_distribute(user: Any, plan: DistributionPlan) -> bool:
    return policies.has_perm(
        user, Perm.DISTRIBUTE, organization_id=plan.organization_id, country_id=plan.country_id
    )


def _require(actor: User, plan: DistributionPlan) -> None:
    if not may_distribute(actor, plan):
        log(actor, actions.ACCESS_DENIED, plan, "denied", permission=Perm.DISTRIBUTE.value)
        raise PermissionDenied


# --- plans ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    min_size: int
    max_size: int | None
    quantity: int


def _check_bands(bands: Sequence[Band]) -> list[Band]:
    if not bands:
        raise ValidationError({"bands": [_("Enter how many kits a household receives.")]})
    ordered = sorted(bands, key=lambda b: b.min_size)
    for i, band in enumerate(ordered):
        if band.min_size < 1 or band.quantity < 1 or band.quantity > 100:
            raise ValidationError({"bands": [
                _("Each band starts at 1 person or more and gives 1 to 100 kits.")
            ]})  # fmt: skip
        if band.max_size is not None and band.max_size < band.min_size:
            raise ValidationError({"bands": [_("A band ends before it starts.")]})
        if i + 1 < len(ordered) and (
            band.max_size is None or band.max_size >= ordered[i + 1].min_size
        ):
            raise ValidationError({"bands": [_("The household size bands overlap.")]})
    return ordered


def _check_rules(
    *, starts_on: date, ends_on: date, min_household_size: int,
    max_household_size: int | None, interval_days: int, daily_cap: int | None,
    population_types: Sequence[str], specific_needs: Sequence[str],
) -> None:  # fmt: skip
    errors: dict[str, list[str]] = {}
    if ends_on < starts_on:
        errors["ends_on"] = [_("The plan ends before it starts.")]
    if (ends_on - starts_on).days > 366:
        errors["ends_on"] = [_("A plan lasts one year at most.")]
    if min_household_size < 1 or min_household_size > 50:
        errors["min_household_size"] = [_("Enter a household size between 1 and 50.")]
    if max_household_size is not None and not (min_household_size <= max_household_size <= 50):
        errors["max_household_size"] = [
            _("Enter a size from the smallest household up to 50, or leave it empty.")
        ]
    if not 1 <= interval_days <= 365:
        errors["interval_days"] = [_("Enter between 1 and 365 days.")]
    if daily_cap is not None and not 1 <= daily_cap <= 100_000:
        errors["daily_cap"] = [_("Enter between 1 and 100,000 households, or leave it empty.")]
    if any(p not in PopulationType.values for p in population_types):
        errors["population_types"] = [_("Choose population types from the list.")]
    if any(n not in SpecificNeed.values for n in specific_needs):
        errors["specific_needs"] = [_("Choose specific needs from the list.")]
    if errors:
        raise ValidationError(errors)


def _check_place(name: str, site: Place, area: AdminArea | None, country_id: int) -> None:
    if not name:
        raise ValidationError({"name": [_("Enter the plan's name.")]})
    if site.country_id != country_id:
        raise ValidationError({"site": [_("Choose a site in the warehouse's country.")]})
    if area is not None and area.country_id != country_id:
        raise ValidationError({"area": [_("Choose an area in the warehouse's country.")]})


def plan_create(
    *, actor: User, warehouse: Warehouse, site: Place, kit: Kit, name: str, starts_on: date,
    ends_on: date, bands: Sequence[Band], population_types: Sequence[str] = (),
    specific_needs: Sequence[str] = (), min_household_size: int = 1,
    max_household_size: int | None = None, area: AdminArea | None = None,
    interval_days: int = 30, daily_cap: int | None = None,
    status: str = DistributionPlan.Status.DRAFT,
) -> DistributionPlan:  # fmt: skip
    """A plan drawing on `warehouse`, for its organisation and country."""
    plan = DistributionPlan(organization=warehouse.organization, country=warehouse.country)
    _require(actor, plan)
    if not services.may_manage(actor, warehouse):
        raise ValidationError({"warehouse": [_("Choose a warehouse you keep.")]})
    name = name.strip()
    _check_place(name, site, area, warehouse.country_id)
    if status not in DistributionPlan.Status.values:
        raise ValidationError({"status": [_("Choose a status.")]})
    _check_rules(starts_on=starts_on, ends_on=ends_on, min_household_size=min_household_size,
                 max_household_size=max_household_size, interval_days=interval_days,
                 daily_cap=daily_cap, population_types=population_types,
                 specific_needs=specific_needs)  # fmt: skip
    ordered = _check_bands(bands)
    with transaction.atomic():
        for key, value in {
            "name": name, "site": site, "warehouse": warehouse, "kit": kit,
            "population_types": sorted(set(population_types)),
            "specific_needs": sorted(set(specific_needs)),
            "min_household_size": min_household_size, "max_household_size": max_household_size,
            "area": area, "interval_days": interval_days, "daily_cap": daily_cap,
            "starts_on": starts_on, "ends_on": ends_on, "status": status, "created_by": actor,
        }.items():  # fmt: skip
            setattr(plan, key, value)
        plan.save()
        QuantityBand.objects.bulk_create(
            QuantityBand(plan=plan, min_size=b.min_size, max_size=b.max_size, quantity=b.quantity)
            for b in ordered
        )
        log(actor, actions.CREATE, plan, organization=plan.organization)
    return plan


def plan_set_status(*, actor: User, plan: DistributionPlan, status: str) -> DistributionPlan:
    """Open a draft, close an open plan (or open a closed one again)."""
    _require(actor, plan)
    if status not in DistributionPlan.Status.values:
        raise ValidationError({"status": [_("Choose a status.")]})
    with transaction.atomic():
        locked = DistributionPlan.objects.select_for_update().get(pk=plan.pk)
        if status == DistributionPlan.Status.DRAFT and locked.handovers.exists():
            raise Refused(_("Kits were already handed out under this plan."), code="plan_in_use")
        old = locked.status
        locked.status = status
        locked.save(update_fields=["status"])
        log(actor, actions.UPDATE, locked, organization=locked.organization, change="status",
            old=old, new=status)  # fmt: skip
    plan.status = status
    return plan


# The rules `plan_update` may change; `bands` replaces the plan's bands as a whole.
EDITABLE = (
    "name", "warehouse", "site", "kit", "starts_on", "ends_on", "population_types",
    "specific_needs", "min_household_size", "max_household_size", "area", "interval_days",
    "daily_cap",
)  # fmt: skip


@dataclass
class PlanUpdated:
    plan: DistributionPlan
    changed: list[str]
    replayed: bool = False


def _change_content(plan: DistributionPlan, fields: dict[str, Any]) -> dict[str, Any]:
    content: dict[str, Any] = {"op": "plan_update", "plan": str(plan.uuid)}
    for key, value in sorted(fields.items()):
        if key == "bands":
            content[key] = [[b.min_size, b.max_size, b.quantity] for b in value]
        elif hasattr(value, "uuid"):
            content[key] = str(value.uuid)
        elif hasattr(value, "pk"):
            content[key] = value.pk
        elif isinstance(value, date):
            content[key] = value.isoformat()
        elif isinstance(value, (list, tuple)):
            content[key] = sorted(set(value))
        else:
            content[key] = value
    return content


def _earlier_change(request_id: uuid_lib.UUID, sha: str) -> PlanChange | None:
    query = PlanChange.objects.select_related("plan")
    return idempotency.earlier(query, request_id, sha, conflict=RequestConflict)


def plan_update(
    *, actor: User, plan: DistributionPlan, request_id: uuid_lib.UUID | None = None,
    **fields: Any,
) -> PlanUpdated:  # fmt: skip
    """Correct a plan's rules (any of `EDITABLE`, and `bands` as a whole), with the same
    checks as `plan_create`. The kit and the warehouse cannot change once a kit was handed out
    under the plan. Audited with the names of the fields changed. With a `request_id` (the
    API): the same id and content again answers the first change and changes nothing."""
    _require(actor, plan)
    unknown = set(fields) - set(EDITABLE) - {"bands"}
    if unknown:
        raise ValidationError({k: [_("This cannot be changed.")] for k in sorted(unknown)})
    sha = idempotency.content_digest(_change_content(plan, fields))
    if request_id is not None:
        earlier = _earlier_change(request_id, sha)
        if earlier is not None:
            return PlanUpdated(earlier.plan, list(earlier.fields), replayed=True)
    try:
        with transaction.atomic():
            return _update(actor, plan, request_id, sha, fields)
    except IntegrityError:
        if request_id is not None:  # the same id sent at the same moment, and that one won
            earlier = _earlier_change(request_id, sha)
            if earlier is not None:
                return PlanUpdated(earlier.plan, list(earlier.fields), replayed=True)
        raise


def _update(
    actor: User, plan: DistributionPlan, request_id: uuid_lib.UUID | None, sha: str,
    fields: dict[str, Any],
) -> PlanUpdated:  # fmt: skip
    locked = (
        DistributionPlan.objects.select_for_update()
        .select_related("warehouse", "kit", "site", "organization", "country")
        .get(pk=plan.pk)
    )
    _require(actor, locked)
    new = {k: getattr(locked, k) for k in EDITABLE} | {
        k: v for k, v in fields.items() if k != "bands"
    }
    new["name"] = str(new["name"] or "").strip()
    new["population_types"] = sorted(set(new["population_types"] or []))
    new["specific_needs"] = sorted(set(new["specific_needs"] or []))
    warehouse: Warehouse = new["warehouse"]
    if warehouse.pk != locked.warehouse_id and (
        not services.may_manage(actor, warehouse)
        or warehouse.organization_id != locked.organization_id
        or warehouse.country_id != locked.country_id
    ):
        raise ValidationError({"warehouse": [_("Choose a warehouse you keep.")]})
    _check_place(new["name"], new["site"], new["area"], locked.country_id)
    _check_rules(**{k: new[k] for k in (
        "starts_on", "ends_on", "min_household_size", "max_household_size", "interval_days",
        "daily_cap", "population_types", "specific_needs")})  # fmt: skip
    bands = _check_bands(fields["bands"]) if "bands" in fields else None
    changed = [k for k in EDITABLE if new[k] != getattr(locked, k)]
    old_bands = [(b.min_size, b.max_size, b.quantity) for b in locked.bands.all()]
    if bands is not None and [(b.min_size, b.max_size, b.quantity) for b in bands] != old_bands:
        changed.append("bands")
    if {"kit", "warehouse"} & set(changed) and locked.handovers.exists():
        raise Refused(
            _("Kits were already handed out under this plan: its kit and its warehouse can no "
              "longer change. Close it and create a new plan."),
            code="plan_in_use", field="kit" if "kit" in changed else "warehouse",
        )  # fmt: skip
    for key in changed:
        if key != "bands":
            setattr(locked, key, new[key])
    if set(changed) - {"bands"}:
        locked.save(update_fields=[k for k in changed if k != "bands"])
    if bands is not None and "bands" in changed:
        locked.bands.all().delete()
        QuantityBand.objects.bulk_create(
            QuantityBand(plan=locked, min_size=b.min_size, max_size=b.max_size,
                         quantity=b.quantity)
            for b in bands
        )  # fmt: skip
    if request_id is not None:
        PlanChange.objects.create(uuid=request_id, sha256=sha, plan=locked, fields=changed,
                                  actor=actor)  # fmt: skip
    if changed:
        log(actor, actions.UPDATE, locked, organization=locked.organization, change="rules",
            fields=changed)  # fmt: skip
    return PlanUpdated(locked, changed)


# --- handovers ------------------------------------------------------------------------


@dataclass
class HandoverResult:
    handover: Handover
    replayed: bool = False


def _content(
    plan: DistributionPlan, household: Household, collected_by: Person | None,
    proxy_name: str, proxy_consent: bool,
) -> dict[str, Any]:  # fmt: skip
    return {
        "op": "handover", "plan": str(plan.uuid), "household": str(household.uuid),
        "collected_by": str(collected_by.uuid) if collected_by else None,
        "proxy_name": proxy_name, "proxy_consent": proxy_consent,
    }  # fmt: skip


def _handover_reused() -> RequestConflict:
    return RequestConflict(
        _("This handover id was already used for another handover. Send a new id.")
    )


def _earlier(request_id: uuid_lib.UUID, sha: str) -> HandoverResult | None:
    found = idempotency.earlier(Handover, request_id, sha, conflict=_handover_reused)
    return None if found is None else HandoverResult(found, replayed=True)


def _check_collector(
    household: Household, collected_by: Person | None, proxy_name: str, proxy_consent: bool
) -> None:
    if collected_by is not None:
        if proxy_name:
            raise ValidationError({"proxy_name": [
                _("Either a member of the household collects, or a proxy: not both.")
            ]})  # fmt: skip
        if collected_by.household_id != household.pk or collected_by.anonymised_at is not None:
            raise ValidationError({"collected_by": [_("Choose a member of this household.")]})
        return
    if not proxy_name:
        raise ValidationError({"collected_by": [
            _("Choose the member who collects, or enter the proxy's name.")
        ]})  # fmt: skip
    if len(proxy_name) > 200:
        raise ValidationError({"proxy_name": [_("Enter at most 200 characters.")]})
    if not proxy_consent:
        raise Refused(
            _("A proxy may collect only with the household's consent: record it first."),
            code="proxy_without_consent", field="proxy_consent",
        )  # fmt: skip


def _check_plan_open(plan: DistributionPlan, today: date) -> None:
    if plan.status != DistributionPlan.Status.OPEN:
        raise Refused(_("This distribution is not open."), code="plan_not_open")
    if not plan.starts_on <= today <= plan.ends_on:
        raise Refused(
            _("This distribution runs from %(start)s to %(end)s.")
            % {"start": plan.starts_on, "end": plan.ends_on},
            code="plan_not_open",
        )


def _short(day: date | None) -> str:
    """A date as people write it here (06/12/2026)."""
    return date_format(day, "SHORT_DATE_FORMAT") if day is not None else "—"


def _check_entitled(plan: DistributionPlan, household: Household, today: date) -> int:
    due = reads.entitlement(plan, household, today)
    if due.standing == reads.Standing.NOT_ENTITLED:
        raise Refused(
            _("This household is not entitled to this distribution: %(why)s")
            % {"why": due.message}, code="not_entitled",
        )  # fmt: skip
    if due.standing in (reads.Standing.SERVED_TODAY, reads.Standing.INSIDE_INTERVAL):
        raise Refused(
            _("This household already collected on %(date)s; it may collect again from "
              "%(next)s.") % {"date": _short(due.last_served), "next": _short(due.next_on)},
            code="inside_interval",
        )  # fmt: skip
    return due.quantity


def handover_record(
    *, actor: User, plan: DistributionPlan, household: Household, request_id: uuid_lib.UUID,
    collected_by: Person | None = None, proxy_name: str = "", proxy_consent: bool = False,
) -> HandoverResult:  # fmt: skip
    """Record that `household` collected its kits (see the module docstring)."""
    _require(actor, plan)
    proxy_name = proxy_name.strip()
    sha = idempotency.content_digest(
        _content(plan, household, collected_by, proxy_name, proxy_consent)
    )
    earlier = _earlier(request_id, sha)
    if earlier is not None:
        return earlier
    if household.organization_id != plan.organization_id or (
        household.country_id != plan.country_id
    ):
        raise Refused(_("This household is not entitled to this distribution."),
                      code="not_entitled")  # fmt: skip
    _check_collector(household, collected_by, proxy_name, proxy_consent)
    try:
        with transaction.atomic():
            return _handover(actor, plan, household, request_id, sha, collected_by,
                             proxy_name, proxy_consent)  # fmt: skip
    except IntegrityError:
        # The same id sent at the same moment from elsewhere, and that one won.
        earlier = _earlier(request_id, sha)
        if earlier is not None:
            return earlier
        raise


def _handover(
    actor: User, plan: DistributionPlan, household: Household, request_id: uuid_lib.UUID,
    sha: str, collected_by: Person | None, proxy_name: str, proxy_consent: bool,
) -> HandoverResult:  # fmt: skip
    # Lock order, always: plan, then household.
    locked_plan = (
        DistributionPlan.objects.select_for_update()
        .select_related("warehouse", "kit", "organization", "country", "site")
        .get(pk=plan.pk)
    )
    Household.objects.select_for_update().filter(pk=household.pk).first()
    earlier = _earlier(request_id, sha)  # sent again while we waited for the lock
    if earlier is not None:
        return earlier
    now = timezone.now()
    today = timezone.localdate(now)
    _check_plan_open(locked_plan, today)
    quantity = _check_entitled(locked_plan, household, today)
    if locked_plan.daily_cap is not None and (
        reads.served_today(locked_plan, today) >= locked_plan.daily_cap
    ):
        raise Refused(
            _("This site has served its %(cap)s households for today.")
            % {"cap": locked_plan.daily_cap}, code="daily_cap_reached",
        )  # fmt: skip
    issued = services.kit_issue(
        actor=actor, warehouse=locked_plan.warehouse, kit=locked_plan.kit, count=quantity,
        request_id=request_id, note=locked_plan.name[:200],
    )  # fmt: skip
    people = [delivery.Reached(person=p) for p in reads.members(household)]
    served = delivery.record(
        actor=actor, organization=locked_plan.organization, country=locked_plan.country,
        sector=SECTOR, indicator=INDICATOR, people=people, quantity=quantity,
        modality=Modality.IN_KIND, place=locked_plan.site, when=now,
    )  # fmt: skip
    handover = Handover.objects.create(
        uuid=request_id, sha256=sha, plan=locked_plan, household=household, quantity=quantity,
        collected_by=collected_by, proxy_name=proxy_name, proxy_consent=proxy_consent,
        stock_request=issued.movements[0].request if issued.movements else None,
        delivery=served, actor=actor, day=today, handed_at=now,
    )  # fmt: skip
    served.ref_type = Handover._meta.label_lower
    served.ref_uuid = handover.uuid
    served.save(update_fields=["ref_type", "ref_uuid"])
    log(actor, actions.CREATE, handover, organization=locked_plan.organization,
        plan=str(locked_plan.uuid), quantity=quantity, proxy=bool(proxy_name))  # fmt: skip
    return HandoverResult(handover)


def card_printed(*, actor: User, household: Household, reprint: bool) -> None:
    """A household's QR card was printed (or printed again): audited."""
    log(actor, actions.EXPORT, household, organization=household.organization,
        change="qr_card", reprint=reprint)  # fmt: skip
