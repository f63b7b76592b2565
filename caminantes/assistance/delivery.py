"""Who was served: the one door every form of assistance writes its deliveries through.

    delivery.record(actor=..., organization=..., country=..., sector="nfi",
                    indicator="hygiene_kits", place=None, when=None,
                    people=[Reached(person=p), Reached(sex="F", age=34, population_type=...)],
                    quantity=1, modality=Modality.IN_KIND, value=None, ref=issue_movement)

Cash and vouchers (CVA) also name the value's ISO 4217 `currency` and the R4V delivery
`mechanism` (cash in hand, mobile money, prepaid card ...): they are recorded, not paid.

One `ServiceDelivery` row per delivery with one row per person reached (a registered person,
or someone counted only by sex, age and population type); when the people belong to a
household, the delivery goes on its timeline. Kits, shelter nights, seats, referrals
completed, cash and trainings all come through here, so the 5W and "distinct people
reached" are computed from real deliveries, never typed again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from caminantes.accounts import policies
from caminantes.accounts.models import Organization, User
from caminantes.accounts.permissions import Perm
from caminantes.assistance.models import (
    DeliveryMechanism,
    Modality,
    ServiceDelivery,
    ServiceDeliveryPerson,
)
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.geo.models import Country, Place
from caminantes.lib import currency as currencies
from caminantes.registry import timeline
from caminantes.registry.models import Household, Person, PopulationType, Sex

# The permissions under which staff deliver something; any one of them lets a member record
# a delivery for her organisation and country.
DELIVERING = (
    Perm.DISTRIBUTE,
    Perm.MANAGE_SHELTER,
    Perm.MANAGE_STOCK,
    Perm.MANAGE_TRANSPORT,
    Perm.REFER,
    # Campaigns against xenophobia count the people their activities reached (Integration).
    Perm.MANAGE_CAMPAIGNS,
)


# Sector and indicator codes the services write, with their names (R4V's for the sectors);
# an unknown code shows as written. The timeline says what was delivered in words.
SECTORS = {
    "nfi": gettext_lazy("Non-food items"),
    "food_security": gettext_lazy("Food security"),
    "shelter": gettext_lazy("Shelter"),
    "humanitarian_transportation": gettext_lazy("Humanitarian transportation"),
    "humanitarian_transport": gettext_lazy("Humanitarian transportation"),
    "transport": gettext_lazy("Humanitarian transportation"),
    "wash": gettext_lazy("Water, sanitation and hygiene"),
    "protection": gettext_lazy("Protection"),
    "health": gettext_lazy("Health"),
    "education": gettext_lazy("Education"),
    "integration": gettext_lazy("Integration"),
    "multipurpose_cash": gettext_lazy("Multipurpose cash assistance"),
}
INDICATORS = {
    "households_receiving_nfi": gettext_lazy("Households receiving non-food items"),
    "hygiene_kits": gettext_lazy("Hygiene kits"),
    "people_in_temporary_accommodation": gettext_lazy("People in temporary accommodation"),
    "people_transported": gettext_lazy("People given humanitarian transport"),
    "people_documented": gettext_lazy(
        "People supported to obtain documentation or a regular status"
    ),
    # casework: relocation, health and food services, cash and vouchers, livelihoods
    "people_relocated": gettext_lazy("People relocated voluntarily"),
    "health_consultations": gettext_lazy("Health consultations"),
    "vaccinations": gettext_lazy("Vaccinations"),
    "hospital_referrals": gettext_lazy("Referrals to hospital"),
    "mhpss_sessions": gettext_lazy("Mental health and psychosocial sessions"),
    "hot_meals": gettext_lazy("Hot meals"),
    "food_kits": gettext_lazy("Food kits"),
    "food_vouchers": gettext_lazy("Food vouchers"),
    "multipurpose_cash_transfers": gettext_lazy("Multipurpose cash transfers"),
    "people_trained": gettext_lazy("People trained"),
    "job_placements": gettext_lazy("Job placements"),
    "seed_capital_grants": gettext_lazy("Seed capital grants"),
    "skills_certified": gettext_lazy("Skills certified"),
    "referrals_completed": gettext_lazy("Referrals completed"),
}
TIMELINE = {
    "households_receiving_nfi": gettext_noop("Kits handed over (%(quantity)s)"),
    "people_in_temporary_accommodation": gettext_noop("Shelter stay (%(quantity)s people)"),
    "people_transported": gettext_noop("Humanitarian transport (%(quantity)s seats)"),
    "people_documented": gettext_noop("Document obtained through a regularization scheme"),
    "people_relocated": gettext_noop("Voluntary relocation: arrival confirmed (%(quantity)s)"),
    "health_consultations": gettext_noop("Health consultation (%(quantity)s)"),
    "vaccinations": gettext_noop("Vaccination (%(quantity)s)"),
    "hospital_referrals": gettext_noop("Referral to hospital (%(quantity)s)"),
    "mhpss_sessions": gettext_noop("Mental health and psychosocial session (%(quantity)s)"),
    "hot_meals": gettext_noop("Hot meals (%(quantity)s)"),
    "food_kits": gettext_noop("Food kits (%(quantity)s)"),
    "food_vouchers": gettext_noop("Food vouchers (%(quantity)s)"),
    "multipurpose_cash_transfers": gettext_noop("Multipurpose cash transfer recorded"),
    "people_trained": gettext_noop("Enrolled in a training"),
    "job_placements": gettext_noop("Job placement"),
    "seed_capital_grants": gettext_noop("Seed capital recorded"),
    "skills_certified": gettext_noop("Skills certification"),
}


def sector_label(code: str) -> str:
    return str(SECTORS.get(code, code))


def indicator_label(code: str) -> str:
    return str(INDICATORS.get(code, code))


@dataclass(frozen=True)
class Reached:
    """One person reached: `person` when registered (sex, age and population type are read
    from the record), otherwise the three counted facts."""

    person: Person | None = None
    sex: str = Sex.UNKNOWN
    age: int | None = None
    population_type: str = ""


def _row(reached: Reached, when: datetime) -> ServiceDeliveryPerson:
    p = reached.person
    if p is not None:
        return ServiceDeliveryPerson(
            person=p, sex=p.sex, age=p.age_on(when.date()),
            population_type=p.household.population_type,
        )  # fmt: skip
    if reached.sex not in Sex.values:
        raise ValidationError({"people": [_("Choose the sex of each person reached.")]})
    if reached.population_type not in PopulationType.values:
        raise ValidationError({"people": [_("Choose the population type of each person.")]})
    if reached.age is not None and not 0 <= reached.age <= 120:
        raise ValidationError({"people": [_("Enter an age between 0 and 120.")]})
    return ServiceDeliveryPerson(
        sex=reached.sex, age=reached.age, population_type=reached.population_type
    )


def record(
    *, actor: User, organization: Organization, country: Country, sector: str, indicator: str,
    people: Sequence[Reached], quantity: int, modality: str, place: Place | None = None,
    when: datetime | None = None, value: Decimal | None = None, currency: str = "",
    mechanism: str = "", ref: models.Model | None = None,
) -> ServiceDelivery:  # fmt: skip
    """Write one delivery with the people it reached (see the module docstring)."""
    if not any(
        policies.has_perm(actor, perm, organization_id=organization.pk, country_id=country.pk)
        for perm in DELIVERING
    ):
        log(actor, actions.ACCESS_DENIED, ServiceDelivery, "denied")
        raise PermissionDenied
    if not people:
        raise ValidationError({"people": [_("Name at least one person reached.")]})
    if quantity <= 0:
        raise ValidationError({"quantity": [_("Enter a quantity of at least 1.")]})
    if modality not in Modality.values:
        raise ValueError(modality)
    _check_cva(value, currency, mechanism)
    when = when or timezone.now()
    rows = [_row(r, when) for r in people]
    households = {r.person.household_id for r in people if r.person is not None}
    if len(households) > 1:
        raise ValidationError({"people": [_("One delivery reaches one household at a time.")]})
    household: Household | None = next(
        (r.person.household for r in people if r.person is not None), None
    )
    if household is not None and (
        household.organization_id != organization.pk or household.country_id != country.pk
    ):
        raise PermissionDenied
    with transaction.atomic():
        delivery = ServiceDelivery.objects.create(
            organization=organization, country=country, place=place, household=household,
            sector=sector, indicator=indicator, delivered_at=when, quantity=quantity,
            modality=modality, value=value, currency=currency, mechanism=mechanism, actor=actor,
            ref_type=ref._meta.label_lower if ref is not None else "",
            ref_uuid=getattr(ref, "uuid", None),
        )  # fmt: skip
        for row in rows:
            row.delivery = delivery
        ServiceDeliveryPerson.objects.bulk_create(rows)
        if household is not None:
            timeline.record(
                household, "assistance", delivery, when,
                TIMELINE.get(
                    indicator, gettext_noop("Assistance delivered: %(indicator)s (%(quantity)s)")
                ),
                params={"quantity": quantity, "indicator": indicator},
                actor=actor, organization=organization,
            )  # fmt: skip
        log(actor, actions.CREATE, delivery, organization=organization, people=len(rows))
    return delivery


def _may_record(actor: User, organization: Organization, country: Country) -> bool:
    return any(
        policies.has_perm(actor, perm, organization_id=organization.pk, country_id=country.pk)
        for perm in DELIVERING
    )


def revise(
    *, actor: User, delivery: ServiceDelivery, people: Sequence[Reached], quantity: int,
    when: datetime | None = None, place: Place | None = None,
) -> ServiceDelivery:  # fmt: skip
    """Correct a delivery of counted people (a campaign activity edited): the same row, its
    people replaced, so a correction never counts anyone twice. Registered people are not
    revised here: a household's delivery is a fact on its timeline."""
    if not _may_record(actor, delivery.organization, delivery.country):
        log(actor, actions.ACCESS_DENIED, delivery, "denied")
        raise PermissionDenied
    if not people:
        raise ValidationError({"people": [_("Name at least one person reached.")]})
    if quantity <= 0:
        raise ValidationError({"quantity": [_("Enter a quantity of at least 1.")]})
    if any(r.person is not None for r in people) or delivery.household_id is not None:
        raise ValueError("only deliveries of counted people are revised")
    when = when or delivery.delivered_at
    rows = [_row(r, when) for r in people]
    with transaction.atomic():
        locked = ServiceDelivery.objects.select_for_update().get(pk=delivery.pk)
        locked.quantity, locked.delivered_at, locked.place = quantity, when, place
        locked.save(update_fields=["quantity", "delivered_at", "place"])
        locked.people.all().delete()
        for row in rows:
            row.delivery = locked
        ServiceDeliveryPerson.objects.bulk_create(rows)
        log(actor, actions.UPDATE, locked, organization=locked.organization, people=len(rows))
    return locked


