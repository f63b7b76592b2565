# No `from __future__ import annotations`: django-ninja reads the annotations at run time.
"""Corrections after registration: a document, a phone, a phone added, the full number
for staff who call families (audited), and a consent withdrawal taken back for a few
minutes. The same services as the pages (`registry.services.corrections`, `.undo`)."""

from uuid import UUID

from django.http import HttpRequest
from ninja import Status

from caminantes.accounts.api_auth import require_scope
from caminantes.accounts.models import ApiToken
from caminantes.lib.api import ErrorOut, body_schema, parse_body
from caminantes.registry import selectors, services
from caminantes.registry.api.plumbing import (
    WRITE_ANSWERS,
    acting_user,
    answers,
    document_for,
    household_for,
    operation_id,
    phone_for,
    router,
)
from caminantes.registry.api.schemas import (
    ConflictOut,
    ConsentOut,
    DocumentOut,
    DocumentPatchIn,
    PhoneIn,
    PhoneNumberOut,
    PhoneOut,
    PhonePatchIn,
    WithdrawIn,
)
from caminantes.registry.inputs import PhoneInput
from caminantes.registry.services import corrections, undo

STALE = "If the record changed since that version the answer is 409 with the current version."


@router.patch(
    "/documents/{uuid}",
    operation_id=operation_id("document_patch"),
    response={200: DocumentOut, 409: ConflictOut, **WRITE_ANSWERS},
    summary="Correct a document",
    description=(
        "Send `version` and `reason`, plus only the fields to change. A new number held by "
        "someone else is refused, as on registration. " + STALE
    ),
    openapi_extra=body_schema(DocumentPatchIn),
)
@answers
def document_patch(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    document = document_for(request, uuid)
    data = parse_body(request, DocumentPatchIn)
    corrected = corrections.document_update(
        user=acting_user(request),
        document=document,
        version=data.version,
        changes=data.changes(),
        reason=data.reason,
    )
    return Status(200, corrected)


@router.post(
    "/households/{uuid}/phones",
    operation_id=operation_id("household_phone_add"),
    response={201: PhoneOut, **WRITE_ANSWERS},
    summary="Add a phone to a household",
    description="A number in the household's country; the answer shows its last four digits.",
    openapi_extra=body_schema(PhoneIn),
)
@answers
def household_phone_add(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    household = household_for(request, uuid)
    data = parse_body(request, PhoneIn)
    phone = services.phone_add(
        user=acting_user(request),
        household=household,
        phone=PhoneInput(data.number, data.whatsapp),
    )
    return Status(201, phone)


@router.patch(
    "/phones/{uuid}",
    operation_id=operation_id("phone_patch"),
    response={200: PhoneOut, 409: ConflictOut, **WRITE_ANSWERS},
    summary="Correct a phone",
    description="Send `version` and `reason`, plus `number` and/or `whatsapp`. " + STALE,
    openapi_extra=body_schema(PhonePatchIn),
)
@answers
def phone_patch(request: HttpRequest, uuid: UUID) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    phone = phone_for(request, uuid)
    data = parse_body(request, PhonePatchIn)
    corrected = corrections.phone_update(
        user=acting_user(request),
        phone=phone,
        version=data.version,
        reason=data.reason,
        number=data.number,
        whatsapp=data.whatsapp,
    )
    return Status(200, corrected)


@router.post(
    "/phones/{uuid}/reveal",
    operation_id=operation_id("phone_reveal"),
    response={200: PhoneNumberOut, 403: ErrorOut, 404: ErrorOut},
    summary="Show a phone's full number",
    description=(
        "For staff whose role may call the family; every reading is audited. A POST, so that "
        "no prefetch or cache shows the number by accident."
    ),
)
@answers
def phone_reveal(request: HttpRequest, uuid: UUID) -> Status[object]:
    phone = phone_for(request, uuid)
    number = corrections.phone_reveal(user=acting_user(request), phone=phone)
    return Status(200, {"uuid": phone.uuid, "number": number})


@router.post(
    "/consents/{uuid}/withdraw/undo",
    operation_id=operation_id("consent_withdraw_undo"),
    response={200: ConsentOut, 409: ConflictOut, **WRITE_ANSWERS},
    summary="Undo a consent withdrawal",
    description=(
        "Within ten minutes of a withdrawal, the consent counts again from now. Refused (422) "
        "when it is not withdrawn, the time has passed, or a new consent was recorded since; "
        "409 when `version` is not the consent's current one."
    ),
)
@answers
def consent_withdraw_undo(
    request: HttpRequest, uuid: UUID, data: WithdrawIn | None = None
) -> Status[object]:
    require_scope(request, ApiToken.Scope.WRITE)
    consent = selectors.consent_detail(user=request.user, uuid=uuid)
    version = data.version if data is not None else None
    return Status(
        200, undo.consent_withdraw_undo(user=acting_user(request), consent=consent, version=version)
    )
