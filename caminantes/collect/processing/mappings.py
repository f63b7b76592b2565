"""Each form kind's mapping from a submission's answers to domain records.

A mapping never writes a record itself: it hands the answers to the one door of the module
that owns the record, with that module's checks.

- household registration -> the registry's staged import (`registry.imports.batch_create`
  and `batch_validate`): one batch per submission, one household per batch, a CSV made of
  the members (the household's answers repeated on each member's row). The household is
  created when an officer approves the batch, exactly as for an uploaded file (duplicate
  check, consent, report, approval); until then the submission points to the batch.
- DTM flow count and flow monitoring survey -> `dtm.intake.submit_flow_count` /
  `submit_survey` (idempotent on the instance id).
- distribution receipt -> `assistance.services_distribution.handover_record`, the desk's
  door (entitlement, interval, daily cap, stock never negative), with a handover id made
  from the instance id, so a receipt sent twice is one handover.

A mapping that cannot apply raises `MappingError` with a translated reason for the review
queue. `consumed(kind, answers)` says which answers the mapping reads; the others are the
organisation's own questions, kept in `Submission.extra_answers`.
"""

from __future__ import annotations

import csv
import io
import re
import uuid as uuid_lib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from caminantes.collect.models import FormKind, Submission
from caminantes.collect.processing.instance import leaf
from caminantes.collect.processing.questions import META_TYPES

HOUSEHOLD = "registry.household"
IMPORT_BATCH = "registry.importbatch"
NAMESPACE = uuid_lib.UUID("6f1c3a52-5b8e-4d1e-9a0f-2c7d8e4b1a90")


class MappingError(Exception):
    """The submission cannot become its record; `reason` is shown in the review queue."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = str(reason)


@dataclass
class Mapped:
    record_type: str
    record_uuid: uuid_lib.UUID


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        parts = []
        for name, errors in exc.message_dict.items():
            text = "; ".join(errors)
            parts.append(text if name == "__all__" else f"{name}: {text}")
        return " · ".join(parts)
    return " ".join(exc.messages)


def bare_id(instance_id: str) -> str:
    text = instance_id.strip()
    return text[5:] if text.lower().startswith("uuid:") else text


def flat(answers: dict[str, Any]) -> dict[str, Any]:
    """The non-repeat answers by question name (group prefixes dropped; first one wins)."""
    out: dict[str, Any] = {}
    for path, value in answers.items():
        if not isinstance(value, list) and not path.startswith("meta/"):
            out.setdefault(leaf(path), value)
    return out


# --- household registration -------------------------------------------------------------


def _household_column(name: str) -> str | None:
    from caminantes.registry.imports import canonical_column

    column = canonical_column(name)
    return None if column == "household_id" else column


def _members(answers: dict[str, Any]) -> list[dict[str, Any]]:
    """The repeat of people: the first repeat whose items name a person."""
    for value in answers.values():
        if isinstance(value, list) and any(
            isinstance(item, dict) and any(_household_column(leaf(k)) for k in item)
            for item in value
        ):
            return [item for item in value if isinstance(item, dict)]
    return []


def household_rows(submission: Submission) -> list[dict[str, str]]:
    """One row per member, in the registry import's columns."""
    answers = submission.answers
    common: dict[str, str] = {}
    for name, value in flat(answers).items():
        column = _household_column(name)
        if column and value not in ("", None):
            common.setdefault(column, str(value))
    members = _members(answers)
    if not members and "given_names" in common:
        members = [{}]  # a form of one person, without a repeat
    if not members:
        raise MappingError(_("The household has no members: the list of people is empty."))
    key = bare_id(submission.instance_id)[:100]
    rows = []
    for item in members:
        row = dict(common)
        for path, value in item.items():
            column = _household_column(leaf(path))
            if column and not isinstance(value, list) and value not in ("", None):
                row[column] = str(value)
        row["household_id"] = key
        rows.append(row)
    return rows


def rows_csv(rows: list[dict[str, str]]) -> bytes:
    header = ["household_id", *sorted({c for r in rows for c in r} - {"household_id"})]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _batch_errors(batch: Any) -> str:
    from caminantes.registry.models import ImportRow

    parts = [str(m) for m in batch.file_errors or []]
    for row in ImportRow.objects.filter(batch=batch).exclude(errors=[]).order_by("row_number"):
        for e in row.errors:
            header = e.get("header") or e.get("column") or ""
            parts.append(
                _("Person %(n)d, %(column)s: %(message)s")
                % {"n": row.row_number - 1, "column": header, "message": e.get("message", "")}
            )
    return " · ".join(p for p in parts if p)[:2000]


def household_of_batch(batch: Any) -> Any:
    from caminantes.registry.models import Household

    return Household.objects.filter(import_batch=batch).order_by("pk").first()


