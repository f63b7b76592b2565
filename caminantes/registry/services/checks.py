"""What every registry write checks first: may this user do it here, and does the input hold.

`require_perm` is the permission check of every service; `validate_person` the checks of a
person that need no database; `Places` turns the codes a form, the API or a file give
(ISO 3166 codes, P-codes) into countries and areas, each code looked up once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.models import Organization, User
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.audit.models import Outcome
from caminantes.geo.models import AdminArea, Country
from caminantes.registry import duplicates
from caminantes.registry.inputs import DocumentInput, PersonInput
from caminantes.registry.models import (
    WG_DOMAINS,
    Consent,
    Difficulty,
    Document,
    Household,
    Relationship,
    Sex,
    SpecificNeed,
)

ADULT_AGE = 18

Errors = dict[str, list[str]]


def require_perm(user: User, perm: Perm, organization: Organization, country: Country) -> None:
    """PermissionDenied (and an audited denial) unless `user` holds `perm` there."""
    if not policies.has_perm(user, perm, organization_id=organization.pk, country_id=country.pk):
        log(user, actions.ACCESS_DENIED, Household, Outcome.DENIED, permission=perm.value)
        raise PermissionDenied(_("Your roles do not allow this here."))


def age_on(birth: date | None, today: date) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


class Places:
    """Countries by ISO2 code and areas by ISO 3166-2 code or P-code (the ISO code wins),
    each looked up once however many people name it; `prefetch` reads many in one query."""

    def __init__(self) -> None:
        self.countries: dict[str, Country | None] = {}
        self.areas: dict[str, AdminArea | None] = {}

    def prefetch(self, *, countries: Iterable[str] = (), areas: Iterable[str] = ()) -> None:
        wanted = {c.upper() for c in countries if c} - set(self.countries)
        if wanted:
            found = {c.iso2: c for c in Country.objects.filter(iso2__in=wanted)}
            self.countries.update({c: found.get(c) for c in wanted})
        codes = {a.upper() for a in areas if a} - set(self.areas)
        if codes:
            rows = list(AdminArea.objects.filter(Q(iso_code__in=codes) | Q(pcode__in=codes)))
            by_iso = {a.iso_code: a for a in rows if a.iso_code}
            by_pcode = {a.pcode: a for a in rows if a.pcode}
            self.areas.update({c: by_iso.get(c) or by_pcode.get(c) for c in codes})

    def country(self, code: str | None, errors: Errors, key: str) -> Country | None:
        if not code:
            return None
        self.prefetch(countries=[code])
        found = self.countries[code.upper()]
        if found is None:
            errors.setdefault(key, []).append(_("Unknown country: %(c)s") % {"c": code})
        return found

    def area(self, code: str | None, errors: Errors, key: str) -> AdminArea | None:
        if not code:
            return None
        self.prefetch(areas=[code])
        found = self.areas[code.upper()]
        if found is None:
            errors.setdefault(key, []).append(_("Unknown area: %(a)s") % {"a": code})
        return found


def country_by_code(code: str | None, *, key: str) -> Country | None:
    """The country of an ISO2 code, or a ValidationError under `key`; None for no code."""
    errors: Errors = {}
    country = Places().country(code, errors, key)
    if errors:
        raise ValidationError(errors)
    return country


def validate_document(d: DocumentInput, prefix: str, today: date | None = None) -> Errors:
    """A document's checks that need no database (keys `<prefix>number` and so on)."""
    today = today or timezone.localdate()
    errors: Errors = {}
    if d.type not in Document.Type.values:
        errors.setdefault(f"{prefix}type", []).append(_("Unknown document type."))
    if not duplicates.normalise_document(d.number):
        errors.setdefault(f"{prefix}number", []).append(_("The document number is empty."))
    if d.issued_on and d.issued_on > today:
        errors.setdefault(f"{prefix}issued_on", []).append(
            _("The document's issue date is in the future.")
        )
    if d.issued_on and d.expires_on and d.expires_on < d.issued_on:
        errors.setdefault(f"{prefix}expires_on", []).append(
            _("The document expires before it was issued.")
        )
    return errors


def validate_arrival(arrival: date | None, today: date | None = None) -> Errors:
    """A household's arrival in the country: a day that has already come."""
    if arrival is not None and arrival > (today or timezone.localdate()):
        return {"arrival_date": [_("The arrival date is in the future.")]}
    return {}


def validate_person(p: PersonInput, prefix: str, today: date | None = None) -> Errors:
    """Checks that need no database. Keys are form-like paths (members-0-birth_date)."""
    today = today or timezone.localdate()
    errors: Errors = {}

    def err(name: str, message: str) -> None:
        errors.setdefault(f"{prefix}{name}", []).append(message)

    if not p.given_names.strip():
        err("given_names", _("Given names are required."))
    if not (p.first_surname.strip() or p.second_surname.strip()):
        err("first_surname", _("At least one surname is required."))
    if p.sex not in Sex.values:
        err("sex", _("Choose the sex: female, male, other or unknown."))
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
        for name, messages in validate_document(d, f"{prefix}documents-{i}-", today).items():
            errors.setdefault(name, []).extend(messages)
    c = p.consent
    for purpose in c.purposes:
        if purpose not in Consent.Purpose.values:
            err("consent", _("Unknown consent purpose: %(p)s") % {"p": purpose})
    if (
        Consent.Purpose.REGISTRATION not in c.purposes
        and c.legal_basis == Consent.LegalBasis.CONSENT
    ):
        err("consent", _("Registration needs the person's consent or another legal basis."))
    # A date of birth in the future is its own error: it does not make the person a child too.
    age = age_on(p.birth_date, today) if p.birth_date and p.birth_date <= today else None
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
