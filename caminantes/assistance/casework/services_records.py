"""Writes of the health, food and cash services and of livelihoods and integration.

A service record says what was given (a consultation, a vaccination, a referral to
hospital, a mental health and psychosocial session; hot meals, a food kit, a food voucher;
multipurpose cash), to whom, when, where and how much: never a clinical note. Cash and
vouchers (CVA) carry their value, ISO 4217 currency and R4V delivery mechanism; they are
recorded here, not paid. Health services are recorded by caseworkers (REFER); food and CVA
also by distribution staff (DISTRIBUTE).

A livelihood activity (training, job placement, seed capital, skills certification) is a
person's, with a follow-up date (90 days after the start unless another is given) and an
outcome recorded at the follow-up (completed, dropped out, employed after N months,
business active ...).

Each record and each activity is written as a service delivery through
`assistance.delivery.record` (sector health, food security, multipurpose cash or
integration), so the 5W and the household's timeline see it.
"""

from __future__ import annotations

import uuid as uuid_lib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from caminantes.accounts import policies
from caminantes.accounts.models import User
from caminantes.accounts.permissions import Perm
from caminantes.assistance import delivery
from caminantes.assistance.casework.models import (
    CVA_KINDS,
    HEALTH_KINDS,
    MAX_QUANTITY,
    MAX_VALUE,
    OUTCOMES,
    LivelihoodActivity,
    LivelihoodKind,
    Outcome,
    ServiceKind,
    ServiceRecord,
)
from caminantes.assistance.casework.services import (
    claim_request,
    moment,
    require_caseworker,
)
from caminantes.assistance.errors import Refused
from caminantes.assistance.models import DeliveryMechanism
from caminantes.assistance.models import Modality as DeliveryModality
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.geo.models import Place
from caminantes.lib import currency as currencies
from caminantes.lib.idempotency import note
from caminantes.registry import selectors as registry
from caminantes.registry import timeline
from caminantes.registry.models import Household, Person

DAYS_BACK = 2 * 366  # a record older than two years is a typing mistake
DEFAULT_FOLLOW_UP_DAYS = 90
MAX_FOLLOW_UP_DAYS = 2 * 366
MAX_MONTHS_EMPLOYED = 120

# kind -> (sector, indicator, modality of the delivery)
SERVICES: dict[str, tuple[str, str, str]] = {
    ServiceKind.CONSULTATION: ("health", "health_consultations", DeliveryModality.SERVICE),
    ServiceKind.VACCINATION: ("health", "vaccinations", DeliveryModality.SERVICE),
    ServiceKind.HOSPITAL_REFERRAL: ("health", "hospital_referrals", DeliveryModality.SERVICE),
    ServiceKind.MHPSS_SESSION: ("health", "mhpss_sessions", DeliveryModality.SERVICE),
    ServiceKind.HOT_MEALS: ("food_security", "hot_meals", DeliveryModality.IN_KIND),
    ServiceKind.FOOD_KIT: ("food_security", "food_kits", DeliveryModality.IN_KIND),
    ServiceKind.FOOD_VOUCHER: ("food_security", "food_vouchers", DeliveryModality.VOUCHER),
    ServiceKind.MULTIPURPOSE_CASH: (
        "multipurpose_cash", "multipurpose_cash_transfers", DeliveryModality.CASH,
    ),
}  # fmt: skip
LIVELIHOODS: dict[str, tuple[str, str]] = {
    LivelihoodKind.TRAINING: ("people_trained", DeliveryModality.SERVICE),
    LivelihoodKind.JOB_PLACEMENT: ("job_placements", DeliveryModality.SERVICE),
    LivelihoodKind.SEED_CAPITAL: ("seed_capital_grants", DeliveryModality.CASH),
    LivelihoodKind.CERTIFICATION: ("skills_certified", DeliveryModality.SERVICE),
}
LIVELIHOOD_SECTOR = "integration"


@dataclass
class RecordWritten:
    record: ServiceRecord
    replayed: bool = False


@dataclass
class ActivityWritten:
    activity: LivelihoodActivity
    replayed: bool = False


def record_permissions(kind: str) -> tuple[Perm, ...]:
    """Who records a kind of service: caseworkers all of them, distribution staff food and
    cash or vouchers (never a health service)."""
    return (Perm.REFER,) if kind in HEALTH_KINDS else (Perm.REFER, Perm.DISTRIBUTE)


def may_record(user: Any, household: Household, kind: str | None = None) -> bool:
    perms = record_permissions(kind) if kind else (Perm.REFER, Perm.DISTRIBUTE)
    org, country = household.organization_id, household.country_id
    return any(policies.has_perm(user, p, organization_id=org, country_id=country) for p in perms)


