"""Registering households and adding people: the one path the form, the API, imports, the
demo and field collection all take.

`households_register` writes any number of households with one INSERT (COPY on PostgreSQL)
per table, so that an import of 100,000 rows costs a few statements per chunk, not a few
per row; `household_register` is the same for one household.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
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
from caminantes.audit.log import Subject, log, log_many
from caminantes.geo.models import Country
from caminantes.lib.bulk import BulkWriter
from caminantes.lib.phones import InvalidPhone, to_e164
from caminantes.registry import duplicates, events, timeline
from caminantes.registry.inputs import HouseholdInput, PersonInput
from caminantes.registry.models import (
    Household,
    ImportBatch,
    Person,
    PopulationType,
    Relationship,
    SharedDocumentConfirmation,
    TimelineEntry,
)
from caminantes.registry.services import documents
from caminantes.registry.services.checks import (
    Errors,
    Places,
    require_perm,
    validate_arrival,
    validate_person,
)
from caminantes.registry.services.fields import MemberRows, person_row

Candidates = dict[int, list[duplicates.Candidate]]  # member index -> possible duplicates


@dataclass
class NewHousehold:
    household: HouseholdInput
    members: list[PersonInput]


@dataclass
class Registration:
    household: Household | None
    candidates: Candidates = field(default_factory=dict)

    @property
    def needs_review(self) -> bool:
        return self.household is None and bool(self.candidates)


def household_register(
    *,
    user: User,
    organization: Organization,
    country: Country,
    household: HouseholdInput,
    members: list[PersonInput],
    confirmed_new: bool = False,
) -> Registration:
    """Register a household with all its members (`households_register` for one)."""
    (registration,) = households_register(
        user=user,
        organization=organization,
        country=country,
        households=[NewHousehold(household, members)],
        confirmed_new=confirmed_new,
    )
    return registration


def households_register(
    *,
    user: User | None,
    organization: Organization,
    country: Country,
    households: Sequence[NewHousehold],
    confirmed_new: bool = False,
    import_batch: ImportBatch | None = None,
    announce: bool = True,
) -> list[Registration]:
    """Register households with all their members, in one transaction; one Registration
    per household, in order.

    Who may: `user` needs REGISTER_HOUSEHOLDS for the organisation in the country. An
    import's households (`import_batch`) were allowed when the batch was approved: they are
    written only while that batch is being merged, `user` being its uploader (None: the
    system). Nothing is written unless every household is valid (ValidationError with
    form-like keys, `members-0-birth_date`; with several households each key starts with
    `households-<i>-`).

    Unless `confirmed_new`, a household with a possible duplicate among the people `user`
    may see is not written: its Registration carries the candidates for a person to decide.

    Each household and person gets its audit event, except an import's: the batch carries
    the audit events with their counts. `announce=False` is for a caller that tells the
    other modules itself, once for everyone (an import merge after its last chunk; the
    demo, whose identity loader indexes its people).
    """
    _allow(user, organization, country, import_batch)
    places = Places()
    places.prefetch(
        countries=[
            code
            for new in households
            for code in (
                new.household.destination_country,
                *(
                    c
                    for m in new.members
                    for c in (
                        m.birth_country,
                        *m.nationalities,
                        *(d.issuing_country for d in m.documents),
                    )
                ),
            )
            if code
        ],
        areas=[
            code
            for new in households
            for code in (
                new.household.admin_area,
                new.household.current_area,
                new.household.destination_area,
                *(m.birth_area for m in new.members),
            )
            if code
        ],
    )
    partners = _partners(m for new in households for m in new.members)
    errors: Errors = {}
    for i, new in enumerate(households):
        prefix = _prefix(i, households)
        found = household_errors(new, country=country, places=places, partners=partners)
        errors.update({prefix + key: messages for key, messages in found.items()})
    if errors:
        raise ValidationError(errors)

    candidates: dict[int, Candidates] = {}
    if not confirmed_new:
        assert user is not None  # _allow: only an import's system user is None
        candidates = _possible_duplicates(user, households)
    chosen = [new for i, new in enumerate(households) if i not in candidates]
    confirmations: list[SharedDocumentConfirmation] = []
    if chosen and user is not None and import_batch is None:
        # Even a registration confirmed as new never records a number someone else holds
        # (an import's are listed as possible duplicates for its approver).
        held, confirmations = documents.held_document_errors(
            user=user,
            organization=organization,
            country=country,
            documents=[
                (f"{_prefix(i, households)}members-{j}-documents-{k}-number", d)
                for i, new in enumerate(households)
                if i not in candidates
                for j, m in enumerate(new.members)
                for k, d in enumerate(m.documents)
            ],
            places=places,
        )
        if held:
            raise ValidationError(held)
    written: list[Household] = []
    if chosen:
        with transaction.atomic():
            if confirmations:
                assert user is not None
                documents.confirmations_use(user=user, confirmations=confirmations)
            written, person_ids = _write(
                user=user,
                organization=organization,
                country=country,
                households=chosen,
                places=places,
                partners=partners,
                import_batch=import_batch,
            )
            if announce:
                events.announce(person_ids, user)
    done = iter(written)
    return [
        Registration(household=None, candidates=candidates[i])
        if i in candidates
        else Registration(household=next(done))
        for i in range(len(households))
    ]


def _prefix(index: int, households: Sequence[NewHousehold]) -> str:
    return f"households-{index}-" if len(households) > 1 else ""


def _allow(
    user: User | None,
    organization: Organization,
    country: Country,
    import_batch: ImportBatch | None,
) -> None:
    if import_batch is None:
        if user is None:
            raise PermissionDenied(_("Your roles do not allow this here."))
        require_perm(user, Perm.REGISTER_HOUSEHOLDS, organization, country)
        return
    if (
        import_batch.status != ImportBatch.Status.MERGING
        or import_batch.organization_id != organization.pk
        or import_batch.country_id != country.pk
    ):
        raise PermissionDenied(_("Only a batch being merged registers its households."))


def _partners(members: Iterable[PersonInput]) -> dict[str, int]:
    """Acronym -> id of the partners the people agree their data may be shared with."""
    named = {a for m in members for a in m.consent.share_with}
    if not named:
        return {}
    return dict(Organization.objects.filter(acronym__in=named).values_list("acronym", "pk"))


def member_errors(
    p: PersonInput,
    prefix: str,
    *,
    country: Country,
    places: Places,
    partners: dict[str, int],
) -> Errors:
    """`validate_person`, then what needs the database: places, phones, partners."""
    errors = validate_person(p, prefix)

    def key(name: str) -> str:
        return f"{prefix}{name}"

    places.country(p.birth_country, errors, key("birth_country"))
    places.area(p.birth_area, errors, key("birth_area"))
    for iso2 in p.nationalities:
        places.country(iso2, errors, key("nationalities"))
    for i, d in enumerate(p.documents):
        places.country(d.issuing_country, errors, key(f"documents-{i}-issuing_country"))
    for number in [p.phone] if p.phone else []:
        try:
            to_e164(number, country.iso2)
        except InvalidPhone:
            errors.setdefault(key("phone"), []).append(_("This phone number is not valid."))
    for i, ph in enumerate(p.phones):
        if ph.sealed is None:
            try:
                to_e164(ph.number, country.iso2)
            except InvalidPhone:
                errors.setdefault(key(f"phones-{i}"), []).append(
                    _("This phone number is not valid.")
                )
    for acronym in p.consent.share_with:
        if acronym not in partners:
            errors.setdefault(key("consent"), []).append(
                _("Unknown partner: %(o)s") % {"o": acronym}
            )
    return errors


def household_errors(
    new: NewHousehold, *, country: Country, places: Places, partners: dict[str, int]
) -> Errors:
    household, members = new.household, new.members
    errors: Errors = {}
    if not members:
        errors["members"] = [_("A household needs at least one member.")]
    focal = [m for m in members if m.relationship == Relationship.FOCAL_POINT]
    if members and len(focal) != 1:
        errors["members"] = [_("Exactly one member must be the focal point.")]
    if household.population_type not in PopulationType.values:
        errors["population_type"] = [_("Choose a population type.")]
    errors.update(validate_arrival(household.arrival_date))
    for i, m in enumerate(members):
        prefix = f"members-{i}-"
        errors.update(member_errors(m, prefix, country=country, places=places, partners=partners))
    area = places.area(household.admin_area, errors, "admin_area")
    current = places.area(household.current_area, errors, "current_area")
    places.country(household.destination_country, errors, "destination_country")
    places.area(household.destination_area, errors, "destination_area")
    for label, a in (("admin_area", area), ("current_area", current)):
        if a is not None and a.country_id != country.pk:
            errors.setdefault(label, []).append(
                _("This area is not in %(c)s.") % {"c": country.name}
            )
    for i, ph in enumerate(household.phones):
        if ph.sealed is not None:
            continue
        try:
            to_e164(ph.number, country.iso2)
        except InvalidPhone:
            errors.setdefault(f"phones-{i}", []).append(_("This phone number is not valid."))
    return errors


def _possible_duplicates(user: User, households: Sequence[NewHousehold]) -> dict[int, Candidates]:
    """Candidates by household and member. One household asks the hook member by member
    (the finders' indexed look-up for one person); several ask it in bulk."""
    people = policies.visible(user, Person)
    flat = [(i, j, m) for i, new in enumerate(households) for j, m in enumerate(new.members)]
    if len(households) == 1:
        answers = [duplicates.find_candidates(m.as_candidate(), people) for _i, _j, m in flat]
    else:
        answers = duplicates.find_candidates_bulk([m.as_candidate() for *_ij, m in flat], people)
    found: dict[int, Candidates] = {}
    for (i, j, _m), candidates in zip(flat, answers, strict=True):
        if candidates:
            found.setdefault(i, {})[j] = candidates
    return found


def _insert(writer: BulkWriter, model: type[Any], rows: list[dict[str, Any]]) -> list[int]:
    """Rows in, their ids out: from the sequence first on PostgreSQL (COPY returns none)."""
    ids = writer.reserve_ids(model, len(rows))
    if ids is not None:
        for row, pk in zip(rows, ids, strict=True):
            row["id"] = pk
    return writer.write(model, rows)


def _write(
    *,
    user: User | None,
    organization: Organization,
    country: Country,
    households: Sequence[NewHousehold],
    places: Places,
    partners: dict[str, int],
    import_batch: ImportBatch | None,
) -> tuple[list[Household], list[int]]:
    now = timezone.now()
    writer = BulkWriter()
    household_rows = []
    for new in households:
        h = new.household
        area = places.area(h.admin_area, {}, "")
        current = places.area(h.current_area, {}, "") or area
        destination = places.country(h.destination_country, {}, "")
        destination_area = places.area(h.destination_area, {}, "")
        household_rows.append(
            {
                "uuid": uuid.uuid4(),
                "organization_id": organization.pk,
                "country_id": country.pk,
                "admin_area_id": area.pk if area else None,
                "current_area_id": current.pk if current else None,
                "address": h.address.strip(),
                "population_type": h.population_type,
                "arrival_date": h.arrival_date,
                "destination_country_id": destination.pk if destination else None,
                "destination_area_id": destination_area.pk if destination_area else None,
                "registered_by_id": user.pk if user else None,
                "import_batch_id": import_batch.pk if import_batch else None,
                "last_activity_at": now,
            }
        )
    people_rows: list[dict[str, Any]] = []
    owners: list[int] = []  # index in `households` of each person
    focal: dict[int, int] = {}  # household index -> index in people_rows
    for index, new in enumerate(households):
        for p in new.members:
            if p.relationship == Relationship.FOCAL_POINT:
                focal[index] = len(people_rows)
            people_rows.append(person_row(p, places))
            owners.append(index)
    household_ids = writer.reserve_ids(Household, len(household_rows))
    person_ids = writer.reserve_ids(Person, len(people_rows))
    if household_ids is not None and person_ids is not None:
        # PostgreSQL: ids known beforehand; the foreign keys are checked at commit.
        for index, row in enumerate(household_rows):
            row["id"] = household_ids[index]
            row["focal_point_id"] = person_ids[focal[index]]
        for row, pk, index in zip(people_rows, person_ids, owners, strict=True):
            row["id"] = pk
            row["household_id"] = household_ids[index]
        writer.write(Household, household_rows)
        writer.write(Person, people_rows)
    else:
        household_ids = writer.write(Household, household_rows)
        for row, index in zip(people_rows, owners, strict=True):
            row["household_id"] = household_ids[index]
        person_ids = writer.write(Person, people_rows)
        Household.objects.bulk_update(
            [
                Household(pk=household_ids[i], focal_point_id=person_ids[focal[i]])
                for i in range(len(households))
            ],
            ["focal_point"],
            batch_size=2000,
        )
    rows = MemberRows(places=places, partners=partners, recorded_by_id=user.pk if user else None)
    members = (p for new in households for p in new.members)
    for person_id, index, p in zip(person_ids, owners, members, strict=True):
        rows.add_person(person_id, household_ids[index], p, country)
    for index, new in enumerate(households):
        for ph in new.household.phones:
            rows.add_phone(household_ids[index], ph, country)
    rows.write(writer)
    summary = (
        gettext_noop("Imported by %(org)s with %(n)d members.")
        if import_batch is not None
        else gettext_noop("Registered by %(org)s with %(n)d members.")
    )
    writer.write(
        TimelineEntry,
        [
            timeline.entry_row(
                household_id=household_ids[index],
                kind="registration",
                ref_type=Household._meta.label_lower,
                ref_uuid=row["uuid"],
                when=now,
                summary=summary,
                params={"org": organization.acronym, "n": len(households[index].members)},
                actor=user,
                organization_id=organization.pk,
            )
            for index, row in enumerate(household_rows)
        ],
    )
    by_pk = Household.objects.select_related("organization", "country").in_bulk(household_ids)
    written = [by_pk[pk] for pk in household_ids]
    if import_batch is None:
        label = Person._meta.label_lower
        log_many(user, actions.CREATE, [Subject(label, row["uuid"]) for row in people_rows])
        for hh, new in zip(written, households, strict=True):
            log(user, actions.CREATE, hh, members=len(new.members), imported=False)
    return written, person_ids


def person_add(*, user: User, household: Household, member: PersonInput) -> Person:
    """A new member of a registered household (never a second focal point)."""
    require_perm(user, Perm.EDIT_HOUSEHOLDS, household.organization, household.country)
    if member.relationship == Relationship.FOCAL_POINT:
        raise ValidationError({"relationship": [_("The household already has a focal point.")]})
    places = Places()
    partners = _partners([member])
    errors = member_errors(member, "", country=household.country, places=places, partners=partners)
    if errors:
        raise ValidationError(errors)
    errors, confirmations = documents.held_document_errors(
        user=user,
        organization=household.organization,
        country=household.country,
        documents=[(f"documents-{k}-number", d) for k, d in enumerate(member.documents)],
        places=places,
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        documents.confirmations_use(user=user, confirmations=confirmations)
        writer = BulkWriter()
        (person_id,) = _insert(
            writer, Person, [{**person_row(member, places), "household_id": household.pk}]
        )
        rows = MemberRows(places=places, partners=partners, recorded_by_id=user.pk)
        rows.add_person(person_id, household.pk, member, household.country)
        rows.write(writer)
        person = Person.objects.get(pk=person_id)
        log(user, actions.CREATE, person)
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
