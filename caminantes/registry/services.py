"""Writes to the registry. Each: permission check -> change -> audit (and timeline), atomic."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from caminantes.accounts import policies
from caminantes.accounts.models import Organization, User
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import log, log_many
from caminantes.audit.models import Outcome
from caminantes.geo.models import AdminArea, Country
from caminantes.lib import crypto, names
from caminantes.lib.phones import InvalidPhone, to_e164
from caminantes.registry import duplicates, events, timeline
from caminantes.registry.inputs import (
    ConsentInput,
    DocumentInput,
    HouseholdInput,
    PersonInput,
    PhoneInput,
)
from caminantes.registry.models import (
    WG_DOMAINS,
    Consent,
    Difficulty,
    Document,
    FieldChange,
    Household,
    NeedsAssessment,
    Person,
    Phone,
    PopulationType,
    Relationship,
    Sector,
    Sex,
    SpecificNeed,
)

ADULT_AGE = 18


class VersionConflict(Exception):
    """The record changed since the version the edit was based on (HTTP 409)."""

    def __init__(self, current: int) -> None:
        self.current = current
        super().__init__(
            _("Someone else changed this record (now version %(v)d). Reload and try again.")
            % {"v": current}
        )


@dataclass
class Registration:
    household: Household | None
    candidates: dict[int, list[duplicates.Candidate]] = field(default_factory=dict)

    @property
    def needs_review(self) -> bool:
        return self.household is None and bool(self.candidates)


def _check(user: User, perm: Perm, organization: Organization, country: Country) -> None:
    if not policies.has_perm(user, perm, organization_id=organization.pk, country_id=country.pk):
        log(user, actions.ACCESS_DENIED, Household, Outcome.DENIED, permission=perm.value)
        raise PermissionDenied(_("Your roles do not allow this here."))


def _country(iso2: str | None, errors: dict[str, list[str]], key: str) -> Country | None:
    if not iso2:
        return None
    country = Country.objects.filter(iso2=iso2.upper()).first()
    if country is None:
        errors.setdefault(key, []).append(_("Unknown country: %(c)s") % {"c": iso2})
    return country


def _area(code: str | None, errors: dict[str, list[str]], key: str) -> AdminArea | None:
    if not code:
        return None
    area = (
        AdminArea.objects.filter(iso_code=code.upper()).first()
        or AdminArea.objects.filter(pcode=code.upper()).first()
    )
    if area is None:
        errors.setdefault(key, []).append(_("Unknown area: %(a)s") % {"a": code})
    return area


def validate_person(p: PersonInput, prefix: str, today: date | None = None) -> dict[str, list[str]]:
    """Checks that need no database. Keys are form-like paths (members-0-birth_date)."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}

    def err(name: str, message: str) -> None:
        errors.setdefault(f"{prefix}{name}", []).append(message)

    if not p.given_names.strip():
        err("given_names", _("Given names are required."))
    if not (p.first_surname.strip() or p.second_surname.strip()):
        err("first_surname", _("At least one surname is required."))
    if p.sex not in Sex.values:
        err("sex", _("Choose female, male or other."))
    if p.relationship not in Relationship.values:
        err("relationship", _("Choose a relationship to the focal point."))
    if p.birth_date is not None:
        if p.birth_date > today:
            err("birth_date", _("The date of birth is in the future."))
        elif p.birth_date.year < today.year - 120:
            err("birth_date", _("The date of birth is more than 120 years ago."))
    for domain, answer in p.wg.items():
        if domain not in WG_DOMAINS or (answer and answer not in Difficulty.values):
            err("wg", _("Unknown Washington Group answer: %(a)s") % {"a": f"{domain}={answer}"})
    for need in p.specific_needs:
        if need not in SpecificNeed.values:
            err("specific_needs", _("Unknown specific need: %(n)s") % {"n": need})
    for i, d in enumerate(p.documents):
        if d.type not in Document.Type.values:
            err(f"documents-{i}-type", _("Unknown document type."))
        if not duplicates.normalise_document(d.number):
            err(f"documents-{i}-number", _("The document number is empty."))
        if d.issued_on and d.expires_on and d.expires_on < d.issued_on:
            err(f"documents-{i}-expires_on", _("The document expires before it was issued."))
    c = p.consent
    for purpose in c.purposes:
        if purpose not in Consent.Purpose.values:
            err("consent", _("Unknown consent purpose: %(p)s") % {"p": purpose})
    if (
        Consent.Purpose.REGISTRATION not in c.purposes
        and c.legal_basis == Consent.LegalBasis.CONSENT
    ):
        err("consent", _("Registration needs the person's consent or another legal basis."))
    age = _age(p.birth_date, today)
    if (
        age is not None
        and age < ADULT_AGE
        and c.given_by == Consent.GivenBy.PERSON
        and (c.legal_basis == Consent.LegalBasis.CONSENT)
    ):
        if p.relationship != Relationship.FOCAL_POINT or age < 14:
            err("consent", _("For a child, a parent or guardian gives consent."))
    if c.given_by == Consent.GivenBy.GUARDIAN and not c.guardian_name.strip():
        err("consent", _("Write the guardian's name."))
    return errors


