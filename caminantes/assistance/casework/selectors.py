"""Reads of the casework records, always through the access policy: a household's relocation
cases, service records and livelihood activities; one case or activity; the follow-ups due;
the trips a relocation may travel on; places by name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from caminantes.accounts import policies
from caminantes.accounts.permissions import Perm
from caminantes.assistance.casework.models import (
    CVA_KINDS,
    FIRST_FOLLOW_UP_DAYS,
    FOOD_KINDS,
    SECOND_FOLLOW_UP_DAYS,
    LivelihoodActivity,
    RelocationCase,
    ServiceRecord,
    Stage,
)
from caminantes.assistance.transport.models import OPEN as OPEN_TRIPS
from caminantes.assistance.transport.models import Trip
from caminantes.geo.models import Place
from caminantes.registry import selectors as registry
from caminantes.registry.models import Household, Person

DUE_WITHIN_DAYS = 7  # a visit is listed a week before it is due, and until it is made


def household_for_casework(*, user: Any, uuid: Any) -> Household:
    """A household the user may see (not erased): 404 otherwise."""
    return registry.household_detail(user=user, uuid=uuid)


def people_for_casework(*, user: Any) -> QuerySet[Person]:
    """The people the user may see, not erased, with their households."""
    return (
        registry.people_for_user(user=user)
        .filter(anonymised_at__isnull=True)
        .select_related("household", "household__organization", "household__country")
    )


def members(household: Household) -> QuerySet[Person]:
    return registry.members_of(household).order_by("pk")


def cases_for_user(*, user: Any) -> QuerySet[RelocationCase]:
    return policies.visible(user, RelocationCase).select_related(
        "household", "household__focal_point", "destination", "organization", "country"
    )


def get_case_for_user(*, user: Any, uuid: Any) -> RelocationCase:
    return policies.get_for_user(user, RelocationCase, uuid)


def cases_of(*, user: Any, household: Household) -> QuerySet[RelocationCase]:
    return cases_for_user(user=user).filter(household=household)


def records_for_user(*, user: Any) -> QuerySet[ServiceRecord]:
    """Caseworkers' records (REFER), and the food and cash records of distribution staff."""
    caseworker = policies.visible(user, ServiceRecord).values("pk")
    distribution = (
        policies.visible(user, ServiceRecord, Perm.DISTRIBUTE)
        .filter(kind__in=[*FOOD_KINDS, *CVA_KINDS])
        .values("pk")
    )
    return ServiceRecord.objects.filter(
        Q(pk__in=caseworker) | Q(pk__in=distribution)
    ).select_related("person", "place")


def records_of(*, user: Any, household: Household) -> QuerySet[ServiceRecord]:
    return records_for_user(user=user).filter(household=household)


def activities_for_user(*, user: Any) -> QuerySet[LivelihoodActivity]:
    return policies.visible(user, LivelihoodActivity).select_related(
        "person", "household", "household__focal_point"
    )


def activities_of(*, user: Any, household: Household) -> QuerySet[LivelihoodActivity]:
    return activities_for_user(user=user).filter(household=household)


def get_activity_for_user(*, user: Any, uuid: Any) -> LivelihoodActivity:
    return policies.get_for_user(user, LivelihoodActivity, uuid)


@dataclass(frozen=True)
class Due:
    """A follow-up waiting to be made: a relocation visit or a livelihood outcome."""

    due_on: date
    kind: str  # "relocation_30", "relocation_90" or "livelihood"
    household: Household
    case: RelocationCase | None = None
    activity: LivelihoodActivity | None = None

    def is_overdue(self, today: date) -> bool:
        return self.due_on < today


def due_follow_ups(
    *, user: Any, today: date, organization: Any = None, within: int = DUE_WITHIN_DAYS
) -> list[Due]:
    """The follow-ups due by `today + within` days and not yet made, oldest first: 30- and
    90-day relocation visits (counted from the arrival) and livelihood outcomes."""
    horizon = today + timedelta(days=within)
    cases = cases_for_user(user=user).filter(
        Q(stage=Stage.ARRIVED, arrived_on__lte=horizon - timedelta(days=FIRST_FOLLOW_UP_DAYS))
        | Q(stage=Stage.FOLLOW_UP_30,
            arrived_on__lte=horizon - timedelta(days=SECOND_FOLLOW_UP_DAYS))
    )  # fmt: skip
    activities = activities_for_user(user=user).filter(outcome="", follow_up_on__lte=horizon)
    if organization is not None:
        cases = cases.filter(organization=organization)
        activities = activities.filter(organization=organization)
    found: list[Due] = []
    for case in cases[:500]:
        due_on = case.next_visit_due
        assert due_on is not None  # an arrived case waits for a visit
        kind = "relocation_30" if case.stage == Stage.ARRIVED else "relocation_90"
        found.append(Due(due_on, kind, case.household, case=case))
    for activity in activities.order_by("follow_up_on")[:500]:
        found.append(Due(activity.follow_up_on, "livelihood", activity.household,
                         activity=activity))  # fmt: skip
    return sorted(found, key=lambda d: (d.due_on, d.kind, d.household.pk))


def trips_for_case(*, user: Any, case: RelocationCase, today: date) -> QuerySet[Trip]:
    """The open trips of the case's organisation and country the user may see (transport
    staff see them; a caseworker without transport rights gets none and leaves it empty)."""
    return (
        policies.visible(user, Trip)
        .filter(
            route__organization=case.organization_id,
            route__country=case.country_id,
            status__in=OPEN_TRIPS,
            departs_on__gte=today - timedelta(days=1),
        )
        .select_related("route")
        .order_by("departs_on", "departs_at")
    )


def place_named(*, country_id: int, name: str) -> Place | None:
    """The place of this name in the country (the most populous when several share it)."""
    name = name.strip()
    if not name:
        return None
    return (
        Place.objects.filter(country_id=country_id, name__iexact=name)
        .order_by("-population", "pk")
        .first()
    )


def place_in(*, country_id: int, uuid: Any) -> Place | None:
    """A place of the country by its id (places are reference data every member reads)."""
    return Place.objects.filter(country_id=country_id, uuid=uuid).first()


def place_names(*, country_id: int) -> QuerySet[Any]:
    return (
        Place.objects.filter(country_id=country_id)
        .order_by("-population", "name")
        .values_list("name", flat=True)[:500]
    )
