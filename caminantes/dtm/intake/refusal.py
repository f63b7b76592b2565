"""Survey refusals: someone asked who said no (consent = no) is counted, nothing more.

An ODK or Kobo export holds a row for every person asked; the rows with consent = no carry
only the point, the date and the submission id. They are stored as `SurveyRefusal` so that
outputs can give the response rate; the survey's answers of such a row are never read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from caminantes.accounts.models import User
from caminantes.dtm.intake import common
from caminantes.dtm.intake.common import (
    PointCache,
    Reader,
    Result,
    content_digest,
    resolve_point,
)
from caminantes.dtm.models import DtmImport, FlowMonitoringPoint, Operation, SurveyRefusal

CONSENT_NO = ("no", "não", "nao", "0", "false")


def is_refusal(data: dict[str, Any]) -> bool:
    """Consent answered no (in any of the form's languages)."""
    return str(data.get("consent") or "").strip().lower() in CONSENT_NO


@dataclass
class RefusalInput:
    uuid: Any
    point: FlowMonitoringPoint
    asked_on: date
    digest: str


def validate_refusal(
    data: dict[str, Any],
    *,
    user: User | None = None,
    operation: Operation | None = None,
    points: PointCache | None = None,
) -> RefusalInput:
    """Only the submission id, the point and the date are read (and checked)."""
    r = Reader(dict(data))
    submission = r.uuid()
    point = resolve_point(
        r.data.get("point"), user=user, operation=operation, reader=r, cache=points
    )
    asked_on = r.day("date")
    if r.errors:
        raise ValidationError(r.errors)
    assert submission and point and asked_on
    clean = {"point": str(point.uuid), "date": asked_on, "consent": "no"}
    return RefusalInput(submission, point, asked_on, content_digest(clean))


# The content digest of each of these submission ids already stored, in one query; and
# whether a refusal is counted with this content (Conflict when known otherwise).
stored_digests = partial(common.stored_digests, SurveyRefusal)
already_stored = partial(common.already_stored, SurveyRefusal, common.SURVEY_REUSED)


def store_refusal(
    refusal: RefusalInput,
    *,
    source: str,
    user: User | None,
    import_batch: DtmImport | None = None,
    stored: dict[Any, str] | None = None,
) -> Result:
    with transaction.atomic():
        obj, created = common.store_once(
            SurveyRefusal, common.SURVEY_REUSED, refusal, stored=stored, user=user,
            source=source, import_batch=import_batch, asked_on=refusal.asked_on,
        )  # fmt: skip
        return Result(obj, created=created)