def map_household(submission: Submission) -> Mapped:
    from caminantes.registry import imports
    from caminantes.registry.models import ImportBatch

    form = submission.form
    country = form.country
    if country is None:
        raise MappingError(
            _(
                "The form has no country: a household is registered in one country. "
                "Set the form's country, then reprocess."
            )
        )
    if submission.record_type == HOUSEHOLD and submission.record_uuid:
        return Mapped(HOUSEHOLD, submission.record_uuid)
    if submission.record_type == IMPORT_BATCH and submission.record_uuid:
        earlier = ImportBatch.objects.filter(uuid=submission.record_uuid).first()
        if earlier is not None and earlier.status == ImportBatch.Status.MERGED:
            household = household_of_batch(earlier)
            if household is not None:
                return Mapped(HOUSEHOLD, household.uuid)
        if earlier is not None and earlier.status in imports.staging.LIVE:
            return Mapped(IMPORT_BATCH, earlier.uuid)  # waiting for its approval
    content = rows_csv(household_rows(submission))
    try:
        batch = imports.batch_create(
            user=None,
            organization=form.organization,
            country=country,
            file_name=f"{form.form_id}-{bare_id(submission.instance_id)[:36]}.csv",
            chunks=[content],
        )
    except imports.SameFile as exc:
        batch = exc.earlier
    except (ValidationError, PermissionDenied) as exc:
        raise MappingError(
            _messages(exc) if isinstance(exc, ValidationError) else str(exc)
        ) from exc
    if batch.status == ImportBatch.Status.UPLOADED:
        batch = imports.batch_validate(batch, language=settings.LANGUAGE_CODE[:2])
    if batch.status == ImportBatch.Status.MERGED:
        household = household_of_batch(batch)
        if household is not None:
            return Mapped(HOUSEHOLD, household.uuid)
    if batch.status in (ImportBatch.Status.REJECTED, ImportBatch.Status.FAILED):
        raise MappingError(
            _("The registry refused this household: %(errors)s")
            % {"errors": _batch_errors(batch) or batch.get_status_display()}
        )
    return Mapped(IMPORT_BATCH, batch.uuid)


# --- DTM --------------------------------------------------------------------------------


def _dtm_data(submission: Submission) -> dict[str, Any]:
    data = flat(submission.answers)
    data["uuid"] = submission.instance_id
    return data


def _own_point(point: Any, submission: Submission) -> None:
    if point is not None and point.organization_id != submission.form.organization_id:
        raise MappingError(
            _("The point “%(point)s” belongs to another organisation.") % {"point": point.code}
        )


def map_flow_count(submission: Submission) -> Mapped:
    from caminantes.dtm import intake
    from caminantes.dtm.choices import Source

    data = _dtm_data(submission)
    try:
        sheet = intake.validate_flow_count(data, user=None)
        _own_point(sheet.point, submission)
        result = intake.submit_flow_count(data, source=Source.OPENROSA, user=None)
    except (ValidationError, PermissionDenied) as exc:
        raise MappingError(
            _messages(exc) if isinstance(exc, ValidationError) else str(exc)
        ) from exc
    return Mapped(result.obj._meta.label_lower, result.obj.uuid)


def map_flow_survey(submission: Submission) -> Mapped:
    from caminantes.dtm import intake
    from caminantes.dtm.choices import Source

    data = _dtm_data(submission)
    try:
        survey = intake.validate_survey(data, user=None)
        _own_point(survey.point, submission)
        result = intake.submit_survey(data, source=Source.OPENROSA, user=None)
    except (ValidationError, PermissionDenied) as exc:
        raise MappingError(
            _messages(exc) if isinstance(exc, ValidationError) else str(exc)
        ) from exc
    return Mapped(result.obj._meta.label_lower, result.obj.uuid)


# --- distribution receipt ---------------------------------------------------------------

RECEIPT_FIELDS = ("plan", "household", "collector", "member", "proxy_name", "proxy_consent")
YES = ("yes", "si", "sí", "true", "1", "y", "s", "sim")


def _scanned(text: Any) -> uuid_lib.UUID | None:
    tail = str(text or "").strip().rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    try:
        return uuid_lib.UUID(tail)
    except ValueError:
        return None


def receipt_request_id(submission: Submission) -> uuid_lib.UUID:
    """The handover id of a receipt: the same instance is always the same handover."""
    return uuid_lib.uuid5(NAMESPACE, f"{submission.form.uuid}:{submission.instance_id}")


