"""Turns a stored submission into domain records.

`process_submission(submission_id)` is the one entry point the OpenRosa server (and the
export import) calls after a submission is stored: the instance is flattened
(`instance.flatten`), re-checked against the form's rules (`checks.check`: failures go to
`Submission.flags`, the submission is still processed), the answers no mapping reads are
kept in `extra_answers`, and the form kind's mapping (`mappings.MAPPINGS`) hands the rest
to the owning module's door. A submission that cannot be read or mapped is kept with
status REVIEW and a translated reason; `reprocess` and `reprocess_form` try again (after
the form or the data was fixed) and are idempotent: each mapping's door knows the instance
(one import batch per submission, the DTM intake's submission id, the handover id), so a
submission never becomes two records. It never raises: whatever goes wrong lands in the
review queue.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, TextField
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.models import User
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.audit.models import Outcome
from caminantes.collect.models import Form, FormKind, FormVersion, Submission, SubmissionStatus
from caminantes.collect.processing import checks, instance, mappings, questions
from caminantes.lib.compiled import Compiled, update

logger = logging.getLogger(__name__)
SYSTEM = {"actor_email": "system:collect-processing"}

__all__ = [
    "process_submission",
    "reprocess",
    "reprocess_form",
    "require_review",
]


# Each version's questions as processing reads them, kept in this process: normalising them
# (or, for a version stored without them, converting its XLSForm with pyxform: tens of
# milliseconds) once per version instead of once per submission. An entry serves only the
# version row it was made of: the key is the version's id, and the entry is used while the
# version's uuid, md5 and stored questions are still those it was made from (ids can come
# back in a test database; a version's questions edited in place are new questions).
DEFINITIONS_KEPT = 64
_definitions: OrderedDict[int, tuple[tuple[str, str, str], list[dict[str, Any]]]] = OrderedDict()
_definitions_lock = threading.Lock()


def _stamp(submission: Submission) -> tuple[str, str, str]:
    raw = getattr(submission, "version_questions", None)  # read with the submission (_READ)
    if raw is not None:
        uuid, md5 = submission.version_uuid, submission.version_md5  # type: ignore[attr-defined]
    else:
        version = submission.form_version
        uuid, md5, raw = version.uuid, version.md5, version.questions
    text = raw if isinstance(raw, str) else json.dumps(raw, sort_keys=True, default=str)
    return str(uuid), str(md5), text


def _make_questions(version_id: int, text: str) -> list[dict[str, Any]]:
    found = questions.normalise(json.loads(text) if text else [])
    if found:
        return found
    xlsform = FormVersion.objects.filter(pk=version_id).values_list("xlsform", flat=True).first()
    if xlsform:
        try:
            found = questions.normalise(questions.questions_from_xlsform(bytes(xlsform)))
        except Exception:  # a broken XLSForm: flatten by the XML's structure alone
            logger.warning("collect: no questions for form version %s", version_id)
    return found


def form_questions(submission: Submission) -> list[dict[str, Any]]:
    """The version's questions; made from its XLSForm when the server stored none. Kept per
    version (above): the list is shared, read it, never change it."""
    key, stamp = submission.form_version_id, _stamp(submission)
    with _definitions_lock:
        kept = _definitions.get(key)
        if kept is not None and kept[0] == stamp:
            _definitions.move_to_end(key)
            return kept[1]
    found = _make_questions(key, stamp[2])
    with _definitions_lock:
        _definitions[key] = (stamp, found)
        _definitions.move_to_end(key)
        while len(_definitions) > DEFINITIONS_KEPT:
            _definitions.popitem(last=False)
    return found


def _review(submission: Submission, reason: str) -> None:
    submission.status = SubmissionStatus.REVIEW
    submission.review_reason = str(reason)[:4000]


def _original(submission: Submission) -> Submission | None:
    if not submission.deprecated_id:
        return None
    return (
        Submission.objects.filter(form_id=submission.form_id, instance_id=submission.deprecated_id)
        .exclude(pk=submission.pk)
        .first()
    )


def _process(submission: Submission) -> None:
    qs = form_questions(submission)
    try:
        answers = instance.flatten(submission.xml, qs)
    except instance.InstanceProblem as exc:
        submission.answers = {}
        _review(submission, str(exc))
        return
    submission.answers = answers
    found = checks.check(qs, answers)
    submission.flags = found.flags
    submission._unchecked = found.unchecked  # type: ignore[attr-defined]
    kind = submission.form.kind
    submission.extra_answers = mappings.extra_answers(kind, qs, answers)
    original = _original(submission)
    if original is not None and original.record_uuid:
        submission.record_type, submission.record_uuid = (
            original.record_type,
            original.record_uuid,
        )
        _review(
            submission,
            _(
                "This is an edit of a submission that already became a record: edits are not "
                "applied automatically. Correct the record by hand."
            ),
        )
        return
    mapping = mappings.MAPPINGS.get(kind)  # type: ignore[call-overload]
    if mapping is None:  # FormKind.OTHER: kept with its answers, nothing to map
        submission.status = SubmissionStatus.PROCESSED
        submission.review_reason = ""
        return
    try:
        mapped = mapping(submission)
    except mappings.MappingError as exc:
        _review(submission, exc.reason)
        return
    submission.record_type = mapped.record_type
    submission.record_uuid = mapped.record_uuid
    submission.status = SubmissionStatus.PROCESSED
    submission.review_reason = ""
    if original is not None and original.status != SubmissionStatus.REPLACED:
        Submission.objects.filter(pk=original.pk).update(status=SubmissionStatus.REPLACED)


FIELDS = [
    "status",
    "review_reason_encrypted",
    "flags_encrypted",
    "answers_encrypted",
    "extra_answers_encrypted",
    "record_type",
    "record_uuid",
    "processed_at",
]


# A submission to process, with its form and organisation and its version's stamp
# (form_questions): one statement compiled once per process (compiling the select_related
# on every submission cost more CPU than the rest of the processing).
_READ: Compiled[Submission] = Compiled(
    lambda pk: Submission.objects.filter(pk=pk)
    .select_related("form", "form__organization")
    .annotate(
        version_uuid=F("form_version__uuid"), version_md5=F("form_version__md5"),
        version_questions=Cast("form_version__questions", TextField()),
    ),
    pk=int,
)  # fmt: skip


def process_submission(submission_id: int) -> None:
    """Map one stored submission to its domain records (see the module docstring)."""
    submission = _READ.first(pk=submission_id)
    if submission is None or submission.status == SubmissionStatus.REPLACED:
        return
    with translation.override(settings.LANGUAGE_CODE[:2]):
        try:
            _process(submission)
        except Exception as exc:  # never lost, never a 500 for the device: to the queue
            logger.exception("collect: processing submission %s failed", submission.pk)
            _review(
                submission,
                _("Processing stopped on an unexpected error (%(e)s). Reprocess it; if it "
                  "fails again, tell the support team.") % {"e": type(exc).__name__},
            )  # fmt: skip
    submission.processed_at = timezone.now()
    with transaction.atomic(savepoint=False):  # the outcome and its audit event: one commit
        update(Submission, submission.pk, **{name: getattr(submission, name) for name in FIELDS})
        log(
            None,
            actions.UPDATE,
            submission,
            organization=submission.form.organization,
            step="process",
            status=submission.status,
            kind=submission.form.kind,
            flags=len(submission.flags),
            unchecked=getattr(submission, "_unchecked", 0),
            **SYSTEM,
        )


def require_review(user: User, form: Form) -> None:
    """Reviewing a form's submissions needs REVIEW_SUBMISSIONS in its organisation."""
    if not policies.has_perm(
        user,
        Perm.REVIEW_SUBMISSIONS,
        organization_id=form.organization_id,
        country_id=form.country_id,
    ):
        log(user, actions.ACCESS_DENIED, form, Outcome.DENIED, permission="review_submissions")
        raise PermissionDenied(_("Your roles do not allow this here."))


