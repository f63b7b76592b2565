"""Upload, validation (staging) and the all-or-nothing commit of a DTM import.

The request only stores the upload (`import_create`) and enqueues `tasks.import_stage_task`,
which reads and checks the rows in chunks (`import_stage`), counting them on the batch as it
goes. `import_commit` likewise enqueues `tasks.import_commit_task`, which writes every row
in one transaction (`import_write`). Under tests and with HUEY_IMMEDIATE the tasks run
inline, so both calls return the finished batch.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.models import User
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.dtm import rollup
from caminantes.dtm.choices import (
    Source,
    SurveyQuestion,
)
from caminantes.dtm.imports.columns import COLUMNS
from caminantes.dtm.imports.reading import FileProblem, map_header, read_table
from caminantes.dtm.intake import (
    Conflict,
    store_flow_count,
    store_survey,
    submit_baseline,
    submit_site_assessment,
    validate_flow_count,
    validate_survey,
)
from caminantes.dtm.intake import refusal as refusals
from caminantes.dtm.intake.common import PointCache
from caminantes.dtm.intake.flow import already_stored as flow_already_stored
from caminantes.dtm.intake.flow import stored_digests as flow_digests
from caminantes.dtm.intake.survey import already_stored as survey_already_stored
from caminantes.dtm.intake.survey import stored_digests as survey_digests
from caminantes.dtm.models import DtmImport, DtmImportRow, Operation
from caminantes.geo.models import Country

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
ROW_CHUNK = 1000  # rows checked, staged and counted together
IMPORTS_DIR = "dtm-imports"
K = DtmImport.Kind
S = DtmImport.Status

# A batch with this content is waiting, checked or imported for the same operation: the same
# file again is refused there (another operation of the organisation may take it).
LIVE = (S.QUEUED, S.READING, S.VALIDATED, S.COMMITTING, S.COMMITTED)
RUNNING = (S.QUEUED, S.READING, S.COMMITTING)
CANCELLABLE = (S.QUEUED, S.READING, S.VALIDATED, S.REJECTED, S.FAILED)


class SameFile(ValidationError):
    def __init__(self, message: str, earlier: DtmImport) -> None:
        super().__init__(message, code="same_file")
        self.earlier = earlier


def _folder() -> Path:
    return Path(settings.VAR_DIR) / IMPORTS_DIR


def upload_path(batch: DtmImport) -> Path:
    """Where the batch's uploaded file waits until it is imported, cancelled or failed."""
    return _folder() / batch.file_path


def progress_path(batch: DtmImport) -> Path:
    """The count of rows a running commit has written (outside its one transaction)."""
    return _folder() / f"{batch.uuid}.progress"


def _language() -> str:
    return get_language() or settings.LANGUAGE_CODE


def _actor(user: User | None) -> dict[str, Any]:
    return {} if user else {"actor_email": "system:dtm-import"}


