"""Review of suspected duplicates: thresholds, tickets, decisions, merges and their undo.

A merge sets `Person.merged_into` on the merged record and nothing else: every record keeps
its history and services, and undoing restores `merged_into` from the merge's snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import combinations
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from caminantes.accounts import policies
from caminantes.accounts.models import User
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions as audit_actions
from caminantes.audit.log import log
from caminantes.audit.models import Outcome
from caminantes.geo.models import Country
from caminantes.identity import actions, selectors
from caminantes.identity.models import (
    DedupeRun,
    MergeRecord,
    PairDecision,
    ReviewTicket,
    Thresholds,
    TicketRecord,
)
from caminantes.lib.undo import UNDO_MINUTES, undo_open
from caminantes.registry import timeline
from caminantes.registry.models import Person

MERGED_SUMMARY = gettext_noop(
    "Two records of the same person were merged (households %(kept)s and %(merged)s)."
)
UNDONE_SUMMARY = gettext_noop(
    "A merge of two records was undone (households %(kept)s and %(merged)s)."
)


def _deny(user: Any, perm: Perm, obj: Any) -> PermissionDenied:
    log(user, audit_actions.ACCESS_DENIED, obj, Outcome.DENIED, permission=perm.value)
    return PermissionDenied(_("Your roles do not allow this here."))


def _check_ticket(user: User, ticket: ReviewTicket) -> None:
    if not selectors.tickets_for_user(user=user).filter(pk=ticket.pk).exists():
        raise _deny(user, Perm.REVIEW_DUPLICATES, ticket)


def pair_key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def decided_pairs(person_ids: Iterable[int]) -> set[tuple[int, int]]:
    """The 'not the same person' pairs among these people."""
    ids = list(person_ids)
    rows = PairDecision.objects.filter(person_a__in=ids, person_b__in=ids)
    return {(a, b) for a, b in rows.values_list("person_a_id", "person_b_id")}


# --- thresholds -------------------------------------------------------------------------


def thresholds_set(
    *,
    user: User,
    country: Country,
    review_threshold: float,
    auto_merge_threshold: float | None,
) -> Thresholds:
    if not policies.has_perm(user, Perm.MANAGE_THRESHOLDS, country_id=country.pk):
        raise _deny(user, Perm.MANAGE_THRESHOLDS, Thresholds)
    if not 0 <= review_threshold <= 1:
        raise ValidationError({"review_threshold": [_("Give a score between 0 and 1.")]})
    if auto_merge_threshold is not None and not review_threshold <= auto_merge_threshold <= 1:
        raise ValidationError(
            {
                "auto_merge_threshold": [
                    _("The automatic merge score must be between the review score and 1.")
                ]
            }
        )
    with transaction.atomic():
        thresholds, created = Thresholds.objects.update_or_create(
            country=country,
            defaults={
                "review_threshold": review_threshold,
                "auto_merge_threshold": auto_merge_threshold,
                "updated_by": user,
            },
        )
        log(
            user,
            audit_actions.CREATE if created else audit_actions.UPDATE,
            thresholds,
            country=country.iso2,
            review=str(review_threshold),
            auto_merge=str(auto_merge_threshold),
        )
    return thresholds


def dedupe_run_start(*, user: User, country: Country) -> DedupeRun:
    """Queue a run over the country's registry (a manager's button)."""
    if not policies.has_perm(user, Perm.MANAGE_THRESHOLDS, country_id=country.pk):
        raise _deny(user, Perm.MANAGE_THRESHOLDS, DedupeRun)
    run = DedupeRun.objects.create(country=country, started_by=user)
    log(user, actions.DEDUPE_RUN, run, country=country.iso2, queued=True)
    from caminantes.identity import tasks

    transaction.on_commit(lambda: tasks.dedupe_run_task(run.pk))
    return run


# --- tickets ------------------------------------------------------------------------------


def ticket_open(
    *,
    country: Country,
    run: DedupeRun | None,
    people: Sequence[Person],
    pairs: dict[tuple[int, int], Any],
) -> ReviewTicket:
    """Open a ticket for a suspected cluster; `pairs` holds each pair's Comparison."""
    probabilities = [c.probability for c in pairs.values()] or [0.0]
    ticket = ReviewTicket.objects.create(
        country=country, run=run, score=round(sum(probabilities) / len(probabilities), 4)
    )
    for person in people:
        evidence = {}
        for (a, b), c in pairs.items():
            if person.pk in (a, b):
                other = b if a == person.pk else a
                evidence[str(other)] = {
                    "probability": c.probability,
                    "match_weight": c.match_weight,
                    "fields": dict(c.evidence),
                }
        TicketRecord.objects.create(ticket=ticket, person=person, evidence=evidence)
    log(None, audit_actions.CREATE, ticket, records=len(people), run=run.uuid if run else None)
    return ticket


def _merge(
    *, user: User | None, ticket: ReviewTicket | None, survivor: Person, merged: Person
) -> MergeRecord:
    record = MergeRecord.objects.create(
        ticket=ticket,
        survivor=survivor,
        merged=merged,
        automatic=user is None,
        merged_by=user,
        snapshot={
            "merged_into": merged.merged_into_id,
            "ticket_status": ticket.status if ticket else None,
        },
    )
    merged.merged_into = survivor
    merged.save(update_fields=["merged_into", "updated_at"])
    params = {"kept": survivor.household.code, "merged": merged.household.code}
    for household in {survivor.household, merged.household}:
        timeline.record(
            household, "identity_merge", record, None, MERGED_SUMMARY, params=params, actor=user
        )
    log(user, actions.MERGE, merged, survivor=survivor.uuid, automatic=user is None)
    return record