REPROCESSABLE = (SubmissionStatus.RECEIVED, SubmissionStatus.REVIEW, SubmissionStatus.PROCESSED)


def reprocess(*, user: User, submission: Submission) -> Submission:
    """A reviewer tries one submission again (after fixing the form, the point, the plan…).

    Idempotent: a processed submission keeps its record (the mapping's door answers the
    same record again)."""
    require_review(user, submission.form)
    log(
        user,
        actions.UPDATE,
        submission,
        organization=submission.form.organization,
        step="reprocess",
    )
    if submission.status in REPROCESSABLE:
        process_submission(submission.pk)
    submission.refresh_from_db()
    return submission


def reprocess_form(*, user: User, form: Form) -> dict[str, int]:
    """Every submission of `form` in the review queue (or never processed), again."""
    require_review(user, form)
    ids = list(
        Submission.objects.filter(
            form=form, status__in=(SubmissionStatus.REVIEW, SubmissionStatus.RECEIVED)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    log(user, actions.UPDATE, form, organization=form.organization, step="reprocess_all",
        count=len(ids))  # fmt: skip
    for pk in ids:
        process_submission(pk)
    counts = dict.fromkeys(("processed", "review"), 0)
    for status in Submission.objects.filter(pk__in=ids).values_list("status", flat=True):
        key = "processed" if status == SubmissionStatus.PROCESSED else "review"
        counts[key] += 1
    return counts


def household_linked(*, batch: Any) -> None:
    """An import batch was merged: its submission now points to the household (called by
    the registry's IMPORT_MERGED hook, inside nothing; idempotent)."""
    household = mappings.household_of_batch(batch)
    if household is None:
        return
    with transaction.atomic():
        Submission.objects.filter(
            record_type=mappings.IMPORT_BATCH,
            record_uuid=batch.uuid,
            form__kind=FormKind.HOUSEHOLD_REGISTRATION,
        ).update(record_type=mappings.HOUSEHOLD, record_uuid=household.uuid)
