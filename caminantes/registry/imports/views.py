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
from caminantes.lib import safecsv
from caminantes.lib.form_errors import error_messages
from caminantes.registry import imports, tasks
from caminantes.registry.models import ImportBatch, ImportRow

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
    form = UploadForm(request.POST or None, request.FILES or None)
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
            messages.success(request, _("File received: it is being checked."))
            return redirect("registry_import", uuid=batch.uuid)
    return render(
        request,
        "registry/imports/upload.html",
        {
            "form": form,
            "columns": imports.COLUMNS,
            "earlier": earlier,
            "max_mb": imports.MAX_UPLOAD_BYTES // (1024 * 1024),
        },
    )


@perm_required(Perm.IMPORT_DATA)
def template_csv(request: HttpRequest) -> HttpResponse:
    rows = imports.template_rows()
    body = "".join(safecsv.csv_rows(rows[0], rows[1:]))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="caminantes-households.csv"'
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


@perm_required(Perm.VIEW_PERSONAL_DATA)
def batch_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    batch = _batch(request, uuid)
    rows = ImportRow.objects.filter(batch=batch).order_by("row_number")
    error_rows = list(rows.exclude(errors=[])[:50]) if batch.error_rows else []
    duplicate_rows = []
    if batch.duplicate_rows:
        for row in rows.exclude(duplicate_of=[])[:200]:
            found = [d for d in row.duplicate_of if d.get("kind") == "registry"]
            if found:
                duplicate_rows.append({"row": row, "found": found})
            if len(duplicate_rows) >= 50:
                break
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
