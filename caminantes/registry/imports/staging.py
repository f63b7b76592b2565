"""Upload and validation: the file becomes staged rows; the registry is only read.

Pass 1 (`_stage`) streams the file in file order: each row is read by `rows.stage_row`, its
numbers encrypted as the registry stores them, and the same person twice inside the file is
caught. Pass 2 (`_check_households`) goes household by household: `rows.check_household`
(the household rules and `services.validate_person`), then possible duplicates in the
registry (`rows.registry_duplicates`). Errors are written in the uploader's language.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from itertools import groupby
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.models import Organization, User
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.audit.models import Outcome
from caminantes.geo.models import Country
from caminantes.lib.bulk import BulkWriter, gc_paused
from caminantes.registry import selectors
from caminantes.registry.imports.columns import Lookups, cell_text
from caminantes.registry.imports.headers import Header, read_header
from caminantes.registry.imports.reading import FileProblem, magic_bytes, read_table
from caminantes.registry.imports.rows import (
    check_household,
    error,
    registry_duplicates,
    same_person_twice,
    stage_row,
)
from caminantes.registry.inputs import PersonInput
from caminantes.registry.models import ImportBatch, ImportRow, Person

MAX_UPLOAD_BYTES = 100 * 1024 * 1024
MAX_ROWS = 200_000
ROW_CHUNK = 1000
HOUSEHOLD_CHUNK = 500
IMPORTS_DIR = "imports"
# A batch with this content is still live: the same file again is refused.
LIVE = (
    ImportBatch.Status.UPLOADED,
    ImportBatch.Status.VALIDATING,
    ImportBatch.Status.VALIDATED,
    ImportBatch.Status.APPROVED,
    ImportBatch.Status.MERGING,
    ImportBatch.Status.MERGED,
)


class SameFile(ValidationError):
    """The same content is already imported or waiting: `earlier` is that batch."""

    def __init__(self, message: str, earlier: ImportBatch) -> None:
        super().__init__(message, code="same_file")
        self.earlier = earlier


def file_path(batch: ImportBatch) -> Path:
    return Path(settings.MEDIA_ROOT) / batch.file_path


def file_delete(batch: ImportBatch) -> None:
    """Delete the batch's uploaded file, if it has one (a batch staged from a submission or
    whose file is already gone has none: never the media folder itself)."""
    if batch.file_path:
        file_path(batch).unlink(missing_ok=True)


def require_perm(user: User | None, perm: Perm, organization_id: int, country_id: int) -> None:
    """The system (command line, user None) may; a person needs the permission there."""
    if user is None:
        return
    if not policies.has_perm(user, perm, organization_id=organization_id, country_id=country_id):
        log(user, actions.ACCESS_DENIED, ImportBatch, Outcome.DENIED, permission=perm.value)
        raise PermissionDenied(_("Your roles do not allow this here."))


def actor_context(user: User | None) -> dict[str, Any]:
    return {} if user is not None else {"actor_email": "system:import-households"}


def batch_create(
    *,
    user: User | None,
    organization: Organization,
    country: Country,
    file_name: str,
    chunks: Iterable[bytes],
) -> ImportBatch:
    """Store the upload under MEDIA_ROOT/imports/ and stage a batch; nothing is read yet.

    Refuses an empty or oversized file, and a file whose content is already imported or
    waiting in another batch of the organisation (naming that batch).
    """
    require_perm(user, Perm.IMPORT_DATA, organization.pk, country.pk)
    folder = Path(settings.MEDIA_ROOT) / IMPORTS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=folder, suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > MAX_UPLOAD_BYTES:
                    raise ValidationError(
                        _("The file is larger than %(mb)d MB: split it in parts.")
                        % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
                    )
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise ValidationError(_("The file is empty."))
        sha = digest.hexdigest()
        earlier = (
            ImportBatch.objects.filter(organization=organization, file_sha256=sha, status__in=LIVE)
            .order_by("created_at")
            .first()
        )
        if earlier is not None:
            raise SameFile(
                _(
                    "This file was already uploaded on %(date)s as “%(name)s” (batch %(code)s, "
                    "%(status)s). The same file is not imported twice."
                )
                % {
                    "date": date_format(
                        timezone.localtime(earlier.created_at), "SHORT_DATETIME_FORMAT"
                    ),
                    "name": earlier.file_name,
                    "code": str(earlier.uuid)[:8],
                    "status": earlier.get_status_display(),
                },
                earlier,
            )
        suffix = ".xlsx" if magic_bytes(tmp).startswith(b"PK\x03\x04") else ".csv"
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                organization=organization,
                country=country,
                file_name=Path(file_name).name[:255] or "import" + suffix,
                file_sha256=sha,
                created_by=user,
            )
            batch.file_path = f"{IMPORTS_DIR}/{batch.uuid}{suffix}"
            batch.save(update_fields=["file_path"])
            tmp.rename(file_path(batch))
            log(
                user,
                actions.IMPORT,
                batch,
                organization=organization,
                step="upload",
                bytes=size,
                **actor_context(user),
            )
    finally:
        tmp.unlink(missing_ok=True)
    return batch


def visible_people(batch: ImportBatch) -> QuerySet[Person]:
    """The people the uploading user may see; the system sees its organisation's there."""
    if batch.created_by is not None:
        return selectors.people_for_user(user=batch.created_by)
    return Person.objects.filter(
        household__organization_id=batch.organization_id,
        household__country_id=batch.country_id,
        anonymised_at__isnull=True,
    )