def _age(birth: date | None, today: date) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def index_person(person: Person) -> None:
    """Keep the search name and keys in step with the person's names."""
    full = names.full_name(person.given_names, person.first_surname, person.second_surname)
    person.search_name = names.fold(full)
    person.search_tokens = sorted(names.search_keys(full, person.preferred_name))
    Person.objects.filter(pk=person.pk).update(
        search_name=person.search_name, search_tokens=person.search_tokens
    )


def _encrypted(number: str, purpose: str, normalised: str) -> dict[str, str]:
    return {
        "number_encrypted": crypto.encrypt(number.strip()),
        "number_hash": crypto.lookup_hash(normalised, purpose=purpose),
        "number_last4": normalised[-4:],
    }


def _phone_fields(raw: str, country: Country) -> dict[str, str]:
    e164 = to_e164(raw, country.iso2)
    return _encrypted(e164, "phone", e164)


def _document_fields(d: DocumentInput) -> dict[str, str]:
    return _encrypted(d.number, "document", duplicates.normalise_document(d.number))


# Fields whose change may change who the person is taken for by the duplicate check.
IDENTIFYING = {"given_names", "first_surname", "second_surname", "sex", "birth_date"}


class _Refs:
    """Countries and areas looked up once per registration, not once per member."""

    def __init__(self) -> None:
        self.countries: dict[str, Country | None] = {}
        self.areas: dict[str, AdminArea | None] = {}

    def country(self, iso2: str | None, errors: dict[str, list[str]], key: str) -> Country | None:
        if not iso2:
            return None
        code = iso2.upper()
        if code not in self.countries:
            self.countries[code] = _country(code, {}, key)
        if self.countries[code] is None:
            errors.setdefault(key, []).append(_("Unknown country: %(c)s") % {"c": iso2})
        return self.countries[code]

    def area(self, code: str | None, errors: dict[str, list[str]], key: str) -> AdminArea | None:
        if not code:
            return None
        if code.upper() not in self.areas:
            self.areas[code.upper()] = _area(code, {}, key)
        if self.areas[code.upper()] is None:
            errors.setdefault(key, []).append(_("Unknown area: %(a)s") % {"a": code})
        return self.areas[code.upper()]


def _create_person(
    *,
    user: User,
    household: Household,
    p: PersonInput,
    country: Country,
    refs: _Refs | None = None,
    audit: bool = True,
) -> Person:
    """One member with nationalities, documents, phone and consents. `audit=False` when the
    caller logs the people it created in one go (`log_many`)."""
    errors: dict[str, list[str]] = {}
    refs = refs or _Refs()
    given, first, second = p.given_names.strip(), p.first_surname.strip(), p.second_surname.strip()
    full = names.full_name(given, first, second)
    person = Person.objects.create(
        household=household,
        relationship=p.relationship,
        given_names=given,
        first_surname=first,
        second_surname=second,
        preferred_name=p.preferred_name.strip(),
        sex=p.sex,
        birth_date=p.birth_date,
        birth_date_estimated=p.birth_date_estimated,
        birth_country=refs.country(p.birth_country, errors, "birth_country"),
        birth_area=refs.area(p.birth_area, errors, "birth_area"),
        languages=p.languages,
        specific_needs=sorted(set(p.specific_needs)),
        # What index_person writes, written with the row.
        search_name=names.fold(full),
        search_tokens=sorted(names.search_keys(full, p.preferred_name.strip())),
        **{f"wg_{k}": v for k, v in p.wg.items() if k in WG_DOMAINS},
    )
    nationalities = [
        c for c in (refs.country(i, errors, "nationalities") for i in p.nationalities) if c
    ]
    # A new person has none yet: insert, without the read `.set()` does first.
    Person.nationalities.through.objects.bulk_create(
        [
            Person.nationalities.through(person_id=person.pk, country_id=c.pk)
            for c in dict.fromkeys(nationalities)
        ]
    )
    for d in p.documents:
        Document.objects.create(
            person=person,
            type=d.type,
            issuing_country=refs.country(d.issuing_country, errors, "documents"),
            issued_on=d.issued_on,
            expires_on=d.expires_on,
            status=d.status,
            **_document_fields(d),
        )
    if p.phone:
        try:
            Phone.objects.create(
                household=household, person=person, **_phone_fields(p.phone, country)
            )
        except InvalidPhone:
            errors.setdefault("phone", []).append(_("This phone number is not valid."))
    _record_consents(user=user, person=person, c=p.consent)
    if errors:
        raise ValidationError(errors)
    if audit:
        log(user, actions.CREATE, person)
    return person