def map_receipt(submission: Submission) -> Mapped:
    from caminantes.assistance import services_distribution
    from caminantes.assistance.models import DistributionPlan
    from caminantes.registry.models import Household, Person

    form = submission.form
    data = flat(submission.answers)
    plan_id, household_id = _scanned(data.get("plan")), _scanned(data.get("household"))
    plan = (
        DistributionPlan.objects.filter(uuid=plan_id, organization=form.organization).first()
        if plan_id
        else None
    )
    if plan is None:
        raise MappingError(
            _("plan: “%(value)s” is not a distribution of this organisation.")
            % {"value": str(data.get("plan") or "")[:60]}
        )
    household = (
        Household.objects.filter(
            uuid=household_id, organization=form.organization, anonymised_at__isnull=True
        ).first()
        if household_id
        else None
    )
    if household is None:
        raise MappingError(
            _("household: “%(value)s” is not a household of this organisation.")
            % {"value": str(data.get("household") or "")[:60]}
        )
    actor = submission.submitted_by or form.created_by
    if actor is None:
        raise MappingError(
            _("Nobody answers for this receipt: it came from a device and the form has no "
              "manager. Assign the form to a staff member who may distribute, then reprocess.")
        )  # fmt: skip
    proxy = str(data.get("collector") or "").strip().lower() == "proxy"
    collected_by = None
    if not proxy:
        member_id = _scanned(data.get("member"))
        members = Person.objects.filter(household=household, anonymised_at__isnull=True)
        collected_by = (
            members.filter(uuid=member_id).first()
            if member_id
            else members.filter(pk=household.focal_point_id or 0).first()
        )
        if collected_by is None:
            raise MappingError(_("member: the person who collected is not in this household."))
    try:
        result = services_distribution.handover_record(
            actor=actor,
            plan=plan,
            household=household,
            request_id=receipt_request_id(submission),
            collected_by=collected_by,
            proxy_name=str(data.get("proxy_name") or "") if proxy else "",
            proxy_consent=proxy and str(data.get("proxy_consent") or "").lower() in YES,
        )
    except PermissionDenied as exc:
        raise MappingError(
            _("%(who)s may not record handovers of this distribution.") % {"who": actor}
        ) from exc
    except ValidationError as exc:
        raise MappingError(_messages(exc)) from exc
    return Mapped(result.handover._meta.label_lower, result.handover.uuid)


MAPPINGS = {
    FormKind.HOUSEHOLD_REGISTRATION: map_household,
    FormKind.FLOW_COUNT: map_flow_count,
    FormKind.FLOW_SURVEY: map_flow_survey,
    FormKind.DISTRIBUTION_RECEIPT: map_receipt,
}


# --- what each mapping reads ------------------------------------------------------------


# The tally's breakdown cells as the DTM intake reads them (nationality_VE, transport_bus,
# destination_PE; see dtm.intake.flow's docstring).
FLAT_BREAKDOWN = re.compile(r"^(nationality|transport|destination)(?:__|_|/)(.+)$", re.IGNORECASE)


@lru_cache(maxsize=4)
def _dtm_names(kind: str) -> frozenset[str]:
    """What the DTM intake reads for this kind: the question names of DTM's XLSForm, and
    the field names its intake module names (older spellings such as `transit_countries`
    that the form no longer asks but files still carry)."""
    import inspect

    from caminantes.collect.xlsforms import question_names
    from caminantes.dtm import choices
    from caminantes.dtm.intake import common, flow, survey

    module = flow if kind == FormKind.FLOW_COUNT else survey
    names = set(question_names(kind))
    for source in (inspect.getsource(module), inspect.getsource(common)):
        names |= set(re.findall(r"[\"']([a-z][a-z0-9_]*)[\"']", source))
    for value in vars(choices).values():
        if isinstance(value, tuple | list) and all(isinstance(v, str) for v in value):
            names |= set(value)
    names |= {str(v) for v in choices.SurveyQuestion.values}
    return frozenset(names)


def consumed(kind: str, name: str) -> bool:
    """Does the mapping of `kind` read the question `name`?"""
    if kind == FormKind.HOUSEHOLD_REGISTRATION:
        return _household_column(name) is not None
    if kind in (FormKind.FLOW_COUNT, FormKind.FLOW_SURVEY):
        if name in _dtm_names(kind):
            return True
        return kind == FormKind.FLOW_COUNT and FLAT_BREAKDOWN.match(name) is not None
    if kind == FormKind.DISTRIBUTION_RECEIPT:
        return name in RECEIPT_FIELDS
    return False


def extra_answers(
    kind: str, questions: list[dict[str, Any]], answers: dict[str, Any]
) -> dict[str, Any]:
    """The answers no mapping reads (the organisation's own questions); device metadata
    (start, end, deviceid, meta/…) and notes are not answers and are left out."""
    meta = {q["path"] for q in questions if q["type"] in META_TYPES or q["type"] == "calculate"}
    meta_names = {q["name"] for q in questions if q["type"] in META_TYPES}

    def keep(path: str) -> bool:
        return not (
            path.startswith("meta/")
            or path in meta
            or leaf(path) in meta_names
            or leaf(path) in ("instanceID", "deprecatedID", "uuid")
            or consumed(kind, leaf(path))
        )

    out: dict[str, Any] = {}
    for path, value in answers.items():
        if isinstance(value, list):
            items = [
                {k: v for k, v in item.items() if not isinstance(v, list) and keep(k) and v != ""}
                for item in value
                if isinstance(item, dict)
            ]
            if any(items):
                out[path] = items
        elif keep(path) and value not in ("", None):
            out[path] = value
    return out
