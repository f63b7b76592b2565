"""The register of data requests (access, correction, erasure) each organisation keeps."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.registry.models import DataRequest, Person
from caminantes.registry.rights.checks import require_perm, require_perm_for_person


def data_request_record(
    *,
    user: Any,
    person: Person,
    kind: str,
    received_on: date | None = None,
    note: str = "",
) -> DataRequest:
    """Write a request down in the register. Corrections may also be taken by caseworkers."""
    household = person.household
    perms = [Perm.HANDLE_DATA_REQUESTS]
    if kind == DataRequest.Kind.CORRECTION:
        perms.append(Perm.EDIT_HOUSEHOLDS)
    require_perm_for_person(user, person, *perms)
    if kind not in DataRequest.Kind.values:
        raise ValidationError({"kind": [_("Choose access, correction or erasure.")]})
    if person.anonymised_at is not None:
        raise ValidationError(_("This person's data has already been erased."))
    received_on = received_on or timezone.localdate()
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": [_("The date is in the future.")]})
    with transaction.atomic():
        request = DataRequest.objects.create(
            organization=household.organization,
            kind=kind,
            person_uuid=person.uuid,
            received_on=received_on,
            note=note.strip()[:300],
            handled_by=user,
        )
        log(user, actions.CREATE, request, kind=kind)
    return request


def data_request_close(
    *, user: Any, data_request: DataRequest, status: str, note: str = ""
) -> DataRequest:
    """Mark an open request done or refused (a refusal says why)."""
    require_perm(
        user,
        [Perm.HANDLE_DATA_REQUESTS],
        organization_id=data_request.organization_id,
        country_id=None,
    )
    if status not in (DataRequest.Status.DONE, DataRequest.Status.REFUSED):
        raise ValidationError({"status": [_("Choose done or refused.")]})
    if data_request.status != DataRequest.Status.OPEN:
        raise ValidationError(_("This request is already closed."))
    if status == DataRequest.Status.REFUSED and not note.strip():
        raise ValidationError({"note": [_("Say why the request is refused.")]})
    with transaction.atomic():
        data_request.status = status
        data_request.handled_by = user
        data_request.completed_at = timezone.now()
        if note.strip():
            data_request.note = note.strip()[:300]
        data_request.save(update_fields=["status", "handled_by", "completed_at", "note"])
        log(user, actions.UPDATE, data_request, status=status)
    return data_request