def _record_consents(*, user: User, person: Person, c: ConsentInput) -> None:
    common = {
        "person": person,
        "legal_basis": c.legal_basis,
        "given_by": c.given_by,
        "guardian_name": c.guardian_name.strip(),
        "child_assent": c.child_assent,
        "language": c.language,
        "recorded_by": user,
    }
    purposes = list(dict.fromkeys(c.purposes))
    if Consent.Purpose.REGISTRATION not in purposes:
        purposes.insert(0, Consent.Purpose.REGISTRATION)  # on the other legal basis given
    for purpose in purposes:
        if purpose == Consent.Purpose.SHARING:
            for acronym in c.share_with:
                org = Organization.objects.filter(acronym=acronym).first()
                if org is None:
                    raise ValidationError(
                        {"consent": [_("Unknown partner: %(o)s") % {"o": acronym}]}
                    )
                Consent.objects.create(purpose=purpose, recipient=org, **common)
        else:
            basis = common | (
                {"legal_basis": Consent.LegalBasis.CONSENT}
                if purpose != Consent.Purpose.REGISTRATION
                else {}
            )
            Consent.objects.create(purpose=purpose, **basis)


def household_register(
    *,
    user: User,
    organization: Organization,
    country: Country,
    household: HouseholdInput,
    members: list[PersonInput],
    confirmed_new: bool = False,
    import_batch: Any = None,
) -> Registration:
    """Register a household with all its members in one transaction.

    Unless `confirmed_new`, possible duplicates (among the records the user may see) stop
    the registration and come back for a person to decide.
    """
    _check(user, Perm.REGISTER_HOUSEHOLDS, organization, country)
    errors: dict[str, list[str]] = {}
    if not members:
        errors["members"] = [_("A household needs at least one member.")]
    focal = [m for m in members if m.relationship == Relationship.FOCAL_POINT]
    if members and len(focal) != 1:
        errors["members"] = [_("Exactly one member must be the focal point.")]
    if household.population_type not in PopulationType.values:
        errors["population_type"] = [_("Choose a population type.")]
    for i, m in enumerate(members):
        errors.update(validate_person(m, f"members-{i}-"))
    area = _area(household.admin_area, errors, "admin_area")
    current = _area(household.current_area, errors, "current_area")
    destination = _country(household.destination_country, errors, "destination_country")
    destination_area = _area(household.destination_area, errors, "destination_area")
    for label, a in (("admin_area", area), ("current_area", current)):
        if a is not None and a.country_id != country.pk:
            errors.setdefault(label, []).append(
                _("This area is not in %(c)s.") % {"c": country.name}
            )
    for i, ph in enumerate(household.phones):
        try:
            to_e164(ph.number, country.iso2)
        except InvalidPhone:
            errors.setdefault(f"phones-{i}", []).append(_("This phone number is not valid."))
    if errors:
        raise ValidationError(errors)

    if not confirmed_new:
        people = policies.visible(user, Person)
        candidates = {
            i: found
            for i, m in enumerate(members)
            if (found := duplicates.find_candidates(m.as_candidate(), people))
        }
        if candidates:
            return Registration(household=None, candidates=candidates)

    with transaction.atomic():
        hh = Household.objects.create(
            organization=organization,
            country=country,
            admin_area=area,
            current_area=current or area,
            address=household.address.strip(),
            population_type=household.population_type,
            arrival_date=household.arrival_date,
            destination_country=destination,
            destination_area=destination_area,
            registered_by=user,
            import_batch=import_batch,
        )
        refs = _Refs()
        created = [
            _create_person(user=user, household=hh, p=m, country=country, refs=refs, audit=False)
            for m in members
        ]
        log_many(user, actions.CREATE, created)
        hh.focal_point = next(p for p in created if p.relationship == Relationship.FOCAL_POINT)
        hh.save(update_fields=["focal_point"])
        for ph in household.phones:
            Phone.objects.create(
                household=hh, whatsapp=ph.whatsapp, **_phone_fields(ph.number, country)
            )
        log(user, actions.CREATE, hh, members=len(created), imported=import_batch is not None)
        timeline.record(
            hh,
            "registration",
            hh,
            None,
            gettext_noop("Registered by %(org)s with %(n)d members."),
            params={"org": organization.acronym, "n": len(created)},
            actor=user,
            organization=organization,
        )
        events.announce([p.pk for p in created], user)
    return Registration(household=hh)


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
    *(f"wg_{d}" for d in WG_DOMAINS),
}


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, AdminArea | Country):
        return value.iso_code if isinstance(value, AdminArea) else value.iso2
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


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
    model = type(obj)
    changed: list[str] = []
    history = []
    for name, new in changes.items():
        old = getattr(obj, name)
        if _display(old) == _display(new):
            continue
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
    FieldChange.objects.bulk_create(history)
    return changed