def ticket_merge(*, user: User | None, ticket: ReviewTicket, survivor: Person) -> list[MergeRecord]:
    """Every other record of the ticket becomes merged into `survivor`. `user` None is an
    automatic merge by a run (only above the country's auto-merge threshold)."""
    if user is not None:
        _check_ticket(user, ticket)
    records = list(ticket.records.select_related("person", "person__household"))
    ids = {r.person_id for r in records}
    if survivor.pk not in ids:
        raise ValidationError(_("Choose one of the records of this ticket to keep."))
    if ticket.status not in (ReviewTicket.Status.OPEN, ReviewTicket.Status.LATER):
        raise ValidationError(_("This ticket has already been decided."))
    if survivor.merged_into_id is not None:
        raise ValidationError(_("That record was itself merged into another one."))
    with transaction.atomic():
        done = [
            _merge(user=user, ticket=ticket, survivor=survivor, merged=r.person)
            for r in records
            if r.person_id != survivor.pk and r.person.merged_into_id is None
        ]
        ticket.status = ReviewTicket.Status.MERGED
        ticket.decided_by = user
        ticket.decided_at = timezone.now()
        ticket.save(update_fields=["status", "decided_by", "decided_at"])
    return done


def ticket_not_same(*, user: User, ticket: ReviewTicket) -> ReviewTicket:
    """Not the same person: every pair in the ticket is remembered and never asked again.
    `ticket_not_same_undo` takes it back for a few minutes."""
    _check_ticket(user, ticket)
    if ticket.status not in (ReviewTicket.Status.OPEN, ReviewTicket.Status.LATER):
        raise ValidationError(_("This ticket has already been decided."))
    ids = sorted(ticket.records.values_list("person_id", flat=True))
    with transaction.atomic():
        for a, b in combinations(ids, 2):
            PairDecision.objects.get_or_create(
                person_a_id=a, person_b_id=b, defaults={"ticket": ticket, "decided_by": user}
            )
        ticket.status_before = ticket.status
        ticket.status = ReviewTicket.Status.NOT_SAME
        ticket.decided_by = user
        ticket.decided_at = timezone.now()
        ticket.save(update_fields=["status", "status_before", "decided_by", "decided_at"])
        log(user, actions.NOT_SAME, ticket, records=len(ids))
    return ticket


def ticket_not_same_undo(*, user: User, ticket: ReviewTicket) -> ReviewTicket:
    """Within `lib.undo`'s window, take back "not the same person": the pairs this ticket
    remembered are forgotten (pairs decided through earlier tickets stay) and the ticket is
    back where it was (open or later), waiting for a decision."""
    _check_ticket(user, ticket)
    with transaction.atomic():
        ticket = ReviewTicket.objects.select_for_update().get(pk=ticket.pk)
        if ticket.status != ReviewTicket.Status.NOT_SAME:
            raise ValidationError(_("This ticket is not marked as different people."))
        if not undo_open(ticket.decided_at):
            raise ValidationError(
                _(
                    "More than %(minutes)d minutes have passed: this decision can no longer "
                    "be undone."
                )
                % {"minutes": UNDO_MINUTES}
            )
        forgotten, _kinds = PairDecision.objects.filter(ticket=ticket).delete()
        ticket.status = ticket.status_before or ReviewTicket.Status.OPEN
        ticket.status_before = ""
        ticket.decided_by = None
        ticket.decided_at = None
        ticket.save(update_fields=["status", "status_before", "decided_by", "decided_at"])
        log(user, actions.NOT_SAME_UNDONE, ticket, pairs=forgotten, status=ticket.status)
    return ticket


def ticket_later(*, user: User, ticket: ReviewTicket) -> ReviewTicket:
    _check_ticket(user, ticket)
    if ticket.status != ReviewTicket.Status.OPEN:
        raise ValidationError(_("This ticket has already been decided."))
    ticket.status = ReviewTicket.Status.LATER
    ticket.save(update_fields=["status"])
    log(user, audit_actions.UPDATE, ticket, status=ticket.status)
    return ticket


def merge_undo(*, user: User, merge: MergeRecord) -> MergeRecord:
    """Put the merged record back as it was; the ticket opens again for a new decision."""
    if not selectors.merges_for_user(user=user).filter(pk=merge.pk).exists() or not (
        policies.has_perm(user, Perm.REVIEW_DUPLICATES)
    ):
        raise _deny(user, Perm.REVIEW_DUPLICATES, merge)
    if merge.undone_at is not None:
        raise ValidationError(_("This merge was already undone."))
    with transaction.atomic():
        merged = Person.objects.select_for_update().get(pk=merge.merged_id)
        if merged.merged_into_id != merge.survivor_id:
            raise ValidationError(_("This record has changed since; the merge cannot be undone."))
        merged.merged_into_id = merge.snapshot.get("merged_into")
        merged.save(update_fields=["merged_into", "updated_at"])
        merge.undone_at = timezone.now()
        merge.undone_by = user
        merge.save(update_fields=["undone_at", "undone_by"])
        ticket = merge.ticket
        if ticket is not None and not ticket.merges.filter(undone_at__isnull=True).exists():
            ticket.status = merge.snapshot.get("ticket_status") or ReviewTicket.Status.OPEN
            ticket.decided_by = None
            ticket.decided_at = None
            ticket.save(update_fields=["status", "decided_by", "decided_at"])
        survivor = merge.survivor
        params = {"kept": survivor.household.code, "merged": merged.household.code}
        for household in {survivor.household, merged.household}:
            timeline.record(
                household, "identity_merge", merge, None, UNDONE_SUMMARY, params=params, actor=user
            )
        log(user, actions.MERGE_UNDONE, merged, survivor=survivor.uuid)
    return merge
