"""Changes to registered households and people: corrections with their history, documents,
phones, consents and needs assessments. Each: permission check -> change -> audit and
timeline, in one transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from caminantes.accounts.models import Organization, User
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.geo.models import AdminArea, Country
from caminantes.lib.phones import InvalidPhone
from caminantes.registry import events, timeline
from caminantes.registry.inputs import ConsentInput, DocumentInput, PersonInput, PhoneInput
from caminantes.registry.models import (
    WG_DOMAINS,
    Consent,
    Document,
    FieldChange,
    Household,
    NeedsAssessment,
    Person,
    Phone,
    Relationship,
    Sector,
)
from caminantes.registry.services import documents
from caminantes.registry.services.checks import (
    Errors,
    Places,
    require_perm,
    validate_arrival,
    validate_document,
    validate_person,
)
from caminantes.registry.services.fields import document_row, name_fields, phone_fields


class VersionConflict(Exception):
    """The record changed since the version the edit was based on (HTTP 409)."""

    def __init__(self, current: int, message: str | None = None) -> None:
        self.current = current
        super().__init__(
            message
            or _("Someone else changed this record (now version %(v)d). Reload and try again.")
            % {"v": current}
        )


# Fields whose change may change who the person is taken for by the duplicate check.
IDENTIFYING = {
    "given_names",
    "first_surname",
    "second_surname",
    "sex",
    "birth_date",
    "birth_date_estimated",
    "nationalities",
}


def index_person(person: Person) -> None:
    """Keep the search name and keys in step with the person's names."""
    fields = name_fields(
        person.given_names, person.first_surname, person.second_surname, person.preferred_name
    )
    person.search_name = fields["search_name"]
    person.search_tokens = fields["search_tokens"]
    Person.objects.filter(pk=person.pk).update(**fields)


# Fields a caseworker may edit, with how to show and compare them.
HOUSEHOLD_FIELDS = {
    "population_type",
    "address",
    "arrival_date",
    "status",
    "current_area",
    "destination_country",
    "destination_area",
}
PERSON_FIELDS = {
    "given_names",
    "first_surname",
    "second_surname",
    "preferred_name",
    "sex",
    "birth_date",
    "birth_date_estimated",
    "relationship",
    "specific_needs",
    "languages",
    "nationalities",
    *(f"wg_{d}" for d in WG_DOMAINS),
}


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, AdminArea | Country):
        return value.iso_code if isinstance(value, AdminArea) else value.iso2
    if isinstance(value, list | tuple):
        return ",".join(_display(v) for v in value)
    return str(value)


def _nationalities(value: Any, errors: Errors) -> list[Country]:
    """Countries given as records (forms) or ISO2 codes (the API), in a stable order."""
    places = Places()
    found = [
        c if isinstance(c, Country) else places.country(str(c), errors, "nationalities")
        for c in value or []
    ]
    return sorted({c.pk: c for c in found if c is not None}.values(), key=lambda c: c.iso2)


# Fields that hold a place: given as the record (forms) or as its code (the API, a file).
COUNTRY_FIELDS = {"destination_country"}
AREA_FIELDS = {"current_area", "destination_area"}


def _resolve_places(changes: dict[str, Any]) -> dict[str, Any]:
    places = Places()
    errors: Errors = {}
    resolved = dict(changes)
    for name, value in changes.items():
        if isinstance(value, str) and name in COUNTRY_FIELDS:
            resolved[name] = places.country(value, errors, name)
        elif isinstance(value, str) and name in AREA_FIELDS:
            resolved[name] = places.area(value, errors, name)
    if errors:
        raise ValidationError(errors)
    return resolved


def _require_version(obj: Household | Person, version: int) -> None:
    """Checked first, so that a stale copy is never taken for the current one, even by an
    edit that would change nothing; the save compares-and-swaps as well."""
    if obj.version != version:
        raise VersionConflict(obj.version)


def _apply_changes(
    *,
    user: User,
    obj: Household | Person,
    household: Household,
    allowed: set[str],
    version: int,
    changes: dict[str, Any],
    reason: str,
) -> list[str]:
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why you are changing this record.")]})
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(
            {
                "fields": [
                    _("These fields cannot be changed here: %(f)s")
                    % {"f": ", ".join(sorted(unknown))}
                ]
            }
        )
    changes = _resolve_places(changes)
    model = type(obj)
    changed: list[str] = []
    history = []
    for name, new in changes.items():
        old = getattr(obj, name)
        if name == "nationalities":  # many-to-many: compared and stored as a set
            old = sorted(old.all(), key=lambda c: c.iso2)
        if _display(old) == _display(new):
            continue
        if name != "nationalities":
            setattr(obj, name, new)
        changed.append(name)
        history.append(
            FieldChange(
                household=household,
                object_type=model.__name__.lower(),
                object_uuid=obj.uuid,
                field=name,
                old_value=_display(old),
                new_value=_display(new),
                reason=reason.strip()[:300],
                changed_by=user,
            )
        )
    if not changed:
        return []
    # Compare-and-swap on the version: a stale edit never overwrites silently.
    updated = model.objects.filter(pk=obj.pk, version=version).update(
        version=F("version") + 1,
        updated_at=timezone.now(),
        **{name: getattr(obj, name) for name in changed if name not in {"nationalities"}},
    )
    if not updated:
        current = model.objects.filter(pk=obj.pk).values_list("version", flat=True).first()
        raise VersionConflict(current or 0)
    obj.version = version + 1
    if "nationalities" in changed:
        obj.nationalities.set(changes["nationalities"])  # type: ignore[union-attr]
    FieldChange.objects.bulk_create(history)
    return changed


