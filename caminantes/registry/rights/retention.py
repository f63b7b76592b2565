"""Retention: households inactive for longer than their country's retention period are
anonymised as an erasure would (see `erasure`), by `caminantes retention apply`."""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from caminantes.audit import actions
from caminantes.audit.log import Subject, log
from caminantes.registry.models import Household, Person, RetentionPolicy
from caminantes.registry.rights.erasure import ErasureResult, people_anonymise

DEFAULT_MONTHS_INACTIVE = 36


def months_before(moment: datetime, months: int) -> datetime:
    years, month0 = divmod(moment.month - 1 - months, 12)
    year, month = moment.year + years, month0 + 1
    return moment.replace(
        year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1])
    )


@dataclass
class RetentionLine:
    country: str
    months: int
    cutoff: datetime
    households: int = 0
    people: int = 0


@dataclass
class RetentionResult:
    dry_run: bool
    lines: list[RetentionLine] = field(default_factory=list)

    @property
    def households(self) -> int:
        return sum(line.households for line in self.lines)

    @property
    def people(self) -> int:
        return sum(line.people for line in self.lines)


def retention_apply(
    *, now: datetime | None = None, dry_run: bool = False, batch_size: int = 200
) -> RetentionResult:
    """Anonymise every household inactive for longer than its country's retention period.

    The period is RetentionPolicy.months_inactive, 36 months where a country has none.
    Each batch of households is one transaction, so an interrupted run loses nothing and
    the next run carries on where it stopped.
    """
    from caminantes.geo.models import Country

    now = now or timezone.now()
    result = RetentionResult(dry_run=dry_run)
    pending = Household.objects.filter(anonymised_at__isnull=True)
    policies_by_country = {p.country_id: p.months_inactive for p in RetentionPolicy.objects.all()}
    country_ids = set(pending.order_by().values_list("country_id", flat=True).distinct())
    for country in Country.objects.filter(pk__in=country_ids).order_by("iso2"):
        months = policies_by_country.get(country.pk, DEFAULT_MONTHS_INACTIVE)
        line = RetentionLine(country.iso2, months, months_before(now, months))
        stale = pending.filter(country=country, last_activity_at__lt=line.cutoff)
        if dry_run:
            line.households = stale.count()
            line.people = Person.objects.filter(
                household__in=stale, anonymised_at__isnull=True
            ).count()
        else:
            ids = list(stale.order_by("organization_id", "pk").values_list("pk", flat=True))
            for start in range(0, len(ids), batch_size):
                done = _retention_batch(ids[start : start + batch_size], line.cutoff, now)
                line.households += done.households
                line.people += done.people
        if line.households:
            result.lines.append(line)
    if not dry_run:
        log(
            None,
            actions.DELETE,
            Subject("registry.retention"),
            anonymised=True,
            reason="retention",
            households=result.households,
            people=result.people,
        )
    return result


def _retention_batch(ids: list[int], cutoff: datetime, now: datetime) -> ErasureResult:
    with transaction.atomic():
        # Re-checked inside the transaction: activity since the listing keeps a household.
        households = list(
            Household.objects.select_for_update().filter(
                pk__in=ids, anonymised_at__isnull=True, last_activity_at__lt=cutoff
            )
        )
        members = list(Person.objects.filter(household__in=households, anonymised_at__isnull=True))
        # One pass for the whole batch: staged rows are read once, not once per household.
        result = people_anonymise(members, now=now, households=households)
        people = Counter(p.household_id for p in members)
        for hh in households:
            log(None, actions.DELETE, hh, anonymised=True, reason="retention", people=people[hh.pk])
    return result