def withdraw(*, actor: User, delivery: ServiceDelivery) -> None:
    """Take back a delivery of counted people that should not count (its activity no longer
    counts in the 5W). Deliveries to a household are never withdrawn."""
    if not _may_record(actor, delivery.organization, delivery.country):
        log(actor, actions.ACCESS_DENIED, delivery, "denied")
        raise PermissionDenied
    if delivery.household_id is not None:
        raise ValueError("deliveries to a household are not withdrawn")
    with transaction.atomic():
        log(actor, actions.DELETE, delivery, organization=delivery.organization)
        delivery.delete()


def _check_cva(value: Decimal | None, currency: str, mechanism: str) -> None:
    """A currency or a mechanism names a transfer: then both, and a value above zero."""
    if not currency and not mechanism:
        return
    if value is None or value <= 0:
        raise ValidationError({"value": [_("Enter a value above zero.")]})
    if not currencies.is_currency(currency):
        raise ValidationError({"currency": [_("Enter an ISO 4217 currency code (COP, USD ...).")]})
    if mechanism not in DeliveryMechanism.values:
        raise ValidationError({"mechanism": [_("Choose the delivery mechanism.")]})


def people_reached(deliveries: Any) -> int:
    """Distinct people reached by these deliveries: registered people once each, plus every
    person counted without a record."""
    rows = ServiceDeliveryPerson.objects.filter(delivery__in=deliveries)
    return (
        rows.filter(person__isnull=False).values("person").distinct().count()
        + rows.filter(person__isnull=True).count()
    )
