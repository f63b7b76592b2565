"""What field collection adds to the household page (registry.hooks.HOUSEHOLD_PANELS).

"Additional answers (form X)": the answers to the organisation's own questions of the
registration form that became this household, which no mapping consumed. Shown only to
who may see personal data in the form's organisation and country (another organisation
that can see the household, through a share, sees no panel); each submission shown is a
read of personal data, audited through the policy door.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.permissions import Perm
from caminantes.collect.models import Submission, SubmissionStatus
from caminantes.collect.processing.mappings import HOUSEHOLD, IMPORT_BATCH


def _text(value: Any) -> str:
    return str(value)[:500]


def rows_of(extra: dict[str, Any]) -> list[tuple[str, str]]:
    """(question, answer) rows; a repeat's answers are numbered by item."""
    rows: list[tuple[str, str]] = []
    for path, value in extra.items():
        if isinstance(value, list):
            for n, item in enumerate(value, start=1):
                for key, answer in (item or {}).items():
                    rows.append((f"{path} {n} · {key}", _text(answer)))
        else:
            rows.append((path, _text(value)))
    return rows


def household_panels(request: Any, household: Any) -> list[dict[str, Any]]:
    user = request.user
    match = Q(record_type=HOUSEHOLD, record_uuid=household.uuid)
    if household.import_batch_id:
        match |= Q(record_type=IMPORT_BATCH, record_uuid=household.import_batch.uuid)
    submissions = [
        s
        for s in Submission.objects.filter(match)
        .exclude(extra_answers_encrypted="", flags_encrypted="")
        .exclude(status=SubmissionStatus.REPLACED)
        .select_related("form")
        .order_by("created_at")
        if s.form.organization_id == household.organization_id
        and policies.has_perm(
            user,
            Perm.VIEW_PERSONAL_DATA,
            organization_id=s.form.organization_id,
            country_id=household.country_id,
        )
    ]
    if not submissions:
        return []
    policies.record_reads(user, Submission, submissions)
    return [
        {
            "title": _("Additional answers (form %(form)s)") % {"form": s.form.title},
            "rows": rows_of(s.extra_answers)
            + [
                (
                    _("Failed the form's rules: %(question)s") % {"question": f.get("question")},
                    f.get("message", ""),
                )
                for f in s.flags
            ],
        }
        for s in submissions
    ]
