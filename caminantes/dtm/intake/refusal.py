"""Survey refusals: someone asked who said no (consent = no) is counted, nothing more.

An ODK or Kobo export holds a row for every person asked; the rows with consent = no carry
only the point, the date and the submission id. They are stored as `SurveyRefusal` so that
outputs can give the response rate; the survey's answers of such a row are never read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from caminantes.accounts.models import User
from caminantes.dtm.intake.common import (
    Conflict,
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


def stored_digests(uuids: Iterable[Any]) -> dict[Any, str]:
    return dict(
        SurveyRefusal.objects.filter(uuid__in=list(uuids)).values_list("uuid", "content_sha256")
    )


def already_stored(refusal: RefusalInput, stored: dict[Any, str] | None = None) -> bool:
    """True when this id is counted with this content; Conflict when known otherwise."""
    if stored is not None:
        digest = stored.get(refusal.uuid)
    else:
        digest = (
            SurveyRefusal.objects.filter(uuid=refusal.uuid)
            .values_list("content_sha256", flat=True)
            .first()
        )
    if digest is None:
        return False
    if digest != refusal.digest:
        raise Conflict(
            _("This survey (%(id)s) was already received with different answers.")
            % {"id": str(refusal.uuid)[:8]},
            code="conflict",
        )
    return True


def store_refusal(
    refusal: RefusalInput,
    *,
    source: str,
    user: User | None,
    import_batch: DtmImport | None = None,
    stored: dict[Any, str] | None = None,
) -> Result:
    point = refusal.point
    with transaction.atomic():
        if already_stored(refusal, stored):
            return Result(SurveyRefusal.objects.get(uuid=refusal.uuid), created=False)
        try:
            with transaction.atomic():
                obj = SurveyRefusal.objects.create(
                    uuid=refusal.uuid,
                    point=point,
                    organization_id=point.organization_id,
                    country_id=point.country_id,
                    operation_id=point.operation_id,
                    asked_on=refusal.asked_on,
                    source=source,
                    import_batch=import_batch,
                    enumerator=user,
                    content_sha256=refusal.digest,
                )
        except IntegrityError:
            if already_stored(refusal):
                return Result(SurveyRefusal.objects.get(uuid=refusal.uuid), created=False)
            raise
    return Result(obj, created=True)