def check_past_day(day: date, field: str, *, today: date) -> None:
    if day > today:
        raise ValidationError({field: [_("The date cannot be in the future.")]})
    if day < today - timedelta(days=DAYS_BACK):
        raise ValidationError({field: [_("Enter a date within the last two years.")]})


def check_transfer(value: Decimal | None, currency: str, field_prefix: str = "") -> None:
    errors: dict[str, list[str]] = {}
    if value is None or value <= 0:
        errors["value"] = [_("Enter a value above zero.")]
    elif value > MAX_VALUE:
        errors["value"] = [_("Check the value: it is too large.")]
    if not currencies.is_currency(currency):
        errors["currency"] = [_("Enter an ISO 4217 currency code (COP, USD ...).")]
    if errors:
        raise ValidationError(errors)


def _member(household: Household, person: Person | None) -> None:
    if person is not None and (person.household_id != household.pk or person.anonymised_at):
        raise ValidationError({"person": [_("Choose a member of this household.")]})


def service_record(
    *, actor: User, household: Household, kind: str, served_on: date, quantity: int = 1,
    person: Person | None = None, place: Place | None = None, value: Decimal | None = None,
    currency: str = "", mechanism: str = "", request_id: uuid_lib.UUID | None = None,
) -> RecordWritten:  # fmt: skip
    """Record a service given to the household (or one of its people); see the docstring."""
    if kind not in ServiceKind.values:
        raise ValidationError({"kind": [_("Choose the service.")]})
    if not may_record(actor, household, kind):
        log(actor, actions.ACCESS_DENIED, ServiceRecord, "denied", kind=kind)
        raise PermissionDenied
    currency = currency.strip().upper()
    check_past_day(served_on, "served_on", today=timezone.localdate())
    _member(household, person)
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationError({"quantity": [_("Enter a quantity between 1 and %(max)s.")
                                            % {"max": MAX_QUANTITY}]})  # fmt: skip
    if place is not None and place.country_id != household.country_id:
        raise ValidationError({"place": [_("Choose a place in the household's country.")]})
    if kind in CVA_KINDS:
        check_transfer(value, currency)
        if mechanism not in DeliveryMechanism.values:
            raise ValidationError({"mechanism": [_("Choose the delivery mechanism.")]})
    elif value is not None or currency or mechanism:
        raise ValidationError({"value": [_("Only cash and vouchers are recorded with a value.")]})
    content = {"op": "service_record", "household": household.uuid, "kind": kind,
               "served_on": served_on, "quantity": quantity,
               "person": person.uuid if person else None, "place": place.uuid if place else None,
               "value": value, "currency": currency, "mechanism": mechanism}  # fmt: skip
    sector, indicator, modality = SERVICES[kind]
    people = [person] if person is not None else list(registry.members_of(household))
    with transaction.atomic():
        request, earlier = claim_request(request_id, content, organization=household.organization)
        if earlier is not None:
            assert earlier.record is not None  # every record request names its record
            return RecordWritten(earlier.record, replayed=True)
        served = delivery.record(
            actor=actor, organization=household.organization, country=household.country,
            sector=sector, indicator=indicator, place=place,
            people=[delivery.Reached(person=p) for p in people], quantity=quantity,
            modality=modality, when=moment(served_on), value=value, currency=currency,
            mechanism=mechanism,
        )  # fmt: skip
        record = ServiceRecord.objects.create(
            organization=household.organization, country=household.country,
            household=household, person=person, kind=kind, served_on=served_on, place=place,
            quantity=quantity, value=value, currency=currency, mechanism=mechanism,
            delivery=served, created_by=actor,
        )  # fmt: skip
        _point_delivery_at(served, record)
        log(actor, actions.CREATE, record, organization=household.organization, kind=kind)
        note(request, record=record)
    return RecordWritten(record)


def _point_delivery_at(served: Any, obj: Any) -> None:
    """The delivery is written first (the record points at it); then it names the record."""
    served.ref_type, served.ref_uuid = obj._meta.label_lower, obj.uuid
    served.save(update_fields=["ref_type", "ref_uuid"])


