"""Corrections after registration to what `person_update` does not hold: a document, a
phone (and a phone added), each with its reason, version check and history as every edit;
and the full phone number shown to staff who call families (audited).

Numbers are history too: their old and new values are kept encrypted in FieldChange
(`encrypted=True`), as at rest, so that the rights pages and erasure find them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from caminantes.accounts.models import User
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions as audit_actions
from caminantes.audit.log import log
from caminantes.geo.models import Country
from caminantes.lib import crypto
from caminantes.lib.phones import InvalidPhone
from caminantes.registry import actions, events, timeline
from caminantes.registry.inputs import DocumentInput
from caminantes.registry.models import (
    Document,
    FieldChange,
    Household,
    Phone,
    SharedDocumentConfirmation,
)
from caminantes.registry.services import documents
from caminantes.registry.services.changes import VersionConflict, same_person
from caminantes.registry.services.checks import Places, require_perm, validate_document
from caminantes.registry.services.fields import document_fields, phone_fields

DOCUMENT_FIELDS = {"type", "number", "issuing_country", "issued_on", "expires_on", "status"}


def _reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why you are changing this record.")]})
    return reason.strip()[:300]


def _change(
    *,
    user: User,
    household: Household,
    obj: Document | Phone,
    field: str,
    old: str,
    new: str,
    reason: str,
    encrypted: bool = False,
) -> FieldChange:
    return FieldChange(
        household=household,
        object_type=type(obj).__name__.lower(),
        object_uuid=obj.uuid,
        field=field,
        old_value=crypto.encrypt(old) if encrypted and old else old,
        new_value=crypto.encrypt(new) if encrypted and new else new,
        encrypted=encrypted,
        reason=reason,
        changed_by=user,
    )


def _swap(model: type[Document] | type[Phone], pk: int, version: int, **values: Any) -> None:
    """Compare-and-swap on the version: a stale correction never overwrites silently."""
    updated = model.objects.filter(pk=pk, version=version).update(
        version=F("version") + 1, **values
    )
    if not updated:
        current = model.objects.filter(pk=pk).values_list("version", flat=True).first()
        raise VersionConflict(current or 0)


def document_update(
    *, user: User, document: Document, version: int, changes: dict[str, Any], reason: str
) -> Document:
    """Correct a document: its type, number, issuer, dates or status. `issuing_country` is
    an ISO2 code or a Country. A new number is refused when someone else holds it, as on
    registration."""
    person = document.person
    household = person.household
    require_perm(user, Perm.EDIT_HOUSEHOLDS, household.organization, household.country)
    if document.version != version:
        raise VersionConflict(document.version)
    reason = _reason(reason)
    unknown = set(changes) - DOCUMENT_FIELDS
    if unknown:
        raise ValidationError(
            {
                "fields": [
                    _("These fields cannot be changed here: %(f)s")
                    % {"f": ", ".join(sorted(unknown))}
                ]
            }
        )
    issuer = changes.get("issuing_country", document.issuing_country)
    current = DocumentInput(
        type=document.type,
        number=document.number,
        issuing_country=document.issuing_country.iso2 if document.issuing_country else None,
        issued_on=document.issued_on,
        expires_on=document.expires_on,
        status=document.status,
    )
    wanted = replace(
        current,
        **{k: v for k, v in changes.items() if k != "issuing_country"},
        issuing_country=issuer.iso2 if isinstance(issuer, Country) else issuer or None,
    )
    errors = validate_document(wanted, "")
    if wanted.status not in Document.Status.values:
        errors["status"] = [_("Choose a status.")]
    places = Places()
    country = places.country(wanted.issuing_country, errors, "issuing_country")
    if errors:
        raise ValidationError(errors)
    new_number = documents.normalised(wanted.number) != documents.normalised(current.number)
    confirmations: list[SharedDocumentConfirmation] = []
    if (
        new_number
        or wanted.type != current.type
        or wanted.issuing_country != current.issuing_country
    ):
        errors, confirmations = documents.held_document_errors(
            user=user,
            organization=household.organization,
            country=household.country,
            documents=[("number", wanted)],
            places=places,
            exclude_people=same_person(person),
        )
        if errors:
            raise ValidationError(errors)
    history = []
    values: dict[str, Any] = {}
    for name in ("type", "issued_on", "expires_on", "status"):
        old, new = getattr(current, name), getattr(wanted, name)
        if old != new:
            values[name] = new
            history.append(
                _change(
                    user=user,
                    household=household,
                    obj=document,
                    field=name,
                    old=str(old or ""),
                    new=str(new or ""),
                    reason=reason,
                )
            )
    if wanted.issuing_country != current.issuing_country:
        values["issuing_country"] = country
        history.append(
            _change(
                user=user,
                household=household,
                obj=document,
                field="issuing_country",
                old=current.issuing_country or "",
                new=wanted.issuing_country or "",
                reason=reason,
            )
        )
    if wanted.number.strip() != current.number.strip():
        values.update(document_fields(DocumentInput(type=wanted.type, number=wanted.number)))
        history.append(
            _change(
                user=user,
                household=household,
                obj=document,
                field="number",
                old=current.number,
                new=wanted.number.strip(),
                reason=reason,
                encrypted=True,
            )
        )
    if not history:
        return document
    with transaction.atomic():
        documents.confirmations_use(user=user, confirmations=confirmations)
        _swap(Document, document.pk, version, updated_at=timezone.now(), **values)
        FieldChange.objects.bulk_create(history)
        document.refresh_from_db()
        log(user, audit_actions.UPDATE, document, fields=sorted({c.field for c in history}))
        timeline.record(
            household,
            "document",
            document,
            None,
            gettext_noop("Document corrected: %(t)s"),
            params={"t": [timeline.label(document.get_type_display())]},
            actor=user,
            organization=household.organization,
        )
        if new_number or "type" in values:
            events.announce([person.pk], user, events.people_changed)
    return document


def phone_update(
    *,
    user: User,
    phone: Phone,
    version: int,
    reason: str,
    number: str | None = None,
    whatsapp: bool | None = None,
) -> Phone:
    """Correct a phone: its number (in the household's country) or whether it has WhatsApp."""
    household = phone.household
    require_perm(user, Perm.EDIT_HOUSEHOLDS, household.organization, household.country)
    if phone.version != version:
        raise VersionConflict(phone.version)
    reason = _reason(reason)
    values: dict[str, Any] = {}
    history = []
    if number is not None and number.strip():
        try:
            fields = phone_fields(number, household.country)
        except InvalidPhone as exc:
            raise ValidationError({"number": [_("This phone number is not valid.")]}) from exc
        if fields["number_hash"] != phone.number_hash:
            values.update(fields)
            history.append(
                _change(
                    user=user,
                    household=household,
                    obj=phone,
                    field="number",
                    old=phone.number,
                    new=crypto.decrypt(fields["number_encrypted"]),
                    reason=reason,
                    encrypted=True,
                )
            )
    elif number is not None:
        raise ValidationError({"number": [_("Write the phone number.")]})
    if whatsapp is not None and whatsapp != phone.whatsapp:
        values["whatsapp"] = whatsapp
        history.append(
            _change(
                user=user,
                household=household,
                obj=phone,
                field="whatsapp",
                old=str(phone.whatsapp),
                new=str(whatsapp),
                reason=reason,
            )
        )
    if not history:
        return phone
    with transaction.atomic():
        _swap(Phone, phone.pk, version, **values)
        FieldChange.objects.bulk_create(history)
        phone.refresh_from_db()
        log(user, audit_actions.UPDATE, phone, fields=sorted({c.field for c in history}))
        timeline.record(
            household,
            "update",
            phone,
            None,
            gettext_noop("Phone corrected."),
            actor=user,
            organization=household.organization,
        )
        if "number_hash" in values:
            people = household.members.values_list("pk", flat=True)
            events.announce(people, user, events.people_changed)
    return phone


def phone_reveal(*, user: User, phone: Phone) -> str:
    """The full number, for staff whose role may call the family; the reading is audited
    (pages show the last four digits only)."""
    household = phone.household
    require_perm(user, Perm.REVEAL_PHONES, household.organization, household.country)
    log(user, actions.PHONE_REVEALED, phone)
    return phone.number
