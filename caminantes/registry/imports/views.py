"""Bulk import pages: upload, the list of batches, one batch with its progress, the report."""

from __future__ import annotations

import tempfile
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caminantes.accounts import policies
from caminantes.accounts.context import AuthenticatedRequest
from caminantes.accounts.decorators import perm_required
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.lib import names, safecsv
from caminantes.lib.form_errors import error_messages, posted
from caminantes.registry import imports, selectors, tasks
from caminantes.registry.imports.report import reason_labels
from caminantes.registry.models import ImportBatch, ImportRow, Person

RUNNING = (
    ImportBatch.Status.UPLOADED,
    ImportBatch.Status.VALIDATING,
    ImportBatch.Status.APPROVED,
    ImportBatch.Status.MERGING,
)
CANCELLABLE = (
    ImportBatch.Status.UPLOADED,
    ImportBatch.Status.VALIDATING,
    ImportBatch.Status.VALIDATED,
    ImportBatch.Status.REJECTED,
    ImportBatch.Status.FAILED,
)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


def _language() -> str:
    return get_language() or "es"


def _may(request: HttpRequest, perm: Perm, batch: ImportBatch) -> bool:
    return policies.has_perm(
        request.user, perm, organization_id=batch.organization_id, country_id=batch.country_id
    )


def _batch(request: HttpRequest, uuid: Any) -> ImportBatch:
    """The batch if the user may see it; 404 otherwise, as for a batch that does not exist."""
    return policies.get_for_user(request.user, ImportBatch, uuid)


@perm_required(Perm.VIEW_PERSONAL_DATA)
def batch_list(request: AuthenticatedRequest) -> HttpResponse:
    batches = policies.visible(request.user, ImportBatch).select_related(
        "organization", "country", "created_by"
    )[:200]
    ctx = request.context
    can_import = (
        ctx.organization is not None
        and ctx.country is not None
        and policies.has_perm(
            request.user,
            Perm.IMPORT_DATA,
            organization_id=ctx.organization.pk,
            country_id=ctx.country.pk,
        )
    )
    return render(
        request, "registry/imports/list.html", {"batches": batches, "can_import": can_import}
    )


@perm_required(Perm.IMPORT_DATA)
def batch_upload(request: AuthenticatedRequest) -> HttpResponse:
    ctx = request.context
    if ctx.organization is None or ctx.country is None:
        raise PermissionDenied
    if not policies.has_perm(
        request.user,
        Perm.IMPORT_DATA,
        organization_id=ctx.organization.pk,
        country_id=ctx.country.pk,
    ):
        raise PermissionDenied
    form = UploadForm(posted(request), request.FILES or None)
    earlier = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = imports.batch_create(
                user=request.user,
                organization=ctx.organization,
                country=ctx.country,
                file_name=upload.name or "",
                chunks=upload.chunks(),
            )
        except imports.SameFile as exc:
            form.add_error("file", error_messages(exc))
            if policies.visible(request.user, ImportBatch).filter(pk=exc.earlier.pk).exists():
                earlier = exc.earlier
        except ValidationError as exc:
            form.add_error("file", error_messages(exc))
        else:
            tasks.batch_validate_task(batch.pk, _language())
            # No "being checked" here: the check may be over before the page shows, and the
            # page's own progress card says where it is.
            messages.success(request, _("File received."))
            return redirect("registry_import", uuid=batch.uuid)
    return render(
        request,
        "registry/imports/upload.html",
        {
            "form": form,
            "columns": imports.COLUMNS,
            "template_languages": TEMPLATE_LANGUAGES,
            "earlier": earlier,
            "max_mb": imports.MAX_UPLOAD_BYTES // (1024 * 1024),
        },
    )


TEMPLATE_LANGUAGES = (
    ("es", gettext_lazy("Spanish")),
    ("pt", gettext_lazy("Portuguese")),
    ("en", gettext_lazy("English (column codes)")),
)


@perm_required(Perm.IMPORT_DATA)
def template_csv(request: HttpRequest) -> HttpResponse:
    """The template with its headers in the language asked (?lang=es), else the page's."""
    known = {code for code, _label in TEMPLATE_LANGUAGES}
    language = request.GET.get("lang") or _language()[:2]
    language = language if language in known else "en"
    rows = imports.template_rows(language)
    body = "".join(safecsv.csv_rows(rows[0], rows[1:]))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="caminantes-households-{language}.csv"'
    return response


def _progress_context(batch: ImportBatch) -> dict[str, Any]:
    if batch.status == ImportBatch.Status.MERGING:
        done = imports.merge_progress(batch)
        total = batch.summary.get("merge_rows") or batch.total_rows
    else:
        done, total = batch.processed_rows, batch.total_rows
    return {
        "batch": batch,
        "running": batch.status in RUNNING,
        "reading": batch.status == ImportBatch.Status.VALIDATING and not batch.processed_rows,
        "done": done,
        "total": total,
        "percent": min(100, int(100 * done / total)) if total else 0,
    }


