"""DTM data coming in: file imports, the mobility tracking forms (baseline and collective
site assessments) and the survey questionnaire download for Kobo/ODK."""

from __future__ import annotations

import tempfile
import uuid as uuid_lib
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.context import AuthenticatedRequest
from caminantes.accounts.decorators import perm_required
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.dtm import imports, selectors
from caminantes.dtm.choices import (
    AGE_GROUPS,
    FLOW_TYPES_ASKED,
    ArrivalPeriod,
    Direction,
    FlowType,
    Sector,
    Service,
    ShelterType,
    Source,
)
from caminantes.dtm.decorators import dtm_perm_required
from caminantes.dtm.forms import ImportForm
from caminantes.dtm.imports import templates
from caminantes.dtm.imports.headers import ALIASES, PREFIXES
from caminantes.dtm.intake import submit_baseline, submit_site_assessment
from caminantes.dtm.models import CollectiveSite, DtmImport, Operation
from caminantes.dtm.xlsforms import build_xlsform
from caminantes.geo.models import AdminArea
from caminantes.lib.form_errors import posted
from caminantes.lib.safecsv import csv_rows

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMS_DIR = Path(__file__).parent / "xlsforms"


# --- imports -----------------------------------------------------------------------------


@perm_required(Perm.DTM_COLLECT)
def import_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    ctx = request.context
    operations = selectors.visible_dtm(user, Operation)
    form = ImportForm(posted(request), request.FILES or None, operations=operations,
                      kinds=DtmImport.Kind.choices)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        op = form.cleaned_data["operation"]
        country = ctx.country or op.countries.first()
        upload = form.cleaned_data["file"]
        try:
            batch = imports.import_create(
                user=user, operation=op, country=country, kind=form.cleaned_data["kind"],
                file_name=upload.name, chunks=upload.chunks(),
            )  # fmt: skip
        except imports.SameFile as exc:
            messages.error(request, exc.messages[0])
            return redirect("dtm_import", uuid=exc.earlier.uuid)
        except ValidationError as exc:
            form.add_error("file", exc.messages[0])
        else:
            return redirect("dtm_import", uuid=batch.uuid)
    return render(request, "dtm/imports.html", {
        "form": form,
        "batches": selectors.imports_for_user(user=user)[:50],
        "columns": {k: _column_names(k) for k in DtmImport.Kind.values},
        "kinds": DtmImport.Kind.choices,
        "directions": Direction.choices,
        "flow_types": [(code, FlowType(code).label) for code in FLOW_TYPES_ASKED],
    })  # fmt: skip