def _json_safe(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _errors(exc: ValidationError) -> list[dict[str, str]]:
    if hasattr(exc, "error_dict"):
        return [
            {"column": name, "message": str(m)}
            for name, messages in exc.message_dict.items()
            for m in messages
        ]
    return [{"column": "", "message": str(m)} for m in exc.messages]


def _dry_run(fn: Callable[[], Any]) -> None:
    """Run a submit function and undo it: mobility rows are checked by the real thing."""

    class _Undo(Exception):
        pass

    try:
        with transaction.atomic():
            fn()
            raise _Undo
    except _Undo:
        pass


Checked = tuple[list[dict[str, str]], bool]  # (errors, known) of one row


def _check_rows(
    batch: DtmImport, rows: list[dict[str, Any]], user: User | None, points: PointCache
) -> list[Checked]:
    """(errors, known) of each row, by the intake's own rules.

    Flow counts and surveys: the points are looked up once per batch (`points`) and the
    submission ids already stored are read in one query per chunk."""
    op = batch.operation
    out: list[Checked] = [([], False) for _r in rows]
    if batch.kind in (K.FLOW_COUNTS, K.SURVEY):
        flow = batch.kind == K.FLOW_COUNTS
        valid: list[tuple[int, Any]] = []
        declined: list[tuple[int, Any]] = []
        for i, data in enumerate(rows):
            refused = not flow and refusals.is_refusal(data)
            validate: Callable[..., Any] = (
                validate_flow_count if flow else
                refusals.validate_refusal if refused else validate_survey
            )  # fmt: skip
            try:
                value = validate(data, user=user, operation=op, points=points)
                (declined if refused else valid).append((i, value))
            except ValidationError as exc:
                out[i] = (_errors(exc), False)
            except PermissionDenied as exc:
                out[i] = ([{"column": "", "message": str(exc)}], False)
        stored = (flow_digests if flow else survey_digests)(v.uuid for _i, v in valid)
        known: Callable[..., bool] = flow_already_stored if flow else survey_already_stored
        for i, value in valid:
            try:
                out[i] = ([], known(value, stored))
            except Conflict as exc:
                out[i] = ([{"column": "uuid", "message": str(exc.messages[0])}], False)
        stored = refusals.stored_digests(v.uuid for _i, v in declined)
        for i, value in declined:
            try:
                out[i] = ([], refusals.already_stored(value, stored))
            except Conflict as exc:
                out[i] = ([{"column": "uuid", "message": str(exc.messages[0])}], False)
        return out
    submit = submit_baseline if batch.kind == K.BASELINE else submit_site_assessment
    for i, data in enumerate(rows):
        try:
            _dry_run(partial(submit, data, operation=op, user=user, source=Source.IMPORT,
                             audit=False))  # fmt: skip
        except ValidationError as exc:
            out[i] = (_errors(exc), False)
        except PermissionDenied as exc:
            out[i] = ([{"column": "", "message": str(exc)}], False)
    return out


def import_create(
    *,
    user: User | None,
    operation: Operation,
    country: Country,
    kind: str,
    file_name: str,
    chunks: Iterable[bytes],
) -> DtmImport:
    """Store the upload and have it checked in the background; SameFile when imported.

    The batch is `queued` until the task reads it (at once under HUEY_IMMEDIATE and tests,
    which get the batch `validated` or `rejected`)."""
    if user is not None and not policies.has_perm(
        user, Perm.DTM_COLLECT, organization_id=operation.organization_id, country_id=country.pk
    ):
        log(user, actions.ACCESS_DENIED, DtmImport, "denied", permission=Perm.DTM_COLLECT.value)
        raise PermissionDenied(_("Your roles do not allow importing DTM data here."))
    folder = _folder()
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
                    raise ValidationError(_("The file is larger than %(mb)d MB: split it in parts.")
                                          % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)})  # fmt: skip
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise ValidationError(_("The file is empty."))
        sha = digest.hexdigest()
        earlier = (
            DtmImport.objects.filter(operation=operation, file_sha256=sha, status__in=LIVE)
            .order_by("created_at")
            .first()
        )
        if earlier is not None:
            raise SameFile(
                _("This file was already uploaded on %(date)s as “%(name)s” (%(status)s). "
                  "The same file is not imported twice.")
                % {"date": timezone.localtime(earlier.created_at).strftime("%Y-%m-%d %H:%M"),
                   "name": earlier.file_name, "status": earlier.get_status_display()},
                earlier,
            )  # fmt: skip
        batch = DtmImport.objects.create(
            organization_id=operation.organization_id, country=country, operation=operation,
            kind=kind, file_name=file_name[:255] or "import", file_sha256=sha,
            status=S.QUEUED, created_by=user,
        )  # fmt: skip
        batch.file_path = f"{batch.uuid}.upload"
        batch.save(update_fields=["file_path"])
        tmp.rename(upload_path(batch))
    finally:
        tmp.unlink(missing_ok=True)
    log(user, actions.IMPORT, batch, organization=operation.organization, step="upload",
        kind=kind, bytes=size, **_actor(user))  # fmt: skip
    from caminantes.dtm import tasks

    tasks.import_stage_task(batch.pk, _language())
    batch.refresh_from_db()
    return batch


def _is_cancelled(batch: DtmImport) -> bool:
    return DtmImport.objects.filter(pk=batch.pk, status=S.CANCELLED).exists()


def _finish(batch: DtmImport, status: str, **fields: Any) -> None:
    """Write the outcome, unless someone cancelled the batch meanwhile."""
    DtmImport.objects.filter(pk=batch.pk).exclude(status=S.CANCELLED).update(
        status=status, **fields
    )
    batch.refresh_from_db()