def household_update(
    *, user: User, household: Household, version: int, changes: dict[str, Any], reason: str
) -> Household:
    require_perm(user, Perm.EDIT_HOUSEHOLDS, household.organization, household.country)
    _require_version(household, version)
    if errors := validate_arrival(changes.get("arrival_date")):
        raise ValidationError(errors)
    with transaction.atomic():
        changed = _apply_changes(
            user=user,
            obj=household,
            household=household,
            allowed=HOUSEHOLD_FIELDS,
            version=version,
            changes=changes,
            reason=reason,
        )
        if changed:
            log(user, actions.UPDATE, household, fields=sorted(changed))
            timeline.record(
                household,
                "update",
                household,
                None,
                gettext_noop("Household details changed: %(f)s"),
                params={"f": timeline.field_labels(Household, changed)},
                actor=user,
                organization=household.organization,
            )
    return household


def person_update(
    *, user: User, person: Person, version: int, changes: dict[str, Any], reason: str
) -> Person:
    household = person.household
    require_perm(user, Perm.EDIT_HOUSEHOLDS, household.organization, household.country)
    _require_version(person, version)
    probe = PersonInput(
        given_names=changes.get("given_names", person.given_names),
        first_surname=changes.get("first_surname", person.first_surname),
        second_surname=changes.get("second_surname", person.second_surname),
        sex=changes.get("sex", person.sex),
        relationship=changes.get("relationship", person.relationship),
        birth_date=changes.get("birth_date", person.birth_date),
        specific_needs=changes.get("specific_needs", person.specific_needs),
        consent=ConsentInput(legal_basis=Consent.LegalBasis.PUBLIC_INTEREST),
    )
    if "specific_needs" in changes:
        changes = changes | {"specific_needs": sorted(set(changes["specific_needs"]))}
    errors = validate_person(probe, "")
    if "nationalities" in changes:
        changes = changes | {"nationalities": _nationalities(changes["nationalities"], errors)}
    if (
        changes.get("relationship") == Relationship.FOCAL_POINT
        and person.relationship != Relationship.FOCAL_POINT
    ):
        errors["relationship"] = [_("The household already has a focal point.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        changed = _apply_changes(
            user=user,
            obj=person,
            household=household,
            allowed=PERSON_FIELDS,
            version=version,
            changes=changes,
            reason=reason,
        )
        if changed:
            if {"given_names", "first_surname", "second_surname", "preferred_name"} & set(changed):
                index_person(person)
            if IDENTIFYING & set(changed):
                events.announce([person.pk], user, events.people_changed)
            log(user, actions.UPDATE, person, fields=sorted(changed))
            timeline.record(
                household,
                "update",
                person,
                None,
                gettext_noop("Details of a member changed: %(f)s"),
                params={"f": timeline.field_labels(Person, changed)},
                actor=user,
                organization=household.organization,
            )
    return person


def same_person(person: Person) -> set[int]:
    """The person and the records merged with them: their documents are their own."""
    ids = {person.pk, *Person.objects.filter(merged_into=person).values_list("pk", flat=True)}
    if person.merged_into_id is not None:
        ids.add(person.merged_into_id)
    return ids


def document_add(*, user: User, person: Person, document: DocumentInput) -> Document:
    household = person.household
    require_perm(user, Perm.EDIT_HOUSEHOLDS, household.organization, household.country)
    errors = validate_document(document, "")
    if errors:
        raise ValidationError(errors)
    places = Places()
    places.country(document.issuing_country, errors, "issuing_country")
    if errors:
        raise ValidationError(errors)
    errors, confirmations = documents.held_document_errors(
        user=user,
        organization=household.organization,
        country=household.country,
        documents=[("number", document)],
        places=places,
        exclude_people=same_person(person),
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        documents.confirmations_use(user=user, confirmations=confirmations)
        doc = Document.objects.create(**document_row(person.pk, document, places))
        log(user, actions.CREATE, doc)
        timeline.record(
            household,
            "document",
            doc,
            None,
            gettext_noop("Document recorded: %(t)s"),
            params={"t": [timeline.label(doc.get_type_display())]},
            actor=user,
            organization=household.organization,
        )
        events.announce([person.pk], user, events.people_changed)
    return doc


def phone_add(*, user: User, household: Household, phone: PhoneInput) -> Phone:
    require_perm(user, Perm.EDIT_HOUSEHOLDS, household.organization, household.country)
    try:
        fields = phone_fields(phone.number, household.country)
    except InvalidPhone as exc:
        raise ValidationError({"number": [_("This phone number is not valid.")]}) from exc
    with transaction.atomic():
        ph = Phone.objects.create(household=household, whatsapp=phone.whatsapp, **fields)
        log(user, actions.CREATE, ph)
        events.announce(household.members.values_list("pk", flat=True), user, events.people_changed)
    return ph


def consent_record(
    *,
    user: User,
    person: Person,
    purpose: str,
    c: ConsentInput,
    recipient: Organization | None = None,
) -> Consent:
    household = person.household
    require_perm(user, Perm.MANAGE_CONSENT, household.organization, household.country)
    if purpose not in Consent.Purpose.values:
        raise ValidationError({"purpose": [_("Unknown purpose.")]})
    if purpose == Consent.Purpose.SHARING and recipient is None:
        raise ValidationError({"recipient": [_("Name the partner the data may be shared with.")]})
    if c.given_by == Consent.GivenBy.GUARDIAN and not c.guardian_name.strip():
        raise ValidationError({"guardian_name": [_("Write the guardian's name.")]})
    with transaction.atomic():
        consent = Consent.objects.create(
            person=person,
            purpose=purpose,
            recipient=recipient,
            legal_basis=c.legal_basis,
            given_by=c.given_by,
            guardian_name=c.guardian_name.strip(),
            child_assent=c.child_assent,
            language=c.language,
            recorded_by=user,
        )
        log(user, actions.CREATE, consent, purpose=purpose)
        timeline.record(
            household,
            "consent",
            consent,
            None,
            gettext_noop("Consent recorded: %(p)s"),
            params={"p": [timeline.label(consent.get_purpose_display())]},
            actor=user,
            organization=household.organization,
        )
    return consent


def consent_withdraw(*, user: User, consent: Consent, version: int | None = None) -> Consent:
    """From today on the consent no longer counts. `version` (the API's) must be current;
    a consent withdrawn meanwhile is a conflict too, never withdrawn twice."""
    household = consent.person.household
    require_perm(user, Perm.MANAGE_CONSENT, household.organization, household.country)
    if consent.withdrawn_on is not None:
        raise VersionConflict(
            consent.version,
            _("This consent was already withdrawn on %(d)s.")
            % {"d": date_format(consent.withdrawn_on, "SHORT_DATE_FORMAT")},
        )
    with transaction.atomic():
        expected = consent.version if version is None else version
        today = timezone.localdate()
        swapped = Consent.objects.filter(
            pk=consent.pk, version=expected, withdrawn_on__isnull=True
        ).update(
            withdrawn_on=today,
            withdrawn_by=user,
            withdrawn_at=timezone.now(),
            version=F("version") + 1,
        )
        if not swapped:
            current = Consent.objects.values_list("version", flat=True).get(pk=consent.pk)
            raise VersionConflict(current)
        consent.refresh_from_db()
        log(user, actions.UPDATE, consent, withdrawn=True)
        events.announce_consent_withdrawn([consent.person_id], consent.purpose, user)
        timeline.record(
            household,
            "consent",
            consent,
            None,
            gettext_noop("Consent withdrawn: %(p)s"),
            params={"p": [timeline.label(consent.get_purpose_display())]},
            actor=user,
            organization=household.organization,
        )
    return consent


def needs_assess(
    *, user: User, household: Household, severities: dict[str, int], assessed_on: date | None = None
) -> NeedsAssessment:
    require_perm(user, Perm.EDIT_HOUSEHOLDS, household.organization, household.country)
    bad = [s for s, v in severities.items() if s not in Sector.values or not 0 <= int(v) <= 4]
    if bad or not severities:
        raise ValidationError({"severities": [_("Give a severity from 0 to 4 for known sectors.")]})
    with transaction.atomic():
        assessment = NeedsAssessment.objects.create(
            household=household,
            assessed_by=user,
            assessed_on=assessed_on or timezone.localdate(),
            severities={s: int(v) for s, v in severities.items()},
        )
        log(user, actions.CREATE, assessment)
        high = [timeline.label(Sector(s).label) for s, v in assessment.severities.items() if v >= 3]
        timeline.record(
            household,
            "needs",
            assessment,
            None,
            (
                gettext_noop("Needs assessed. High: %(s)s")
                if high
                else gettext_noop("Needs assessed.")
            ),
            params={"s": high} if high else None,
            actor=user,
            organization=household.organization,
        )
    return assessment