@perm_required(Perm.DTM_COLLECT)
def import_template(request: AuthenticatedRequest, kind: str, file_format: str) -> HttpResponse:
    """A template for one kind of file: XLSX with the columns, an example, the codes and the
    points; or CSV, the columns with an example (`?part=codes`: what they mean)."""
    if kind not in DtmImport.Kind.values or file_format not in ("csv", "xlsx"):
        raise Http404
    language = request.GET.get("lang") or get_language() or "es"
    if language not in templates.LANGUAGES:
        language = "es"
    operations = selectors.visible_dtm(request.user, Operation)
    name = f"dtm-{kind}-{language}"
    with override(language):
        if file_format == "xlsx":
            response = HttpResponse(
                templates.workbook(kind, language, operations),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        else:
            codes = request.GET.get("part") == "codes"
            if codes:
                rows = templates.code_rows(kind, language)
            else:
                rows = templates.data_rows(kind, language, templates.first_point(operations))
            name += "-codes" if codes else ""
            response = HttpResponse(
                "".join(csv_rows(rows[0], rows[1:])), content_type="text/csv; charset=utf-8"
            )
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response


def _column_names(kind: str) -> list[str]:
    """Each column of a kind of file with the Spanish and Portuguese names it is read under."""
    fields, prefixes = imports.COLUMNS[kind]
    names = [
        f"{f} ({', '.join(dict.fromkeys(ALIASES[f][:2]))})" if ALIASES.get(f) else f
        for f in sorted(fields)
    ]
    theirs = {p: [t for t, ours in PREFIXES.items() if ours == p] for p in prefixes}
    return names + [f"{p}… ({', '.join(t + '…' for t in theirs[p])})" if theirs[p] else p + "…"
                    for p in prefixes]  # fmt: skip


def _progress_context(batch: DtmImport) -> dict[str, Any]:
    if batch.status == DtmImport.Status.COMMITTING:
        done = imports.commit_progress(batch)
        total = batch.total_rows - batch.known_rows
    else:
        done, total = batch.processed_rows, batch.total_rows
    return {
        "batch": batch,
        "running": batch.status in imports.RUNNING,
        "done": done,
        "total": total,
        "percent": min(100, int(100 * done / total)) if total else 0,
    }


@dtm_perm_required
def import_detail(request: AuthenticatedRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    user = request.user
    batch = selectors.get_dtm_for_user(user, DtmImport, uuid)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "commit":
                batch = imports.import_commit(user=user, batch=batch)
                if batch.status == DtmImport.Status.COMMITTED:
                    messages.success(
                        request, _("%(n)d rows imported.") % {"n": batch.imported_rows}
                    )
                elif batch.status == DtmImport.Status.FAILED:
                    messages.error(request, batch.file_errors[0] if batch.file_errors else
                                   batch.get_status_display())  # fmt: skip
                else:
                    messages.info(request, _("The rows are being imported: this page follows it."))
            elif action == "cancel":
                imports.import_cancel(user=user, batch=batch)
                messages.info(request, _("Import cancelled."))
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        return redirect("dtm_import", uuid=batch.uuid)
    done = batch.status not in imports.RUNNING
    return render(request, "dtm/import.html", _progress_context(batch) | {
        "error_rows": batch.rows.exclude(errors=[])[:200] if done and batch.error_rows else [],
        "can_cancel": batch.status in imports.CANCELLABLE,
    })  # fmt: skip


@dtm_perm_required
def import_progress(request: AuthenticatedRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    """The progress bar alone, polled by htmx; the whole page reloads once the work ends."""
    batch = selectors.get_dtm_for_user(request.user, DtmImport, uuid)
    response = render(request, "dtm/_import_progress.html", _progress_context(batch))
    if batch.status not in imports.RUNNING:
        response["HX-Refresh"] = "true"
    return response


# --- mobility tracking -------------------------------------------------------------------


def _people_rows() -> list[tuple[str, str]]:
    words = {"female": _("Women / girls"), "male": _("Men / boys")}
    return [
        (f"{sex}_{age}", f"{words[sex]} {label}")
        for sex in ("female", "male")
        for age, label in AGE_GROUPS
    ]


def _assessment(
    request: AuthenticatedRequest,
    op: Operation,
    kind: str,
    extra: dict[str, Any],
    fixed: dict[str, str],
) -> Any:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    if request.method == "POST":
        values = {**request.POST.dict(), **fixed}
        values.pop("csrfmiddlewaretoken", None)
        data = dict(values)
        if kind == "site":
            data["services"] = " ".join(request.POST.getlist("services"))
        submit = submit_baseline if kind == "baseline" else submit_site_assessment
        try:
            submit(data, operation=op, user=request.user, source=Source.FORM,
                   replace=bool(values.get("replace")))  # fmt: skip
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, _("Assessment saved."))
            return redirect("dtm_operation", uuid=op.uuid)
    people = _people_rows()
    labels = {
        "round": _("Round"), "admin_area": _("Admin area"), "key_informants": _("Key informants"),
        "capacity": _("Capacity (people)"), "date": _("Assessment date"),
        "households": _("Households"), "services": _("Services available"),
        **dict(people), **{name: label for _t, rows in extra["sections"] for name, label in rows},
    }  # fmt: skip
    return render(request, "dtm/assessment.html", {
        "operation": op, "kind": kind, "values": values, "errors": errors, "labels": labels,
        "rounds": op.rounds.all(), "people": people, **extra,
    })  # fmt: skip


@perm_required(Perm.DTM_COLLECT)
def baseline_new(request: AuthenticatedRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    op = policies.get_for_user(request.user, Operation, uuid, Perm.DTM_COLLECT)
    areas = AdminArea.objects.filter(country__in=op.countries.all()).select_related("country")
    arrival = [(f"arrival_{c}", lbl) for c, lbl in ArrivalPeriod.choices]
    shelter = [(f"shelter_{c}", lbl) for c, lbl in ShelterType.choices]
    origin = [("origin_VE", _("Venezuela")), ("origin_CO", _("Colombia")),
              ("origin_other", _("Other"))]  # fmt: skip
    needs = [(f"need_{c}", lbl) for c, lbl in Sector.choices]
    return _assessment(request, op, "baseline", {
        "areas": areas,
        "sections": [
            (_("Arrival period (people)"), arrival),
            (_("Shelter type (people)"), shelter),
            (_("Origin (people)"), origin),
            (_("Needs by sector (severity 1-5)"), needs),
        ],
    }, {})  # fmt: skip


@perm_required(Perm.DTM_COLLECT)
def site_assess(request: AuthenticatedRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    site = policies.get_for_user(request.user, CollectiveSite, uuid, Perm.DTM_COLLECT)
    op = (
        selectors.visible_dtm(request.user, Operation)
        .filter(organization_id=site.organization_id, countries=site.country_id)
        .first()
    )
    if op is None:
        raise Http404
    return _assessment(request, op, "site", {
        "site": site,
        "services": Service.choices,
        "sections": [(_("Nationality (people)"), [("nationality_VE", _("Venezuela")),
                                                  ("nationality_CO", _("Colombia")),
                                                  ("nationality_other", _("Other"))])],
    }, {"site": str(site.uuid)})  # fmt: skip


# --- the survey questionnaire ------------------------------------------------------------


@dtm_perm_required
def survey_form(request: AuthenticatedRequest) -> HttpResponse:
    """The questionnaire is made per operation: one operation in view goes straight to its
    form, several are listed on the DTM home page."""
    operations = list(selectors.operations_for_user(user=request.user)[:2])
    if len(operations) == 1:
        return redirect("dtm_operation_survey_form", uuid=operations[0].uuid)
    messages.info(request, _("Download the questionnaire from the page of an operation."))
    return redirect("dtm_home")


@dtm_perm_required
def operation_survey_form(
    request: AuthenticatedRequest, uuid: uuid_lib.UUID
) -> HttpResponse | FileResponse:
    """The XLSForm with this operation's active points, made now (audited as an export)."""
    operation = selectors.get_dtm_for_user(request.user, Operation, uuid)
    points = [
        build_xlsform.FormPoint(p.code, p.name, p.country.iso2)
        for p in selectors.points_for_user(user=request.user, operation=operation).filter(
            is_active=True
        )
    ]
    if not points:
        messages.error(request, _("This operation has no active point yet: add one first."))
        return redirect("dtm_operation", uuid=operation.uuid)
    fh = tempfile.TemporaryFile()  # FileResponse closes it
    build_xlsform.build(fh, points=points, version=timezone.now().strftime("%Y%m%d%H%M"),
                        title=f"{_('Flow monitoring survey')} · {operation.name}")  # fmt: skip
    fh.seek(0)
    log(request.user, actions.EXPORT, operation, file_format="xlsform", points=len(points))
    return FileResponse(fh, as_attachment=True, filename=f"{operation.code}-fms-xlsform.xlsx",
                        content_type=XLSX)  # fmt: skip


@dtm_perm_required
def tally_form(request: AuthenticatedRequest) -> FileResponse:
    """The tally sheet as an XLSForm for KoboCollect/ODK (its exports import as they are)."""
    path = FORMS_DIR / "flow_monitoring_tally.xlsx"
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