def import_stage(batch: DtmImport, *, language: str = "es") -> DtmImport:
    """Read the stored upload into staged rows with their errors, in chunks, counting them
    on the batch; end `validated`, `rejected` (the file or a row) or `failed` (a bug).

    Started again on a batch whose worker died while reading it (imports.recovery puts it
    back to `queued`), it stages the file from the start."""
    claimed = DtmImport.objects.filter(pk=batch.pk, status=S.QUEUED).update(
        status=S.READING, processed_rows=0, total_rows=0, heartbeat_at=timezone.now()
    )
    batch.refresh_from_db()
    path = upload_path(batch) if batch.file_path else None
    if not claimed:
        if batch.status == S.CANCELLED and path is not None:
            path.unlink(missing_ok=True)
        return batch
    # Rows of an earlier check whose worker died midway (imports.recovery started it again).
    DtmImportRow.objects.filter(batch=batch).delete()
    user = batch.created_by
    with translation.override(language):
        try:
            if path is None or not path.exists():
                raise FileProblem(_("The uploaded file is gone: upload it again."))
            _stage(batch, path, user)
        except FileProblem as exc:
            DtmImportRow.objects.filter(batch=batch).delete()
            _finish(batch, S.REJECTED, file_errors=[str(m) for m in exc.args], total_rows=0,
                    error_rows=0,
                    known_rows=0, processed_rows=0)  # fmt: skip
        except Exception as exc:
            logger.exception("DTM import %s: the check failed", batch.pk)
            DtmImportRow.objects.filter(batch=batch).delete()
            _finish(batch, S.FAILED, total_rows=0, error_rows=0, known_rows=0, file_errors=[
                _("The check stopped on an unexpected error: %(e)s")
                % {"e": f"{type(exc).__name__}: {exc}"[:300]}])  # fmt: skip
        finally:
            if path is not None:
                path.unlink(missing_ok=True)
            DtmImport.objects.filter(pk=batch.pk).update(file_path="")
    batch.refresh_from_db()
    if batch.status == S.CANCELLED:
        DtmImportRow.objects.filter(batch=batch).update(data={})
    log(user, actions.IMPORT, batch, organization=batch.organization, step="validate",
        kind=batch.kind, rows=batch.total_rows, error_rows=batch.error_rows,
        status=batch.status, **_actor(user))  # fmt: skip
    return batch


def _stage(batch: DtmImport, path: Path, user: User | None) -> None:
    """Stream the file: ROW_CHUNK rows at a time are checked, staged and counted."""
    fields, prefixes = COLUMNS[batch.kind]
    multi = set(SurveyQuestion.values) | {"services"}
    rows = read_table(path)
    raw_header = next(rows, None)
    if raw_header is None or not any(raw_header):
        raise FileProblem(_("The file is empty."))
    header = map_header(list(raw_header), fields, prefixes, multi)
    mapped = {n for n in header.names if n}
    required = {"uuid", "point"} if batch.kind in (K.FLOW_COUNTS, K.SURVEY) else {"round"}
    missing = sorted(required - mapped)
    if missing:
        header.problems.append(_("Columns missing: %(c)s.") % {"c": ", ".join(missing)})
    if header.problems:
        raise FileProblem(*header.problems)
    points: PointCache = {}
    seen: dict[str, int] = {}
    totals = {"total_rows": 0, "error_rows": 0, "known_rows": 0, "refused_rows": 0}
    pending: list[tuple[int, dict[str, Any]]] = []

    def flush() -> None:
        checked = _check_rows(batch, [d for _n, d in pending], user, points)
        staged = []
        for (number, data), (errors, known) in zip(pending, checked, strict=True):
            key = str(data.get("uuid", "")).lower().removeprefix("uuid:")
            if key and key in seen:
                errors = [*errors, {"column": "uuid", "message": _(
                    "The same submission id is on row %(row)d.") % {"row": seen[key]}}]  # fmt: skip
            elif key:
                seen[key] = number
            for e in errors:  # the column as the file names it ('Punto de monitoreo')
                e.setdefault("header", header.texts.get(e["column"], e["column"]))
            staged.append(DtmImportRow(batch=batch, row_number=number, data=data,
                                       errors=errors, known=known and not errors))  # fmt: skip
        DtmImportRow.objects.bulk_create(staged, batch_size=ROW_CHUNK)
        totals["total_rows"] += len(staged)
        totals["error_rows"] += sum(1 for r in staged if r.errors)
        totals["known_rows"] += sum(1 for r in staged if r.known)
        if batch.kind == K.SURVEY:
            totals["refused_rows"] += sum(
                1 for r in staged if not r.errors and refusals.is_refusal(r.data)
            )
        DtmImport.objects.filter(pk=batch.pk).update(
            processed_rows=totals["total_rows"], heartbeat_at=timezone.now()
        )
        pending.clear()

    for number, values in enumerate(rows, start=2):
        if not any(v not in (None, "") for v in values):
            continue
        if totals["total_rows"] + len(pending) >= MAX_ROWS:
            raise FileProblem(_("The file has more than %(n)d rows: split it in parts.")
                              % {"n": MAX_ROWS})  # fmt: skip
        pending.append((number, {
            name: _json_safe(v)
            for name, v in zip(header.names, values, strict=False)
            if name and v not in (None, "")
        }))  # fmt: skip
        if len(pending) >= ROW_CHUNK:
            flush()
            if _is_cancelled(batch):
                return
    if pending:
        flush()
    if not totals["total_rows"]:
        raise FileProblem(_("The file has column names but no rows."))
    file_errors: list[str] = []
    status = S.VALIDATED
    if totals["error_rows"]:
        status = S.REJECTED
    elif totals["known_rows"] == totals["total_rows"]:
        status = S.REJECTED
        file_errors = [_("Every row is already imported: nothing new in this file.")]
    _finish(batch, status, file_errors=file_errors, columns_ignored=header.ignored[:50],
            processed_rows=totals["total_rows"], **totals)  # fmt: skip


