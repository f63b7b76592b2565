"""Upload, validation (staging) and the all-or-nothing commit of a DTM import."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.models import User
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.dtm import rollup
from caminantes.dtm.choices import SEX_AGE_FIELDS, Source, SurveyQuestion
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
from caminantes.dtm.intake.flow import _known as flow_known
from caminantes.dtm.intake.survey import YES_NO_FIELDS
from caminantes.dtm.intake.survey import _known as survey_known
from caminantes.dtm.models import DtmImport, DtmImportRow, Operation
from caminantes.geo.models import Country

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_ROWS = 50_000
K = DtmImport.Kind

_PEOPLE = ("households", "individuals", *SEX_AGE_FIELDS)
# Field names per kind; prefixes are breakdown columns (nationality_VE, need_food …).
COLUMNS: dict[str, tuple[set[str], tuple[str, ...]]] = {
    K.FLOW_COUNTS: (
        {"uuid", "point", "date", "shift_start", "shift_end", "direction", "individuals",
         "groups", "unaccompanied_children", *SEX_AGE_FIELDS},
        ("nationality_", "transport_", "destination_"),
    ),
    K.SURVEY: (
        {"uuid", "point", "date", "consent", "nationality", "sex", "age", "marital_status",
         "education", "employment_before", "employment_now", "origin_country", "origin_admin1",
         "departure_date", "group_size", "children_in_group", "unaccompanied_children",
         "days_in_transit", "main_transport", "travel_cost_usd", "destination_country",
         "destination_admin1", "other_reason", "other_need", "comments", *YES_NO_FIELDS,
         *SurveyQuestion.values},
        (),
    ),
    K.BASELINE: (
        {"round", "admin_area", "date", "key_informants", "notes", *_PEOPLE},
        ("origin_", "arrival_", "shelter_", "need_"),
    ),
    K.SITES: (
        {"site", "round", "date", "capacity", "services", "notes", *_PEOPLE},
        ("nationality_",),
    ),
}  # fmt: skip
LIVE = (DtmImport.Status.VALIDATED, DtmImport.Status.COMMITTED)


class SameFile(ValidationError):
    def __init__(self, message: str, earlier: DtmImport) -> None:
        super().__init__(message, code="same_file")
        self.earlier = earlier


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


def _check_row(
    batch: DtmImport, data: dict[str, Any], user: User | None
) -> tuple[list[dict[str, str]], bool]:
    """(errors, known) of one row, by the intake's own rules."""
    op = batch.operation
    try:
        if batch.kind == K.FLOW_COUNTS:
            sheet = validate_flow_count(data, user=user, operation=op)
            return [], flow_known(sheet)
        if batch.kind == K.SURVEY:
            survey = validate_survey(data, user=user, operation=op)
            return [], survey_known(survey)
        submit = submit_baseline if batch.kind == K.BASELINE else submit_site_assessment
        _dry_run(lambda: submit(data, operation=op, user=user, source=Source.IMPORT, audit=False))
    except Conflict as exc:
        return [{"column": "uuid", "message": str(exc.messages[0])}], False
    except ValidationError as exc:
        return _errors(exc), False
    except PermissionDenied as exc:
        return [{"column": "", "message": str(exc)}], False
    return [], False


def import_create(
    *,
    user: User | None,
    operation: Operation,
    country: Country,
    kind: str,
    file_name: str,
    chunks: Iterable[bytes],
) -> DtmImport:
    """Read and validate a whole file into staged rows; SameFile when already imported."""
    if user is not None and not policies.has_perm(
        user, Perm.DTM_COLLECT, organization_id=operation.organization_id, country_id=country.pk
    ):
        log(user, actions.ACCESS_DENIED, DtmImport, "denied", permission=Perm.DTM_COLLECT.value)
        raise PermissionDenied(_("Your roles do not allow importing DTM data here."))
    import tempfile
    from pathlib import Path

    digest = hashlib.sha256()
    size = 0
    with tempfile.NamedTemporaryFile(suffix=".upload", delete=False) as out:
        tmp = Path(out.name)
        for chunk in chunks:
            size += len(chunk)
            if size > MAX_UPLOAD_BYTES:
                tmp.unlink(missing_ok=True)
                raise ValidationError(_("The file is larger than %(mb)d MB: split it in parts.")
                                      % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)})  # fmt: skip
            digest.update(chunk)
            out.write(chunk)
    try:
        if size == 0:
            raise ValidationError(_("The file is empty."))
        sha = digest.hexdigest()
        earlier = (
            DtmImport.objects.filter(
                organization_id=operation.organization_id, file_sha256=sha, status__in=LIVE
            )
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
            status=DtmImport.Status.VALIDATED, created_by=user,
        )  # fmt: skip
        _stage(batch, tmp, user)
    finally:
        tmp.unlink(missing_ok=True)
    log(user, actions.IMPORT, batch, organization=operation.organization, step="upload",
        kind=kind, rows=batch.total_rows, error_rows=batch.error_rows, status=batch.status,
        **({} if user else {"actor_email": "system:dtm-import"}))  # fmt: skip
    return batch


