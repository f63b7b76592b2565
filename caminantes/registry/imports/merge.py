"""Approval, cancellation and the merge of an approved batch into the registry.

The merge writes every valid household in ONE transaction through the registry's one
registration path, `services.households_register`, a chunk of households at a time: the
person's input is rebuilt and checked again exactly as during validation
(`check_household`), and numbers are the ciphertexts and keyed hashes computed at staging.
The batch carries the audit events.
"""

from __future__ import annotations

from datetime import date
from itertools import groupby
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.models import User
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.audit.models import Outcome
from caminantes.geo.models import AdminArea, Country
from caminantes.lib.bulk import gc_paused
from caminantes.registry import events, hooks, services
from caminantes.registry.imports.rows import check_household, registry_duplicates
from caminantes.registry.imports.staging import (
    HOUSEHOLD_CHUNK,
    IMPORTS_DIR,
    actor_context,
    file_delete,
    require_perm,
    visible_people,
)
from caminantes.registry.inputs import HouseholdInput, PersonInput, PhoneInput
from caminantes.registry.models import ImportBatch, ImportRow, Person


def batch_approve(
    *, user: User | None, batch: ImportBatch, include_duplicates: bool = False
) -> ImportBatch:
    """An officer allowed to approve imports there accepts the batch; the merge follows.

    Households with a possible duplicate in the registry are left out unless
    `include_duplicates`: they are better registered by hand after a look at the match.
    """
    require_perm(user, Perm.APPROVE_IMPORTS, batch.organization_id, batch.country_id)
    with transaction.atomic():
        claimed = ImportBatch.objects.filter(
            pk=batch.pk, status=ImportBatch.Status.VALIDATED
        ).update(
            status=ImportBatch.Status.APPROVED,
            approved_by=user,
            heartbeat_at=timezone.now(),
            summary=batch.summary
            | {
                "include_duplicates": include_duplicates,
                "merge_rows": batch.summary.get("valid_rows", 0)
                - (0 if include_duplicates else batch.summary.get("duplicate_household_rows", 0)),
            },
        )
        if not claimed:
            raise ValidationError(_("Only a batch that is ready for review can be approved."))
        batch.refresh_from_db()
        log(
            user,
            actions.IMPORT,
            batch,
            organization=batch.organization,
            step="approve",
            households=batch.summary.get("valid_households", 0),
            include_duplicates=include_duplicates,
            **actor_context(user),
        )
    return batch


def batch_cancel(*, user: User | None, batch: ImportBatch) -> ImportBatch:
    """Drop a batch that is not merged: its file is deleted and its rows emptied."""
    if user is not None and not (
        policies.has_perm(
            user,
            Perm.IMPORT_DATA,
            organization_id=batch.organization_id,
            country_id=batch.country_id,
        )
        or policies.has_perm(
            user,
            Perm.APPROVE_IMPORTS,
            organization_id=batch.organization_id,
            country_id=batch.country_id,
        )
    ):
        log(user, actions.ACCESS_DENIED, batch, Outcome.DENIED, permission=Perm.IMPORT_DATA.value)
        raise PermissionDenied(_("Your roles do not allow this here."))
    cancellable = (
        ImportBatch.Status.UPLOADED,
        ImportBatch.Status.VALIDATING,
        ImportBatch.Status.VALIDATED,
        ImportBatch.Status.REJECTED,
        ImportBatch.Status.FAILED,
    )
    with transaction.atomic():
        claimed = ImportBatch.objects.filter(pk=batch.pk, status__in=cancellable).update(
            status=ImportBatch.Status.CANCELLED
        )
        if not claimed:
            raise ValidationError(_("This batch can no longer be cancelled."))
        ImportRow.objects.filter(batch=batch).update(data={})
        log(
            user,
            actions.IMPORT,
            batch,
            organization=batch.organization,
            step="cancel",
            **actor_context(user),
        )
    file_delete(batch)
    batch.refresh_from_db()
    return batch


def progress_file(batch: ImportBatch) -> Path:
    """The small file a merge writes its progress to; recovery tells a live worker by it."""
    return Path(settings.MEDIA_ROOT) / IMPORTS_DIR / f"{batch.uuid}.progress"


def merge_progress(batch: ImportBatch) -> int:
    """People merged so far. The merge is one transaction, invisible to other connections
    until it commits, so it reports progress through a small file beside the upload."""
    if batch.status != ImportBatch.Status.MERGING:
        return batch.processed_rows
    try:
        return int(progress_file(batch).read_text() or 0)
    except (OSError, ValueError):
        return 0