def _require_owner_or_analyst(user: User | None, batch: DtmImport) -> None:
    if user is None or batch.created_by_id == user.pk:
        return
    if not policies.has_perm(user, Perm.DTM_ANALYSE, organization_id=batch.organization_id,
                             country_id=batch.country_id):  # fmt: skip
        log(user, actions.ACCESS_DENIED, batch, "denied", permission=Perm.DTM_ANALYSE.value)
        raise PermissionDenied(_("Only who uploaded the file or an analyst may do this."))


def import_commit(*, user: User | None, batch: DtmImport) -> DtmImport:
    """Have every row written in the background, in one transaction (`import_write`).

    The batch turns `committing` at once (a second click finds it so); under HUEY_IMMEDIATE
    and tests the returned batch is already `committed` or `failed`."""
    _require_owner_or_analyst(user, batch)
    claimed = DtmImport.objects.filter(pk=batch.pk, status=S.VALIDATED).update(
        status=S.COMMITTING, processed_rows=0, committed_by=user, heartbeat_at=timezone.now()
    )
    if not claimed:
        raise ValidationError(_("Only a checked file without errors can be imported."))
    from caminantes.dtm import tasks

    tasks.import_commit_task(batch.pk, user.pk if user else None, _language())
    batch.refresh_from_db()
    return batch


def commit_progress(batch: DtmImport) -> int:
    """Rows written so far. The commit is one transaction, invisible to other connections
    until it ends, so it counts in a small file beside the uploads."""
    if batch.status != S.COMMITTING:
        return batch.processed_rows
    try:
        return int(progress_path(batch).read_text() or 0)
    except (OSError, ValueError):
        return 0


def import_write(batch: DtmImport, *, user: User | None, language: str = "es") -> DtmImport:
    """Write every row of a `committing` batch in ONE transaction through the intake.

    All or nothing: a row that no longer passes the checks, or any failure, rolls it all
    back and leaves the batch `failed` with the reason. A worker that dies midway leaves it
    `committing` with nothing written: imports.recovery sees the progress file stop and
    queues it again; a batch no longer `committing` (committed meanwhile) is left as it is.
    The batch row is held to the end, so on PostgreSQL a live commit is never recovered."""
    progress = progress_path(batch)
    with translation.override(language):
        try:
            with transaction.atomic():
                locked = DtmImport.objects.select_for_update().get(pk=batch.pk)
                if locked.status != S.COMMITTING:
                    return locked
                # Its time is the heartbeat of a commit, whose writes nobody sees until it ends.
                _report(progress, 0)
                written = _write_rows(locked, user, progress)
                locked.status = S.COMMITTED
                locked.imported_rows = written
                locked.processed_rows = written
                locked.committed_at = timezone.now()
                locked.save(update_fields=["status", "imported_rows", "processed_rows",
                                           "committed_at"])  # fmt: skip
                log(user, actions.IMPORT, locked, organization=locked.operation.organization,
                    step="commit", kind=locked.kind, rows=written, **_actor(user))  # fmt: skip
        except Exception as exc:
            if isinstance(exc, ValidationError):
                message = exc.messages[0]
            else:
                logger.exception("DTM import %s: the commit failed", batch.pk)
                message = _("The import failed and nothing was written: %(e)s") % {
                    "e": f"{type(exc).__name__}: {exc}"[:300]
                }
            DtmImport.objects.filter(pk=batch.pk, status=S.COMMITTING).update(
                status=S.FAILED, file_errors=[message], processed_rows=0
            )
            log(user, actions.IMPORT, batch, organization=batch.organization,
                step="commit_failed", error=type(exc).__name__, **_actor(user))  # fmt: skip
        finally:
            progress.unlink(missing_ok=True)
    batch.refresh_from_db()
    return batch


