"""Deduplicate one country's registry: the engine clusters, reviewers decide.

`run(country, stdout, threshold=None)` is what `caminantes dedupe --registry --country XX`
and the managers' "run now" button (a huey task) both call. It reads the country's people
(not merged, not anonymised), turns them into engine Records, asks the engine for clusters,
then, per suspected cluster of two or more, drops the pairs a reviewer already said are
different people, splits what remains by organisation (a reviewer sees only records they
may see; the links across organisations are counted on the run, not shown), and opens one
ticket per group that no open ticket covers.
Only a group whose every pair scores at or above the country's auto-merge threshold merges
by itself; nothing merges when the country has none.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from caminantes.audit.log import log
from caminantes.geo.models import Country
from caminantes.identity import actions, matching, selectors
from caminantes.identity.models import DedupeRun, ReviewTicket, TicketRecord
from caminantes.identity.services import review
from caminantes.registry.models import Person


def registry_people(country: Country) -> Any:
    return Person.objects.filter(
        household__country=country, merged_into__isnull=True, anonymised_at__isnull=True
    )


def _components(ids: list[int], edges: list[tuple[int, int]]) -> list[list[int]]:
    parent = {i: i for i in ids}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        parent[find(a)] = find(b)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in ids:
        groups[find(i)].append(i)
    return [sorted(g) for g in groups.values() if len(g) >= 2]


def _per_organisation(
    run: DedupeRun, groups: list[list[int]], people: dict[int, Person]
) -> list[list[int]]:
    """A ticket is seen only by who may see all its records: a group held by several
    organisations becomes one group per organisation (two records or more), and the run
    counts it as a cross-organisation cluster."""
    out: list[list[int]] = []
    for group in groups:
        by_org: dict[int, list[int]] = defaultdict(list)
        for pk in group:
            by_org[people[pk].household.organization_id].append(pk)
        if len(by_org) > 1:
            run.cross_organisation += 1
        out += [sorted(ids) for ids in by_org.values() if len(ids) >= 2]
    return out


def run(
    country: str, stdout: IO[str], threshold: float | None = None, *, run: DedupeRun | None = None
) -> DedupeRun:
    found = Country.objects.filter(iso2=country.upper()).first()
    if found is None:
        raise ValueError(f"Unknown country: {country}")
    settings = selectors.thresholds_for(found)
    review_at = settings.review_threshold if threshold is None else threshold
    auto_at = settings.auto_merge_threshold
    if run is None:
        run = DedupeRun.objects.create(country=found)
    run.status = DedupeRun.Status.RUNNING
    run.engine = matching.engine_name()
    run.save(update_fields=["status", "engine"])
    try:
        _run(run, found, review_at, auto_at)
    except Exception as exc:
        run.status = DedupeRun.Status.FAILED
        run.error = type(exc).__name__[:300]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        raise
    stdout.write(
        f"{found.iso2}: {run.records} records, {run.clusters} suspected clusters, "
        f"{run.tickets_opened} tickets opened, {run.auto_merged} merged automatically, "
        f"{run.already_decided} already in a ticket or decided, "
        f"{run.cross_organisation} across organisations "
        f"({run.engine}, review from {review_at:.2f}, "
        f"auto-merge {'never' if auto_at is None else f'from {auto_at:.2f}'})\n"
    )
    return run


def _run(run: DedupeRun, country: Country, review_at: float, auto_at: float | None) -> None:
    records = matching.to_records(registry_people(country))
    run.records = len(records)
    clusters: dict[str, list[int]] = defaultdict(list)
    for record_id, cluster_id in matching.dedupe(list(records.values())).items():
        clusters[str(cluster_id)].append(int(record_id))
    suspected = [sorted(ids) for ids in clusters.values() if len(ids) >= 2]
    run.clusters = len(suspected)
    covered = set(
        TicketRecord.objects.filter(
            ticket__country=country,
            ticket__status__in=[ReviewTicket.Status.OPEN, ReviewTicket.Status.LATER],
        ).values_list("person_id", flat=True)
    )
    for ids in suspected:
        decided = review.decided_pairs(ids)
        pairs = {(a, b): matching.compare(records[a], records[b]) for a, b in combinations(ids, 2)}
        edges = [
            pair for pair, c in pairs.items() if pair not in decided and c.probability >= review_at
        ]
        groups = _components(ids, edges)
        if not groups:
            run.already_decided += 1
            continue
        people = Person.objects.select_related("household").in_bulk(ids)
        for group in _per_organisation(run, groups, people):
            if set(group) <= covered:
                run.already_decided += 1
                continue
            group_pairs = {p: c for p, c in pairs.items() if p[0] in group and p[1] in group}
            with transaction.atomic():
                ticket = review.ticket_open(
                    country=country,
                    run=run,
                    people=[people[i] for i in group],
                    pairs=group_pairs,
                )
                covered |= set(group)
                run.tickets_opened += 1
                # Every pair of the group must clear the bar, not just the chain linking it.
                if auto_at is not None and all(
                    c.probability >= auto_at for c in group_pairs.values()
                ):
                    review.ticket_merge(user=None, ticket=ticket, survivor=people[group[0]])
                    run.auto_merged += len(group) - 1
    run.status = DedupeRun.Status.DONE
    run.finished_at = timezone.now()
    run.save()
    log(
        run.started_by,
        actions.DEDUPE_RUN,
        run,
        country=country.iso2,
        records=run.records,
        tickets=run.tickets_opened,
        cross_organisation=run.cross_organisation,
        auto_merged=run.auto_merged,
    )