def _is_cancelled(batch: ImportBatch) -> bool:
    status = ImportBatch.objects.filter(pk=batch.pk).values_list("status", flat=True).first()
    return status == ImportBatch.Status.CANCELLED


def _finish(batch: ImportBatch, status: str, **fields: Any) -> None:
    """Write the outcome, unless someone cancelled the batch meanwhile."""
    ImportBatch.objects.filter(pk=batch.pk).exclude(status=ImportBatch.Status.CANCELLED).update(
        status=status, **fields
    )
    batch.refresh_from_db()


def _beat() -> dict[str, Any]:
    """Written with every progress count: a check whose heartbeat stops lost its worker."""
    return {"heartbeat_at": timezone.now()}


def batch_validate(batch: ImportBatch, *, language: str = "es") -> ImportBatch:
    """Stream the file into staged rows, check them, and end `validated` or `rejected`.

    Runs in the background (tasks.batch_validate_task) or inline (the command line). The
    registry is only read. Started again on a batch whose worker died while checking it
    (imports.recovery puts it back to `uploaded`), it stages the file from the start.
    """
    claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.UPLOADED).update(
        status=ImportBatch.Status.VALIDATING, processed_rows=0, total_rows=0, **_beat()
    )
    batch.refresh_from_db()
    if not claimed:
        return batch
    # Rows of an earlier check whose worker died midway (imports.recovery started it again).
    ImportRow.objects.filter(batch=batch).delete()
    with translation.override(language), gc_paused():
        try:
            summary = _stage(batch)
            if summary is not None:
                # People registered from this moment on are checked again at merge time.
                summary["checked_at"] = timezone.now().isoformat()
                summary |= _check_households(batch, language)
        except FileProblem as exc:
            ImportRow.objects.filter(batch=batch).delete()
            _finish(
                batch,
                ImportBatch.Status.REJECTED,
                file_errors=[str(m) for m in exc.args],
                total_rows=0,
            )
            log(
                batch.created_by,
                actions.IMPORT,
                batch,
                organization=batch.organization,
                step="validate",
                status=batch.status,
                **actor_context(batch.created_by),
            )
            return batch
        except Exception as exc:
            _finish(
                batch,
                ImportBatch.Status.FAILED,
                file_errors=[
                    _("The check stopped on an unexpected error: %(e)s")
                    % {"e": f"{type(exc).__name__}: {exc}"[:300]}
                ],
            )
            raise
        if summary is None or _is_cancelled(batch):
            # Cancelled meanwhile: rows staged after the cancellation are emptied too.
            ImportRow.objects.filter(batch=batch).update(data={})
            batch.refresh_from_db()
            return batch
        file_errors: list[str] = []
        if summary["valid_households"] == 0:
            file_errors.append(
                _("No household can be imported: each has rows with errors. See the report.")
            )
        _finish(
            batch,
            ImportBatch.Status.REJECTED if file_errors else ImportBatch.Status.VALIDATED,
            file_errors=file_errors,
            summary=summary,
            households=summary["households"],
            error_rows=summary["error_rows"],
            duplicate_rows=summary["duplicate_rows"],
            processed_rows=summary["rows"],
            total_rows=summary["rows"],
        )
    log(
        batch.created_by,
        actions.IMPORT,
        batch,
        organization=batch.organization,
        step="validate",
        status=batch.status,
        rows=batch.total_rows,
        households=batch.households,
        error_rows=batch.error_rows,
        duplicate_rows=batch.duplicate_rows,
        **actor_context(batch.created_by),
    )
    return batch


