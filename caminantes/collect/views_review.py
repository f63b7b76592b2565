"""The review queue of field submissions: list, one submission, reprocess (one, or all of
a form after its mapping or the form was fixed), and the upload of a Kobo / ODK Central
export. Thin: each view parses, calls one selector or service, renders."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from caminantes.accounts.context import AuthenticatedRequest
from caminantes.accounts.decorators import perm_required
from caminantes.accounts.permissions import Perm
from caminantes.collect import selectors_review as selectors
from caminantes.collect.models import SubmissionStatus
from caminantes.collect.processing import (
    checks,
    exports,
    form_questions,
    reprocess,
    reprocess_form,
)
from caminantes.collect.processing.mappings import HOUSEHOLD, IMPORT_BATCH

PAGE = 50


class ExportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Export file (CSV or XLSX)"),
        help_text=gettext_lazy(
            "The KoboToolbox or ODK Central export of this form: CSV, or XLSX with the "
            "repeat groups as further sheets. Rows already imported are skipped."
        ),
    )


def _status_filter(value: str) -> str:
    return value if value in SubmissionStatus.values or value == "all" else SubmissionStatus.REVIEW


@perm_required(Perm.REVIEW_SUBMISSIONS)
def queue(request: AuthenticatedRequest) -> HttpResponse:
    forms_list = list(selectors.forms_for_review(request.user))
    status = _status_filter(request.GET.get("status", ""))
    # The list shows the reason and whether it is flagged, not the answers (not decrypted).
    rows = (
        selectors.submissions_for_review(request.user)
        .defer("xml_encrypted", "answers_encrypted", "extra_answers_encrypted")
        .order_by("-created_at")
    )
    form = None
    if request.GET.get("form"):
        form = selectors.get_form(request.user, request.GET["form"])
        rows = rows.filter(form=form)
    if status != "all":
        rows = rows.filter(status=status)
    if request.GET.get("flagged") == "1":
        rows = rows.exclude(flags_encrypted="")
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "collect/review_queue.html",
        {
            "forms": forms_list,
            "form": form,
            "status": status,
            "statuses": SubmissionStatus.choices,
            "page": page,
            "flagged": request.GET.get("flagged") == "1",
        },
    )


@perm_required(Perm.REVIEW_SUBMISSIONS)
def detail(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    sub = selectors.get_submission(request.user, uuid)
    flags = sub.flags
    # Rules the server's evaluator does not know: counted again, not stored as flags.
    unchecked = checks.check(form_questions(sub), sub.answers).unchecked
    record_url = ""
    if sub.record_type == HOUSEHOLD and sub.record_uuid:
        record_url = reverse("household_detail", args=[sub.record_uuid])
    return render(
        request,
        "collect/review_detail.html",
        {
            "sub": sub,
            "flags": flags,
            "unchecked": unchecked,
            "answers": sorted((k, v) for k, v in sub.answers.items() if not isinstance(v, list)),
            "repeats": [(k, v) for k, v in sub.answers.items() if isinstance(v, list)],
            "extra": sub.extra_answers,
            "awaiting_approval": sub.record_type == IMPORT_BATCH,
            "record_url": record_url,
        },
    )


@require_POST
@perm_required(Perm.REVIEW_SUBMISSIONS)
def reprocess_one(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    sub = selectors.get_submission(request.user, uuid)
    sub = reprocess(user=request.user, submission=sub)
    if sub.status == SubmissionStatus.PROCESSED:
        messages.success(request, _("Processed."))
    else:
        messages.error(request, _("Still in the review queue: %(reason)s") % {
            "reason": sub.review_reason})  # fmt: skip
    return redirect("collect_review_detail", uuid=sub.uuid)


@require_POST
@perm_required(Perm.REVIEW_SUBMISSIONS)
def reprocess_all(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    form = selectors.get_form(request.user, uuid)
    counts = reprocess_form(user=request.user, form=form)
    messages.info(
        request,
        _("%(processed)d processed, %(review)d still in the review queue.") % counts,
    )
    return redirect(f"{_queue_url()}?form={form.uuid}")


def _queue_url() -> str:
    return reverse("collect_review")


@perm_required(Perm.REVIEW_SUBMISSIONS)
def upload_export(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    form = selectors.get_form(request.user, uuid)
    upload = ExportUploadForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and upload.is_valid():
        data = upload.cleaned_data["file"]
        if data.size > exports.MAX_BYTES:
            upload.add_error("file", _("The file is larger than %(mb)d MB.") % {
                "mb": exports.MAX_BYTES >> 20})  # fmt: skip
        else:
            try:
                outcome = exports.import_export(
                    user=request.user, form=form, data=data.read(), file_name=data.name
                )
            except ValidationError as exc:
                upload.add_error("file", exc.messages)
    return render(
        request, "collect/review_upload.html", {"form": form, "upload": upload, "outcome": outcome}
    )