def household_update(
    *, user: User, household: Household, version: int, changes: dict[str, Any], reason: str
) -> Household:
    _check(user, Perm.EDIT_HOUSEHOLDS, household.organization, household.country)
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
    _check(user, Perm.EDIT_HOUSEHOLDS, household.organization, household.country)
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
    errors = validate_person(probe, "")
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


def person_add(*, user: User, household: Household, member: PersonInput) -> Person:
    _check(user, Perm.EDIT_HOUSEHOLDS, household.organization, household.country)
    if member.relationship == Relationship.FOCAL_POINT:
        raise ValidationError({"relationship": [_("The household already has a focal point.")]})
    errors = validate_person(member, "")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        person = _create_person(user=user, household=household, p=member, country=household.country)
        Household.objects.filter(pk=household.pk).update(version=F("version") + 1)
        timeline.record(
            household,
            "member_added",
            person,
            None,
            gettext_noop("A member was added."),
            actor=user,
            organization=household.organization,
        )
        events.announce([person.pk], user)
    return person


def document_add(*, user: User, person: Person, document: DocumentInput) -> Document:
    household = person.household
    _check(user, Perm.EDIT_HOUSEHOLDS, household.organization, household.country)
    probe = PersonInput(
        given_names="x",
        first_surname="x",
        documents=[document],
        consent=ConsentInput(legal_basis=Consent.LegalBasis.PUBLIC_INTEREST),
    )
    errors = validate_person(probe, "")
    if errors:
        raise ValidationError(errors)
    errs: dict[str, list[str]] = {}
    issuing = _country(document.issuing_country, errs, "issuing_country")
    if errs:
        raise ValidationError(errs)
    with transaction.atomic():
        doc = Document.objects.create(
            person=person,
            type=document.type,
            issuing_country=issuing,
            issued_on=document.issued_on,
            expires_on=document.expires_on,
            status=document.status,
            **_document_fields(document),
        )
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
    _check(user, Perm.EDIT_HOUSEHOLDS, household.organization, household.country)
    try:
        fields = _phone_fields(phone.number, household.country)
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
    _check(user, Perm.MANAGE_CONSENT, household.organization, household.country)
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
    _check(user, Perm.MANAGE_CONSENT, household.organization, household.country)
    with transaction.atomic():
        expected = consent.version if version is None else version
        today = timezone.localdate()
        swapped = Consent.objects.filter(
            pk=consent.pk, version=expected, withdrawn_on__isnull=True
        ).update(withdrawn_on=today, withdrawn_by=user, version=F("version") + 1)
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
    _check(user, Perm.EDIT_HOUSEHOLDS, household.organization, household.country)
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