def _stage(batch: ImportBatch) -> dict[str, Any] | None:
    """Pass 1, in file order: parse each row, stage it, catch the same person twice."""
    rows = read_table(file_path(batch))
    header_row = next(rows, None)
    if header_row is None or not any(cell_text(h).strip() for h in header_row):
        raise FileProblem(_("The file is empty."))
    found = read_header([cell_text(h) for h in header_row])
    if found.problems:
        raise FileProblem(*found.problems)
    header = found.columns
    lk = Lookups(batch.country)
    today = timezone.localdate()
    seen_documents: dict[str, tuple[int, str]] = {}
    seen_people: dict[tuple[str, str], tuple[int, str]] = {}
    writer = BulkWriter()
    chunk: list[dict[str, Any]] = []
    count = 0
    for number, values in enumerate(rows, start=2):
        if not any(cell_text(v).strip() for v in values):
            continue
        count += 1
        if count > MAX_ROWS:
            raise FileProblem(
                _("The file has more than %(n)d rows: split it in parts.") % {"n": MAX_ROWS}
            )
        raw = {name: v for name, v in zip(header, values, strict=False) if name}
        staged = stage_row(raw, lk, today, header_names=found.names)
        key = staged.data.pop("household_id")
        if not key and not any(e["column"] == "household_id" for e in staged.errors):
            empty = _("The household code (%(c)s) is empty.")
            staged.errors.append(
                error("household_id", empty % {"c": found.name_of("household_id")})
            )
        dup = same_person_twice(staged, key, number, seen_documents, seen_people)
        name_columns(staged.errors, found)
        chunk.append(
            {
                "batch_id": batch.pk,
                "row_number": number,
                "household_key": key[:100],
                "data": staged.data,
                "errors": staged.errors,
                "duplicate_of": dup,
            }
        )
        if len(chunk) >= ROW_CHUNK:
            writer.write(ImportRow, chunk)
            chunk = []
            ImportBatch.objects.filter(pk=batch.pk).update(total_rows=count, **_beat())
            if _is_cancelled(batch):
                return None
    writer.write(ImportRow, chunk)
    if count == 0:
        raise FileProblem(_("The file has column names but no rows."))
    # Pass 2 names the columns as the file does too.
    batch.summary = {"headers": found.names}
    ImportBatch.objects.filter(pk=batch.pk).update(
        total_rows=count, summary=batch.summary, **_beat()
    )
    return {"rows": count, "columns_ignored": found.ignored[:50], "headers": found.names}


def name_columns(errors: list[dict[str, str]], header: Header) -> None:
    """Each error also names its column as the file does ('Fecha de nacimiento'): that is
    what the person who made the file will look for."""
    for e in errors:
        if e.get("column") and "header" not in e:
            e["header"] = header.name_of(e["column"])


def _household_keys(batch: ImportBatch) -> list[str]:
    return list(
        ImportRow.objects.filter(batch=batch)
        .order_by("household_key")
        .values_list("household_key", flat=True)
        .distinct()
    )


def _check_households(batch: ImportBatch, language: str) -> dict[str, Any]:
    """Pass 2, household by household: household rules, validate_person, the registry."""
    header = Header([], batch.summary.get("headers", {}))
    keys = _household_keys(batch)
    visible = visible_people(batch)
    today = timezone.localdate()
    totals = {
        "households": len([k for k in keys if k]),
        "valid_households": 0,
        "duplicate_households": 0,
        "error_rows": 0,
        "duplicate_rows": 0,
        "valid_rows": 0,  # people in households ready to import
        "duplicate_household_rows": 0,  # of which in households with a possible duplicate
    }
    processed = 0
    for start in range(0, len(keys), HOUSEHOLD_CHUNK):
        chunk_keys = keys[start : start + HOUSEHOLD_CHUNK]
        rows = list(
            ImportRow.objects.filter(batch=batch, household_key__in=chunk_keys).order_by(
                "household_key", "row_number"
            )
        )
        changed: dict[int, ImportRow] = {}
        households: list[list[ImportRow]] = []
        to_search: list[tuple[ImportRow, PersonInput]] = []
        for key, group in groupby(rows, key=lambda r: r.household_key):
            members = list(group)
            households.append(members)
            if not key:
                continue  # already an error on each row
            check = check_household(
                key, members, language=language, today=today, name_of=header.name_of
            )
            for r, p in zip(members, check.people, strict=True):
                if check.errors[r.row_number]:
                    name_columns(check.errors[r.row_number], header)
                    r.errors = r.errors + check.errors[r.row_number]
                    changed[r.pk] = r
                if not r.errors:
                    to_search.append((r, p))
        by_number = {r.row_number: r for r, _p in to_search}
        for number, found in registry_duplicates(to_search, visible).items():
            r = by_number[number]
            r.duplicate_of = r.duplicate_of + found
            changed[r.pk] = r
        if changed:
            ImportRow.objects.bulk_update(list(changed.values()), ["errors", "duplicate_of"])
        for members in households:
            if not members[0].household_key:
                totals["error_rows"] += len(members)
                continue
            totals["error_rows"] += sum(1 for r in members if r.errors)
            totals["duplicate_rows"] += sum(1 for r in members if r.duplicate_of)
            if not any(r.errors for r in members):
                totals["valid_households"] += 1
                totals["valid_rows"] += len(members)
                if any(r.duplicate_of for r in members):
                    totals["duplicate_households"] += 1
                    totals["duplicate_household_rows"] += len(members)
        processed += len(rows)
        ImportBatch.objects.filter(pk=batch.pk).update(processed_rows=processed, **_beat())
        if _is_cancelled(batch):
            break
    return totals