def household_flags(batch: ImportBatch, every: set[str] | None = None) -> tuple[set[str], set[str]]:
    """Households with a row in error, and households with a possible registry duplicate."""
    bad: set[str] = set()
    doubtful: set[str] = set()
    for key, errors, found in (
        ImportRow.objects.filter(batch=batch)
        .values_list("household_key", "errors", "duplicate_of")
        .iterator(chunk_size=5000)
    ):
        if every is not None:
            every.add(key)
        if errors or not key:
            bad.add(key)
        elif any(d.get("kind") == "registry" for d in found):
            doubtful.add(key)
    return bad, doubtful


def _mergeable_keys(batch: ImportBatch, include_duplicates: bool) -> tuple[list[str], int, int]:
    every: set[str] = set()
    bad, doubtful = household_flags(batch, every)
    skipped_duplicates = 0 if include_duplicates else len(doubtful - bad)
    keep = every - bad - (set() if include_duplicates else doubtful)
    return sorted(keep), len(bad - {""}), skipped_duplicates


def late_duplicates(batch: ImportBatch, keys: list[str], progress: Path | None = None) -> set[str]:
    """Households that got a possible duplicate in the registry after the batch was checked
    (another batch or a registration by hand in the meantime): they are left out and their
    rows say with whom, whatever the approval said about the duplicates seen then.

    `progress` (the merge's progress file) is touched after each chunk: the merge is alive."""
    since = batch.summary.get("checked_at")
    if not keys or not since:
        return set()
    visible = visible_people(batch).filter(created_at__gte=since)
    if not visible.exists():
        return set()
    today = timezone.localdate()
    language = translation.get_language() or "es"
    late: set[str] = set()
    for start in range(0, len(keys), HOUSEHOLD_CHUNK):
        rows = list(
            ImportRow.objects.filter(
                batch=batch, household_key__in=keys[start : start + HOUSEHOLD_CHUNK]
            ).order_by("household_key", "row_number")
        )
        to_search = []
        for key, group in groupby(rows, key=lambda r: r.household_key):
            members = list(group)
            check = check_household(key, members, language=language, today=today)
            to_search += list(zip(members, check.people, strict=True))
        by_number = {r.row_number: r for r, _p in to_search}
        changed = []
        for number, found in registry_duplicates(to_search, visible).items():
            row = by_number[number]
            row.duplicate_of = row.duplicate_of + found
            changed.append(row)
            late.add(row.household_key)
        ImportRow.objects.bulk_update(changed, ["duplicate_of"])
        if progress is not None:
            progress.touch()
    return late


def batch_merge(batch: ImportBatch, *, user: User | None, language: str = "es") -> ImportBatch:
    """Write every valid household of an approved batch, all in one transaction.

    A failure rolls everything back and marks the batch failed with the reason. A worker
    that dies midway leaves the batch `merging` with nothing written (the transaction is
    rolled back with its connection): imports.recovery sees the progress file stop, puts
    the batch back to `approved` and queues it again. A merged batch is never claimed again.
    """
    claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.APPROVED).update(
        status=ImportBatch.Status.MERGING, processed_rows=0, heartbeat_at=timezone.now()
    )
    batch.refresh_from_db()
    if not claimed:
        return batch
    include = bool(batch.summary.get("include_duplicates"))
    progress = progress_file(batch)
    with translation.override(language):
        try:
            with transaction.atomic(), gc_paused():
                # Held to the end: on PostgreSQL the recovery skips a batch whose merge is
                # alive, however long it has been quiet (on SQLite the merge holds the
                # whole database).
                ImportBatch.objects.select_for_update().filter(pk=batch.pk).first()
                # Its time is the heartbeat of a merge, whose writes nobody sees until it ends.
                progress.write_text("0")
                # One merge at a time per country, so two batches approved together cannot
                # both add the same person: the second sees the first's people below.
                Country.objects.select_for_update().filter(pk=batch.country_id).first()
                keys, skipped_errors, skipped_duplicates = _mergeable_keys(batch, include)
                late = late_duplicates(batch, keys, progress)
                keys = [k for k in keys if k not in late]
                people = _merge(batch, keys, progress)
                summary = batch.summary | {
                    "merged_households": len(keys),
                    "merged_people": people,
                    "skipped_error_households": skipped_errors,
                    "skipped_duplicate_households": skipped_duplicates + len(late),
                    "late_duplicate_households": len(late),
                }
                ImportBatch.objects.filter(pk=batch.pk).update(
                    status=ImportBatch.Status.MERGED,
                    merged_at=timezone.now(),
                    processed_rows=people,
                    summary=summary,
                )
                log(
                    user,
                    actions.IMPORT,
                    batch,
                    organization=batch.organization,
                    step="merge",
                    households=len(keys),
                    people=people,
                    skipped_error_households=skipped_errors,
                    skipped_duplicate_households=skipped_duplicates,
                    **actor_context(user),
                )
                events.announce(
                    Person.objects.filter(household__import_batch=batch).values_list(
                        "pk", flat=True
                    ),
                    user,
                )
        except Exception as exc:
            message = _("The merge failed and nothing was written to the registry: %(e)s") % {
                "e": f"{type(exc).__name__}: {exc}"[:300]
            }
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=ImportBatch.Status.FAILED, file_errors=[message], processed_rows=0
            )
            log(
                user,
                actions.IMPORT,
                batch,
                organization=batch.organization,
                step="merge_failed",
                error=type(exc).__name__,
                **actor_context(user),
            )
        else:
            file_delete(batch)
        finally:
            progress.unlink(missing_ok=True)
    batch.refresh_from_db()
    if batch.status == ImportBatch.Status.MERGED:
        hooks.import_merged(batch=batch)
    return batch