def _write_rows(locked: DtmImport, user: User | None, progress: Path) -> int:
    """Check again and store each row, ROW_CHUNK at a time (one query for the ids already
    stored per chunk); the rollup is refreshed once, for the points and days touched."""
    touched: set[tuple[int, date]] = set()
    surveyed: set[tuple[int, date]] = set()
    points: PointCache = {}
    written = done = 0
    op = locked.operation
    rows = DtmImportRow.objects.filter(batch=locked, known=False).order_by("row_number")
    chunk: list[DtmImportRow] = []

    def write(chunk: list[DtmImportRow]) -> int:
        created = 0
        if locked.kind not in (K.FLOW_COUNTS, K.SURVEY):
            submit = submit_baseline if locked.kind == K.BASELINE else submit_site_assessment
            for row in chunk:
                with _row_errors(row):
                    created += int(submit(row.data, operation=op, user=user, source=Source.IMPORT,
                                          import_batch=locked, audit=False).created)  # fmt: skip
            return created
        flow = locked.kind == K.FLOW_COUNTS
        validate: Callable[..., Any] = validate_flow_count if flow else validate_survey
        checked = []
        declined = []
        for row in chunk:
            with _row_errors(row):
                if not flow and refusals.is_refusal(row.data):
                    declined.append(refusals.validate_refusal(row.data, user=user, operation=op,
                                                              points=points))  # fmt: skip
                    continue
                checked.append((row, validate(row.data, user=user, operation=op, points=points)))
        stored_refusals = refusals.stored_digests(v.uuid for v in declined)
        for value in declined:
            refusals.store_refusal(value, source=Source.IMPORT, user=user, import_batch=locked,
                                   stored=stored_refusals)  # fmt: skip
        stored = (flow_digests if flow else survey_digests)(v.uuid for _r, v in checked)
        for row, value in checked:
            with _row_errors(row):
                if flow:
                    result = store_flow_count(value, source=Source.IMPORT, user=user,
                                              import_batch=locked, touched=touched,
                                              stored=stored)  # fmt: skip
                else:
                    result = store_survey(value, source=Source.IMPORT, user=user,
                                          import_batch=locked, touched=surveyed,
                                          stored=stored)  # fmt: skip
            created += int(result.created)
        return created

    for row in rows.iterator(chunk_size=ROW_CHUNK):
        chunk.append(row)
        if len(chunk) >= ROW_CHUNK:
            written += write(chunk)
            done += len(chunk)
            chunk = []
            _report(progress, done)
    written += write(chunk)
    _report(progress, done + len(chunk))
    if touched or surveyed:
        rollup.lock_points(p for p, _d in touched | surveyed)
        rollup.refresh(touched)
        rollup.refresh_surveys(surveyed)
    return written


def _report(progress: Path, done: int) -> None:
    """Rows written so far, for the progress bar; a full disk does not stop the commit."""
    try:
        progress.parent.mkdir(parents=True, exist_ok=True)
        progress.write_text(str(done))
    except OSError:
        logger.warning("DTM import: cannot write the progress to %s", progress)


@contextmanager
def _row_errors(row: DtmImportRow) -> Iterator[None]:
    try:
        yield
    except ValidationError as exc:
        # Something changed since the check (another import, a closed point).
        raise ValidationError(
            _("Row %(row)d no longer passes the checks: %(e)s. Nothing was imported.")
            % {"row": row.row_number, "e": "; ".join(exc.messages)}
        ) from exc


def import_cancel(*, user: User | None, batch: DtmImport) -> DtmImport:
    _require_owner_or_analyst(user, batch)
    updated = DtmImport.objects.filter(pk=batch.pk, status__in=CANCELLABLE).update(
        status=S.CANCELLED
    )
    if updated:
        DtmImportRow.objects.filter(batch=batch).update(data={})
        if batch.file_path:
            upload_path(batch).unlink(missing_ok=True)
        log(user, actions.IMPORT, batch, organization=batch.organization, step="cancel")
    batch.refresh_from_db()
    return batch
