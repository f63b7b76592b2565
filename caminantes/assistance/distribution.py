"""Reads of distribution plans: who a plan is for, what each household is entitled to, and
the distribution list that follows from the rules.

Households are read through the registry's selectors (the policy door); the plan's own
organisation and country narrow them further. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.assistance.models import DistributionPlan, Handover, Kit, QuantityBand, Warehouse
from caminantes.geo.models import AdminArea, Place
from caminantes.registry import selectors as registry
from caminantes.registry.models import Household, Person


class Standing:
    """Where a household stands with a plan today (machine-readable, as the API says it)."""

    ENTITLED = "entitled"
    SERVED_TODAY = "served_today"
    INSIDE_INTERVAL = "inside_interval"
    NOT_ENTITLED = "not_entitled"


@dataclass(frozen=True)
class Entitlement:
    household: Household
    size: int
    quantity: int  # kits due when entitled (0 when the household is not covered)
    standing: str
    last_served: date | None
    next_on: date | None  # the first day it may collect again
    reasons: tuple[str, ...] = ()

    @property
    def may_collect(self) -> bool:
        return self.standing == Standing.ENTITLED

    @property
    def message(self) -> str:
        if self.standing == Standing.SERVED_TODAY:
            return _("Already served today.")
        if self.standing == Standing.INSIDE_INTERVAL:
            return _("Served on %(date)s: may collect again from %(next)s.") % {
                "date": self.last_served, "next": self.next_on,
            }  # fmt: skip
        if self.standing == Standing.NOT_ENTITLED:
            return " ".join(self.reasons) or _("Not covered by this plan.")
        return _("Entitled to %(n)s kit(s).") % {"n": self.quantity}


# --- plans ----------------------------------------------------------------------------


def plans_for_user(*, user: Any) -> QuerySet[DistributionPlan]:
    return (
        policies.visible(user, DistributionPlan)
        .select_related("organization", "country", "site", "warehouse", "kit")
        .prefetch_related("bands")
    )


def get_plan_for_user(*, user: Any, uuid: Any) -> DistributionPlan:
    return policies.get_for_user(user, DistributionPlan, uuid)


def warehouse_for_plan(*, user: Any, plan: DistributionPlan, uuid: Any) -> Warehouse | None:
    """A warehouse the user sees, of the plan's organisation and country (a plan's correction
    may draw on it), or None."""
    return (
        policies.visible(user, Warehouse)
        .filter(uuid=uuid, organization_id=plan.organization_id, country_id=plan.country_id)
        .first()
    )


def site_for_plan(*, plan: DistributionPlan, uuid: Any) -> Place | None:
    return Place.objects.filter(uuid=uuid, country_id=plan.country_id).first()


def area_for_plan(*, plan: DistributionPlan, uuid: Any) -> AdminArea | None:
    return AdminArea.objects.filter(uuid=uuid, country_id=plan.country_id).first()


def kit_by_code(*, code: str) -> Kit | None:
    return Kit.objects.filter(code=code).first()


def bands_of(plan: DistributionPlan) -> list[QuantityBand]:
    return sorted(plan.bands.all(), key=lambda b: b.min_size)


def quantity_for(plan: DistributionPlan, size: int) -> int:
    return next((b.quantity for b in bands_of(plan) if b.covers(size)), 0)


def area_ids(area: AdminArea) -> set[int]:
    """The area and every area within it."""
    found = {area.pk}
    frontier = [area.pk]
    while frontier:
        frontier = list(
            AdminArea.objects.filter(parent_id__in=frontier)
            .exclude(pk__in=found)
            .values_list("pk", flat=True)
        )
        found.update(frontier)
    return found


def _members() -> QuerySet[Person]:
    return Person.objects.filter(anonymised_at__isnull=True, merged_into__isnull=True)


def members_queryset() -> QuerySet[Person]:
    """A household's members as the desk lists them (to prefetch)."""
    return _members().order_by("pk")


def _with_size(households: QuerySet[Household]) -> Any:
    return households.annotate(
        size=Count(
            "members", filter=Q(members__anonymised_at__isnull=True,
                                members__merged_into__isnull=True), distinct=True,
        )
    )  # fmt: skip


def eligible(plan: DistributionPlan, households: QuerySet[Household]) -> QuerySet[Household]:
    """`households` narrowed to the plan's rules (organisation, country, population type,
    size, specific needs, area), each annotated with `size`."""
    qs: Any = _with_size(
        households.filter(
            organization_id=plan.organization_id, country_id=plan.country_id,
            status=Household.Status.ACTIVE, anonymised_at__isnull=True,
        )
    )  # fmt: skip
    if plan.population_types:
        qs = qs.filter(population_type__in=plan.population_types)
    qs = qs.filter(size__gte=plan.min_household_size)
    if plan.max_household_size is not None:
        qs = qs.filter(size__lte=plan.max_household_size)
    if plan.specific_needs:
        needs = Q()
        for need in plan.specific_needs:
            needs |= Q(specific_needs__icontains=f'"{need}"')
        qs = qs.filter(Exists(_members().filter(needs, household=OuterRef("pk"))))
    if plan.area_id is not None:
        ids = area_ids(plan.area)  # type: ignore[arg-type]
        qs = qs.filter(Q(current_area_id__in=ids) | Q(current_area__isnull=True,
                                                     admin_area_id__in=ids))  # fmt: skip
    return qs