def _merge(batch: ImportBatch, keys: list[str], progress: Path) -> int:
    """The households of `keys` through `services.households_register`, a chunk at a time:
    checked again exactly as during validation, with the numbers encrypted at staging."""
    today = timezone.localdate()
    language = translation.get_language() or "es"
    area_codes = {
        pk: iso_code or pcode
        for pk, iso_code, pcode in AdminArea.objects.filter(country_id=batch.country_id)
        .values_list("pk", "iso_code", "pcode")
        .iterator()
    }
    organization, country = batch.organization, batch.country
    merged = 0
    for start in range(0, len(keys), HOUSEHOLD_CHUNK):
        chunk_keys = keys[start : start + HOUSEHOLD_CHUNK]
        rows = list(
            ImportRow.objects.filter(batch=batch, household_key__in=chunk_keys).order_by(
                "household_key", "row_number"
            )
        )
        plan: list[services.NewHousehold] = []
        for key, group in groupby(rows, key=lambda r: r.household_key):
            household_rows = list(group)
            check = check_household(key, household_rows, language=language, today=today)
            if any(check.errors.values()) or any(r.errors for r in household_rows):
                raise ValueError(f"household {key} no longer passes validation")
            f = check.fields
            household = HouseholdInput(
                population_type=f["population_type"],
                admin_area=area_codes[f["admin1"]] if f["admin1"] else None,
                address=f["address"] or "",
                arrival_date=date.fromisoformat(f["arrival_date"]) if f["arrival_date"] else None,
            )
            members = [_sealed(row, p) for row, p in zip(household_rows, check.people, strict=True)]
            plan.append(services.NewHousehold(household, members))
        services.households_register(
            user=batch.created_by,
            organization=organization,
            country=country,
            households=plan,
            confirmed_new=True,  # late_duplicates looked, in bulk
            import_batch=batch,
            announce=False,  # batch_merge announces the whole batch once
        )
        # Staged copies of merged people are no longer needed (and erasure must not miss them).
        ImportRow.objects.filter(pk__in=[r.pk for r in rows]).update(data={})
        merged += sum(len(h.members) for h in plan)
        progress.write_text(str(merged))
    return merged


NUMBER_FIELDS = ("number_encrypted", "number_hash", "number_last4")


def _sealed(row: ImportRow, p: PersonInput) -> PersonInput:
    """The person with the numbers as staged: encrypted once, when the file was read."""
    doc = row.data.get("document")
    if doc and p.documents:
        p.documents[0].sealed = {k: doc[k] for k in NUMBER_FIELDS}
    p.phones = [
        PhoneInput(
            number="",
            whatsapp=phone.get("whatsapp", True),
            sealed={k: phone[k] for k in NUMBER_FIELDS},
        )
        for phone in (row.data.get("phone"), row.data.get("whatsapp_phone"))
        if phone
    ]
    return p