def _row_name(row: ImportRow) -> str:
    data = row.data or {}
    return names.full_name(
        data.get("given_names", ""), data.get("first_surname", ""), data.get("second_surname", "")
    )


def _duplicates(request: AuthenticatedRequest, rows: list[ImportRow]) -> list[dict[str, Any]]:
    """Each row beside the registered people it looks like, named for a viewer who may see
    them (through the policy door, and the reading audited); someone the viewer may not see
    is only counted, with no name, household or link."""
    wanted = {d["person"] for row in rows for d in row.duplicate_of if d.get("kind") == "registry"}
    shown = {
        str(p.uuid): p
        for p in selectors.people_for_user(user=request.user)
        .filter(uuid__in=wanted)
        .select_related("household")
    }
    policies.record_reads(request.user, Person, shown.values())
    items = []
    for row in rows:
        found = [d for d in row.duplicate_of if d.get("kind") == "registry"]
        if not found:
            continue
        people = [
            {
                "person": shown.get(d["person"]),
                "score": d.get("score", 0),
                "why": reason_labels(d.get("reasons", [])),
            }
            for d in found
        ]
        items.append(
            {
                "row": row,
                "name": _row_name(row),
                "people": [p for p in people if p["person"] is not None],
                "hidden": sum(1 for p in people if p["person"] is None),
            }
        )
    return items


@perm_required(Perm.VIEW_PERSONAL_DATA)
def batch_detail(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    batch = _batch(request, uuid)
    rows = ImportRow.objects.filter(batch=batch).order_by("row_number")
    error_rows = [
        {"row": row, "name": _row_name(row), "errors": row.errors}
        for row in (rows.exclude(errors=[])[:50] if batch.error_rows else [])
    ]
    duplicate_rows: list[dict[str, Any]] = []
    if batch.duplicate_rows:
        duplicate_rows = _duplicates(request, list(rows.exclude(duplicate_of=[])[:200]))[:50]
    context = _progress_context(batch) | {
        "summary": batch.summary,
        "error_rows": error_rows,
        "duplicate_rows": duplicate_rows,
        "can_approve": batch.status == ImportBatch.Status.VALIDATED
        and _may(request, Perm.APPROVE_IMPORTS, batch),
        "can_cancel": batch.status in CANCELLABLE
        and (_may(request, Perm.IMPORT_DATA, batch) or _may(request, Perm.APPROVE_IMPORTS, batch)),
    }
    return render(request, "registry/imports/detail.html", context)


@perm_required(Perm.VIEW_PERSONAL_DATA)
def batch_progress(request: HttpRequest, uuid: str) -> HttpResponse:
    """The progress bar alone, polled by htmx; the whole page reloads once the work ends."""
    batch = _batch(request, uuid)
    response = render(request, "registry/imports/_progress.html", _progress_context(batch))
    if batch.status not in RUNNING:
        response["HX-Refresh"] = "true"
    return response


@perm_required(Perm.VIEW_PERSONAL_DATA)
def report_csv(request: HttpRequest, uuid: str) -> StreamingHttpResponse:
    batch = _batch(request, uuid)
    log(request.user, actions.EXPORT, batch, rows=batch.total_rows, format="csv", kind="report")
    response = StreamingHttpResponse(
        imports.report_csv(batch), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="import-{str(batch.uuid)[:8]}.csv"'
    return response


@perm_required(Perm.VIEW_PERSONAL_DATA)
def report_xlsx(request: HttpRequest, uuid: str) -> FileResponse:
    batch = _batch(request, uuid)
    out = tempfile.TemporaryFile()
    lines = imports.report_xlsx(batch, out)
    out.seek(0)
    log(request.user, actions.EXPORT, batch, rows=lines, format="xlsx", kind="report")
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"import-{str(batch.uuid)[:8]}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@perm_required(Perm.APPROVE_IMPORTS)
@require_POST
def batch_approve(request: HttpRequest, uuid: str) -> HttpResponse:
    batch = _batch(request, uuid)
    try:
        imports.batch_approve(
            user=request.user,  # type: ignore[arg-type]
            batch=batch,
            include_duplicates=request.POST.get("include_duplicates") == "1",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        tasks.batch_merge_task(batch.pk, request.user.pk, _language())
        messages.success(request, _("Approved: the households are being added to the registry."))
    return redirect("registry_import", uuid=batch.uuid)


@perm_required(Perm.VIEW_PERSONAL_DATA)
@require_POST
def batch_cancel(request: HttpRequest, uuid: str) -> HttpResponse:
    batch = _batch(request, uuid)
    try:
        imports.batch_cancel(user=request.user, batch=batch)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Import cancelled: its file was deleted."))
    return redirect("registry_import", uuid=batch.uuid)