def livelihood_enrol(
    *, actor: User, person: Person, kind: str, title: str, started_on: date,
    follow_up_on: date | None = None, value: Decimal | None = None, currency: str = "",
    mechanism: str = "", request_id: uuid_lib.UUID | None = None,
) -> ActivityWritten:  # fmt: skip
    """A person's training, job placement, seed capital or skills certification."""
    household = person.household
    require_caseworker(actor, household.organization_id, household.country_id,
                       LivelihoodActivity)  # fmt: skip
    if kind not in LivelihoodKind.values:
        raise ValidationError({"kind": [_("Choose the activity.")]})
    if person.anonymised_at is not None:
        raise ValidationError({"person": [_("Choose a member of this household.")]})
    title = title.strip()
    currency = currency.strip().upper()
    if not title:
        raise ValidationError({"title": [_("Name the course, the employer or the business.")]})
    check_past_day(started_on, "started_on", today=timezone.localdate())
    follow_up_on = follow_up_on or started_on + timedelta(days=DEFAULT_FOLLOW_UP_DAYS)
    if follow_up_on <= started_on:
        raise ValidationError({"follow_up_on": [_("The follow-up comes after the start.")]})
    if follow_up_on > started_on + timedelta(days=MAX_FOLLOW_UP_DAYS):
        raise ValidationError(
            {"follow_up_on": [_("Choose a follow-up within two years of the start.")]}
        )
    if kind == LivelihoodKind.SEED_CAPITAL:
        check_transfer(value, currency)
        if mechanism not in DeliveryMechanism.values:
            raise ValidationError({"mechanism": [_("Choose the delivery mechanism.")]})
    elif value is not None or currency or mechanism:
        raise ValidationError({"value": [_("Only seed capital is recorded with a value.")]})
    content = {"op": "livelihood_enrol", "person": person.uuid, "kind": kind, "title": title,
               "started_on": started_on, "follow_up_on": follow_up_on, "value": value,
               "currency": currency, "mechanism": mechanism}  # fmt: skip
    indicator, modality = LIVELIHOODS[kind]
    with transaction.atomic():
        request, earlier = claim_request(request_id, content, organization=household.organization)
        if earlier is not None:
            assert earlier.activity is not None
            return ActivityWritten(earlier.activity, replayed=True)
        served = delivery.record(
            actor=actor, organization=household.organization, country=household.country,
            sector=LIVELIHOOD_SECTOR, indicator=indicator,
            people=[delivery.Reached(person=person)], quantity=1, modality=modality,
            when=moment(started_on), value=value, currency=currency, mechanism=mechanism,
        )  # fmt: skip
        activity = LivelihoodActivity.objects.create(
            organization=household.organization, country=household.country,
            household=household, person=person, kind=kind, title=title, started_on=started_on,
            follow_up_on=follow_up_on, value=value, currency=currency, mechanism=mechanism,
            delivery=served, created_by=actor,
        )  # fmt: skip
        _point_delivery_at(served, activity)
        log(actor, actions.CREATE, activity, organization=household.organization, kind=kind)
        note(request, activity=activity)
    return ActivityWritten(activity)


def livelihood_follow_up(
    *, actor: User, activity: LivelihoodActivity, outcome: str, on: date | None = None,
    months_employed: int | None = None,
) -> LivelihoodActivity:  # fmt: skip
    """What came of the activity, found at the follow-up on `on` (default today)."""
    require_caseworker(actor, activity.organization_id, activity.country_id, activity)
    today = timezone.localdate()
    on = on or today
    if outcome not in OUTCOMES[LivelihoodKind(activity.kind)]:
        raise ValidationError({"outcome": [_("Choose an outcome for this kind of activity.")]})
    if on > today:
        raise ValidationError({"on": [_("The date cannot be in the future.")]})
    if on < activity.started_on:
        raise ValidationError({"on": [_("The follow-up cannot be before the start.")]})
    if outcome == Outcome.EMPLOYED:
        if months_employed is None or not 0 <= months_employed <= MAX_MONTHS_EMPLOYED:
            raise ValidationError(
                {"months_employed": [_("Say after how many months (0 to 120) of the start.")]}
            )
    elif months_employed is not None:
        raise ValidationError(
            {"months_employed": [_("Months are recorded only for someone employed.")]}
        )
    with transaction.atomic():
        activity = LivelihoodActivity.objects.select_for_update().get(pk=activity.pk)
        if activity.outcome:
            raise Refused(_("The outcome of this activity is already recorded."),
                          code="outcome_recorded")  # fmt: skip
        activity.outcome, activity.outcome_on = outcome, on
        activity.months_employed = months_employed
        activity.save(update_fields=["outcome", "outcome_on", "months_employed"])
        timeline.record(
            activity.household, "livelihood", activity, moment(on),
            gettext_noop("Livelihood follow-up: %(outcome)s"),
            params={"outcome": [timeline.label(Outcome(outcome).label)]},
            actor=actor, organization=activity.organization,
        )  # fmt: skip
        log(actor, actions.UPDATE, activity, organization=activity.organization,
            follow_up_outcome=outcome)  # fmt: skip
    return activity