def _reasons(plan: DistributionPlan, household: Household, size: int) -> list[str]:
    """Why a household is outside the plan, in words for the desk."""
    reasons = []
    if household.organization_id != plan.organization_id or (
        household.country_id != plan.country_id
    ):
        reasons.append(_("Registered by another organisation or in another country."))
    if household.status != Household.Status.ACTIVE:
        reasons.append(_("The household's file is not active."))
    if plan.population_types and household.population_type not in plan.population_types:
        reasons.append(_("Its population type is not covered."))
    if size < plan.min_household_size or (
        plan.max_household_size is not None and size > plan.max_household_size
    ):
        reasons.append(_("Its size (%(n)s people) is not covered.") % {"n": size})
    if not reasons:
        reasons.append(_("It does not meet the plan's needs or area."))
    return reasons


def _last_served(plan: DistributionPlan, household_ids: list[int]) -> dict[int, date]:
    return dict(
        Handover.objects.filter(plan=plan, household_id__in=household_ids)
        .values_list("household_id")
        .annotate(last=Max("day"))
        .values_list("household_id", "last")
    )


def _standing(
    plan: DistributionPlan, household: Household, size: int, covered: bool,
    last: date | None, today: date,
) -> Entitlement:  # fmt: skip
    quantity = quantity_for(plan, size) if covered else 0
    next_on = last + timedelta(days=plan.interval_days) if last else None
    if not covered or quantity == 0:
        reasons = _reasons(plan, household, size) if not covered else [
            _("No quantity is set for a household of %(n)s people.") % {"n": size}
        ]  # fmt: skip
        return Entitlement(household, size, 0, Standing.NOT_ENTITLED, last, next_on,
                           tuple(reasons))  # fmt: skip
    if last == today:
        standing = Standing.SERVED_TODAY
    elif next_on is not None and today < next_on:
        standing = Standing.INSIDE_INTERVAL
    else:
        standing = Standing.ENTITLED
    return Entitlement(household, size, quantity, standing, last, next_on)


def entitlement(
    plan: DistributionPlan, household: Household, today: date | None = None
) -> Entitlement:
    """What `household` may collect under `plan` today."""
    today = today or timezone.localdate()
    found = eligible(plan, Household.objects.filter(pk=household.pk)).first()
    size = (
        getattr(found, "size", 0)
        if found is not None
        else _members().filter(household=household).count()
    )
    last = _last_served(plan, [household.pk]).get(household.pk)
    return _standing(plan, household, size, found is not None, last, today)


def distribution_list(*, user: Any, plan: DistributionPlan) -> QuerySet[Household]:
    """The households the plan is for, as the user may see them (through the registry's
    policy door), focal point loaded, in a stable order. Turn a page of them into
    entitlements with `standings`."""
    return (
        eligible(plan, registry.households_for_user(user=user))
        .select_related("focal_point")
        .order_by("focal_point__search_name", "pk")
    )


def standings(
    *, user: Any, plan: DistributionPlan, households: list[Household], today: date | None = None
) -> list[Entitlement]:
    """Entitlements for a page of the distribution list; the read is audited (the page names
    people)."""
    today = today or timezone.localdate()
    last = _last_served(plan, [h.pk for h in households])
    policies.record_reads(user, Household, households)
    return [
        _standing(plan, h, getattr(h, "size", 0), True, last.get(h.pk), today) for h in households
    ]


def find_households(*, user: Any, plan: DistributionPlan, text: str) -> list[Household]:
    """Households for the desk's search box: a name, a document or phone number, or the code
    or public id its QR card carries. Only the plan's organisation and country."""
    text = text.strip()
    if not text:
        return []
    visible = registry.households_for_user(user=user).filter(
        organization_id=plan.organization_id, country_id=plan.country_id
    )
    scanned = _scanned_id(text)
    if scanned is not None:
        return list(visible.filter(uuid=scanned).select_related("focal_point"))
    people = registry.search_people(user=user, text=text, limit=20, country=plan.country)
    seen: dict[int, Household] = {}
    for person in people:
        if person.household_id not in seen:
            seen[person.household_id] = person.household
    ids = list(seen)
    kept = set(visible.filter(pk__in=ids).values_list("pk", flat=True))
    found = [seen[pk] for pk in ids if pk in kept]
    focal = {h.pk: h for h in Household.objects.filter(pk__in=kept).select_related("focal_point")}
    households = [focal[h.pk] for h in found]
    policies.record_reads(user, Household, households)
    return households


def _scanned_id(text: str) -> Any:
    """The household's public id from what a QR card scan typed (the bare id, or a link or
    `caminantes:household:<uuid>` ending in it)."""
    import uuid as uuid_lib

    tail = text.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    try:
        return uuid_lib.UUID(tail)
    except ValueError:
        return None


def get_household(*, user: Any, plan: DistributionPlan, uuid: Any) -> Household:
    """A household for the desk (404 when hidden; the read is audited)."""
    household = registry.household_detail(user=user, uuid=uuid)
    return household


def members(household: Household) -> list[Person]:
    return list(_members().filter(household=household).order_by("pk"))


def handovers_of(household: Household) -> QuerySet[Handover]:
    """Past handovers of a household (every plan), newest first."""
    return Handover.objects.filter(household=household).select_related(
        "plan", "plan__kit", "collected_by"
    )


def served_today(plan: DistributionPlan, today: date | None = None) -> int:
    return Handover.objects.filter(plan=plan, day=today or timezone.localdate()).count()


def handovers_for_user(*, user: Any) -> QuerySet[Handover]:
    return policies.visible(user, Handover).select_related("plan", "household", "collected_by")