def _stage(batch: DtmImport, path: Any, user: User | None) -> None:
    fields, prefixes = COLUMNS[batch.kind]
    multi = set(SurveyQuestion.values) | {"services"}
    staged: list[DtmImportRow] = []
    try:
        rows = read_table(path)
        raw_header = next(rows, None)
        if raw_header is None or not any(raw_header):
            raise FileProblem(_("The file is empty."))
        header = map_header(list(raw_header), fields, prefixes, multi)
        mapped = {n for n in header.names if n}
        required = {"uuid", "point"} if batch.kind in (K.FLOW_COUNTS, K.SURVEY) else {"round"}
        missing = sorted(required - mapped)
        if missing:
            raise FileProblem(_("Columns missing: %(c)s.") % {"c": ", ".join(missing)})
        seen: dict[str, int] = {}
        for number, values in enumerate(rows, start=2):
            if not any(v not in (None, "") for v in values):
                continue
            if len(staged) >= MAX_ROWS:
                raise FileProblem(_("The file has more than %(n)d rows: split it in parts.")
                                  % {"n": MAX_ROWS})  # fmt: skip
            data = {
                name: _json_safe(v)
                for name, v in zip(header.names, values, strict=False)
                if name and v not in (None, "")
            }
            errors, known = _check_row(batch, data, user)
            key = str(data.get("uuid", "")).lower().removeprefix("uuid:")
            if key and key in seen:
                errors.append({"column": "uuid", "message": _(
                    "The same submission id is on row %(row)d.") % {"row": seen[key]}})  # fmt: skip
            elif key:
                seen[key] = number
            staged.append(DtmImportRow(batch=batch, row_number=number, data=data,
                                       errors=errors, known=known and not errors))  # fmt: skip
        if not staged:
            raise FileProblem(_("The file has column names but no rows."))
    except FileProblem as exc:
        batch.status = DtmImport.Status.REJECTED
        batch.file_errors = [str(exc)]
        batch.save(update_fields=["status", "file_errors"])
        return
    DtmImportRow.objects.bulk_create(staged, batch_size=1000)
    batch.total_rows = len(staged)
    batch.error_rows = sum(1 for r in staged if r.errors)
    batch.known_rows = sum(1 for r in staged if r.known)
    batch.columns_ignored = header.ignored[:50]
    if batch.error_rows:
        batch.status = DtmImport.Status.REJECTED
    elif batch.known_rows == batch.total_rows:
        batch.status = DtmImport.Status.REJECTED
        batch.file_errors = [_("Every row is already imported: nothing new in this file.")]
    batch.save()


def _require_owner_or_analyst(user: User | None, batch: DtmImport) -> None:
    if user is None or batch.created_by_id == user.pk:
        return
    if not policies.has_perm(user, Perm.DTM_ANALYSE, organization_id=batch.organization_id,
                             country_id=batch.country_id):  # fmt: skip
        log(user, actions.ACCESS_DENIED, batch, "denied", permission=Perm.DTM_ANALYSE.value)
        raise PermissionDenied(_("Only who uploaded the file or an analyst may do this."))


def import_commit(*, user: User | None, batch: DtmImport) -> DtmImport:
    """Write every row in one transaction through the intake; all or nothing."""
    _require_owner_or_analyst(user, batch)
    with transaction.atomic():
        locked = DtmImport.objects.select_for_update().get(pk=batch.pk)
        if locked.status != DtmImport.Status.VALIDATED:
            raise ValidationError(_("Only a checked file without errors can be imported."))
        touched: set[tuple[int, date]] = set()
        surveyed: set[tuple[int, date]] = set()
        written = 0
        op = locked.operation
        rows = DtmImportRow.objects.filter(batch=locked, known=False).order_by("row_number")
        for row in rows.iterator(chunk_size=1000):
            try:
                if locked.kind == K.FLOW_COUNTS:
                    sheet = validate_flow_count(row.data, user=user, operation=op)
                    result = store_flow_count(sheet, source=Source.IMPORT, user=user,
                                              import_batch=locked, touched=touched)  # fmt: skip
                elif locked.kind == K.SURVEY:
                    survey = validate_survey(row.data, user=user, operation=op)
                    result = store_survey(survey, source=Source.IMPORT, user=user,
                                          import_batch=locked, touched=surveyed)  # fmt: skip
                else:
                    submit = (
                        submit_baseline if locked.kind == K.BASELINE else submit_site_assessment
                    )
                    result = submit(row.data, operation=op, user=user, source=Source.IMPORT,
                                    import_batch=locked, audit=False)  # fmt: skip
            except ValidationError as exc:
                # Something changed since the check (another import, a closed point).
                raise ValidationError(
                    _("Row %(row)d no longer passes the checks: %(e)s. Nothing was imported.")
                    % {"row": row.row_number, "e": "; ".join(exc.messages)}
                ) from exc
            written += int(result.created)
        if touched or surveyed:
            rollup.lock_points(p for p, _d in touched | surveyed)
            rollup.refresh(touched)
            rollup.refresh_surveys(surveyed)
        locked.status = DtmImport.Status.COMMITTED
        locked.imported_rows = written
        locked.committed_at = timezone.now()
        locked.save(update_fields=["status", "imported_rows", "committed_at"])
        log(user, actions.IMPORT, locked, organization=op.organization, step="commit",
            kind=locked.kind, rows=written,
            **({} if user else {"actor_email": "system:dtm-import"}))  # fmt: skip
    batch.refresh_from_db()
    return batch


def import_cancel(*, user: User | None, batch: DtmImport) -> DtmImport:
    _require_owner_or_analyst(user, batch)
    updated = DtmImport.objects.filter(
        pk=batch.pk, status__in=(DtmImport.Status.VALIDATED, DtmImport.Status.REJECTED)
    ).update(status=DtmImport.Status.CANCELLED)
    if updated:
        DtmImportRow.objects.filter(batch=batch).update(data={})
        log(user, actions.IMPORT, batch, organization=batch.organization, step="cancel")
    batch.refresh_from_db()
    return batch
