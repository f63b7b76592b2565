"""Writes to the service directory and to referrals.

Services are managed by the staff of the owning organisation in the service's country who
hold REFER (the caseworkers who know and use the services) or MANAGE_MEMBERS (the country
manager who keeps her organisation's catalogue); anyone may search them.

A referral asks the registry's consent door first (`consent.require` for sharing with the
receiving organisation); without consent it is refused with a message the caseworker can
act on. Only the fields the service's referral form names are copied, once, into the
referral's encrypted snapshot. A referral to a GBV or anti-trafficking service goes through
`registry.hooks.restricted_referral_received` inside the same transaction (an exception
there refuses it) and keeps nothing here but that it was sent and its answer.

Statuses move along `models.TRANSITIONS`; anything else is refused (`referral_status`). The
same status again changes nothing (a re-sent request). A completed referral is a service
delivery of the receiving organisation (counted by sex, age and population type only: it
never gets the household) and an entry on the household's timeline for the sender.
"""

from __future__ import annotations

import uuid as uuid_lib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from caminantes.accounts import policies
from caminantes.accounts.models import Organization, User
from caminantes.accounts.permissions import Perm
from caminantes.assistance import delivery
from caminantes.assistance.errors import Refused, RequestConflict
from caminantes.assistance.models import Modality
from caminantes.assistance.referrals import notices
from caminantes.assistance.referrals.models import (
    FIELD_CATALOGUE,
    SECTOR_BY_TYPE,
    TRANSITIONS,
    Referral,
    ReferralEvent,
    Service,
    ServiceType,
    Status,
    field_label,
)
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.geo.models import AdminArea, Country
from caminantes.lib import crypto, idempotency
from caminantes.registry import consent, hooks, timeline
from caminantes.registry.models import Household, Person

INDICATOR = "referrals_completed"
# Days to answer a referral when the caseworker names no date.
DUE_DAYS = {True: 2, False: 10}
MAX_DUE_DAYS = 180
MANAGING = (Perm.REFER, Perm.MANAGE_MEMBERS)


# delivery.SECTORS spells transport three ways; the directory offers R4V's.
ALIASES = {"transport", "humanitarian_transport"}


def sector_choices() -> list[str]:
    return sorted((set(delivery.SECTORS) | set(SECTOR_BY_TYPE.values())) - ALIASES)


# --- the directory --------------------------------------------------------------------


def may_manage(user: Any, organization_id: int, country_id: int) -> bool:
    return any(
        policies.has_perm(user, p, organization_id=organization_id, country_id=country_id)
        for p in MANAGING
    )


def _require_manager(actor: User, obj: Any, organization_id: int, country_id: int) -> None:
    if not may_manage(actor, organization_id, country_id):
        log(actor, actions.ACCESS_DENIED, obj, "denied", permission=Perm.REFER.value)
        raise PermissionDenied


def _clean_service(values: dict[str, Any], country: Country) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    name = str(values.get("name", "")).strip()
    if not name:
        errors["name"] = [_("Enter the service's name.")]
    kind = values.get("type")
    if kind not in ServiceType.values:
        errors["type"] = [_("Choose the type of service.")]
    sector = values.get("sector") or SECTOR_BY_TYPE.get(str(kind), "")
    if sector not in sector_choices():
        errors["sector"] = [_("Choose a sector from the list.")]
    area = values.get("admin_area")
    if area is not None and (not isinstance(area, AdminArea) or area.country_id != country.pk):
        errors["admin_area"] = [_("Choose an area of the service's country.")]
    fields = list(dict.fromkeys(values.get("referral_fields") or []))
    if any(f not in FIELD_CATALOGUE for f in fields):
        errors["referral_fields"] = [_("Choose the fields from the list.")]
    capacity = values.get("capacity")
    if capacity is not None and not 0 <= int(capacity) <= 1_000_000:
        errors["capacity"] = [_("Enter a capacity between 0 and 1,000,000.")]
    if errors:
        raise ValidationError(errors)
    text = {k: str(values.get(k) or "").strip() for k in
            ("address", "hours", "contact", "eligibility", "languages")}  # fmt: skip
    return {
        **text, "name": name, "type": kind, "sector": sector, "admin_area": area,
        "referral_fields": fields, "capacity": capacity,
        "accepts_referrals": bool(values.get("accepts_referrals", True)),
        "is_active": bool(values.get("is_active", True)),
    }  # fmt: skip


def service_create(
    *, actor: User, organization: Organization, country: Country, **values: Any
) -> Service:
    """Add a service to the directory (see `_clean_service` for the values)."""
    _require_manager(actor, Service, organization.pk, country.pk)
    clean = _clean_service(values, country)
    with transaction.atomic():
        if Service.objects.filter(organization=organization, country=country,
                                  name=clean["name"]).exists():  # fmt: skip
            raise ValidationError({"name": [_("A service of that name already exists here.")]})
        service = Service.objects.create(organization=organization, country=country, **clean)
        log(actor, actions.CREATE, service, organization=organization)
    return service


def service_update(*, actor: User, service: Service, **values: Any) -> Service:
    _require_manager(actor, service, service.organization_id, service.country_id)
    clean = _clean_service(values, service.country)
    with transaction.atomic():
        locked = Service.objects.select_for_update().get(pk=service.pk)
        taken = Service.objects.filter(
            organization_id=locked.organization_id, country_id=locked.country_id,
            name=clean["name"],
        ).exclude(pk=locked.pk)  # fmt: skip
        if taken.exists():
            raise ValidationError({"name": [_("A service of that name already exists here.")]})
        changed = [k for k, v in clean.items() if getattr(locked, k) != v]
        for key, value in clean.items():
            setattr(locked, key, value)
        locked.updated_at = timezone.now()
        locked.save()
        log(actor, actions.UPDATE, locked, organization=locked.organization, fields=changed)
    return locked


# --- sending a referral ---------------------------------------------------------------


@dataclass
class ReferralResult:
    referral: Referral
    replayed: bool = False


def may_refer(user: Any, household: Household) -> bool:
    return policies.has_perm(user, Perm.REFER, organization_id=household.organization_id,
                             country_id=household.country_id)  # fmt: skip


def snapshot_values(
    keys: list[str], household: Household, person: Person, reason: str, urgent: bool
) -> dict[str, str]:
    """What the service's form asks for, read from the registry now (a copy: later changes
    to the record do not reach the receiving organisation)."""
    today = timezone.localdate()
    values: dict[str, str] = {}
    for key in keys:
        if key == "name":
            values[key] = person.full_name
        elif key == "birth_date":
            values[key] = person.birth_date.strftime("%d/%m/%Y") if person.birth_date else ""
        elif key == "age":
            age = person.age_on(today)
            values[key] = "" if age is None else str(age)
        elif key == "sex":
            values[key] = str(person.get_sex_display())
        elif key == "nationality":
            values[key] = ", ".join(str(c.name) for c in person.nationalities.all())
        elif key == "phone":
            phone = (person.phones.order_by("pk").first()
                     or household.phones.order_by("pk").first())  # fmt: skip
            values[key] = phone.number if phone is not None else ""
        elif key == "document":
            doc = person.documents.filter(status="valid").order_by("pk").first()
            values[key] = f"{doc.get_type_display()} {doc.number}" if doc is not None else ""
        elif key == "household_size":
            values[key] = str(household.members.filter(anonymised_at__isnull=True).count())
        elif key == "address":
            values[key] = household.address
        elif key == "languages":
            values[key] = ", ".join(str(v) for v in person.languages)
        elif key == "specific_needs":
            values[key] = ", ".join(person.specific_need_labels)
    values["reason"] = reason
    values["urgency"] = str(_("Urgent")) if urgent else str(_("Normal"))
    return values


def _due(urgent: bool, due_on: date | None) -> date:
    today = timezone.localdate()
    if due_on is None:
        return today + timedelta(days=DUE_DAYS[urgent])
    if due_on < today:
        raise ValidationError({"due_on": [_("The answer cannot be due in the past.")]})
    if due_on > today + timedelta(days=MAX_DUE_DAYS):
        raise ValidationError({"due_on": [_("Choose a date within six months.")]})
    return due_on


def _referral_reused() -> RequestConflict:
    return RequestConflict(
        _("This request id was already used for a different referral. Send a new id.")
    )


def _earlier(request_id: uuid_lib.UUID | None, sha: str) -> ReferralResult | None:
    found = idempotency.earlier(Referral, request_id, sha, conflict=_referral_reused,
                                id_field="request_id", digest_field="request_sha256")  # fmt: skip
    return None if found is None else ReferralResult(referral=found, replayed=True)


def _check(actor: User, service: Service, household: Household, person: Person) -> None:
    if not may_refer(actor, household):
        log(actor, actions.ACCESS_DENIED, Referral, "denied", permission=Perm.REFER.value)
        raise PermissionDenied
    if household.anonymised_at is not None or person.anonymised_at is not None:
        raise ValidationError({"person": [_("This person's data was erased.")]})
    if person.household_id != household.pk:
        raise ValidationError({"person": [_("Choose a member of this household.")]})
    if not service.is_active or not service.accepts_referrals:
        raise Refused(_("This service takes no referrals now."), code="service_closed")
    if service.country_id != household.country_id:
        raise Refused(_("Choose a service in the household's country."), code="other_country")
    try:
        consent.require(person, consent.Purpose.SHARING, recipient=service.organization)
    except consent.ConsentRequired:
        raise Refused(
            _(
                "%(name)s has not consented to share their data with %(organization)s. "
                "Record that consent (sharing with a named partner) before referring."
            )
            % {"name": person.full_name, "organization": service.organization.acronym},
            code="no_consent",
        ) from None


def referral_create(
    *, actor: User, service: Service, household: Household, person: Person | None = None,
    reason: str, urgent: bool = False, due_on: date | None = None,
    request_id: uuid_lib.UUID | None = None,
) -> ReferralResult:  # fmt: skip
    """Refer a household (its focal point's details) or one of its people to a service."""
    reason = reason.strip()
    sha = idempotency.content_digest({
        "service": service.uuid, "household": household.uuid,
        "person": person.uuid if person is not None else None, "reason": reason,
        "urgent": urgent, "due_on": due_on,
    })  # fmt: skip
    earlier = _earlier(request_id, sha)
    if earlier is not None:
        return earlier
    who = person or household.focal_point
    if who is None:
        raise ValidationError({"person": [_("Choose the person referred.")]})
    _check(actor, service, household, who)
    if not reason:
        raise ValidationError({"reason": [_("Say why the person is referred.")]})
    if len(reason) > 2000:
        raise ValidationError({"reason": [_("Keep the reason under 2,000 characters.")]})
    due = _due(urgent, due_on)
    try:
        with transaction.atomic():
            referral = Referral(
                service=service, receiving_organization_id=service.organization_id,
                country_id=service.country_id, sender_organization_id=household.organization_id,
                sent_by=actor, urgent=urgent, due_on=due, restricted=service.restricted,
                request_id=request_id, request_sha256=sha if request_id else "",
            )  # fmt: skip
            values = snapshot_values(service.referral_fields, household, who, reason, urgent)
            if service.restricted:
                referral.save()
                try:
                    hooks.restricted_referral_received(
                        referral_uuid=referral.uuid, organization=service.organization,
                        country=service.country, service_type=service.type, person=who,
                        fields={field_label(k): v for k, v in values.items()}, urgent=urgent,
                        sender=actor,
                    )  # fmt: skip
                except ImportError:  # a deployment without the protection module
                    raise Refused(
                        _("This protection service cannot receive referrals here yet."),
                        code="restricted_unavailable",
                    ) from None
            else:
                referral.household, referral.person = household, who
                referral.set_fields(values)
                referral.save()
                timeline.record(
                    household, "referral", referral, referral.sent_at,
                    gettext_noop("Referred to %(service)s (%(organization)s)"),
                    params={"service": service.name,
                            "organization": service.organization.acronym},
                    actor=actor, organization=household.organization,
                )  # fmt: skip
                notices.arrived(referral)
            ReferralEvent.objects.create(referral=referral, status=Status.SENT, actor=actor,
                                         organization=household.organization)  # fmt: skip
            log(actor, actions.CREATE, referral, organization=household.organization,
                urgent=urgent)  # fmt: skip
    except IntegrityError:
        earlier = _earlier(request_id, sha)  # the same request id stored by a re-send
        if earlier is not None:
            return earlier
        raise
    return ReferralResult(referral=referral)


# --- answering, following and closing -------------------------------------------------

RECEIVING_STEPS = (Status.RECEIVED, Status.ACCEPTED, Status.DECLINED, Status.IN_PROGRESS,
                   Status.COMPLETED)  # fmt: skip


def sides(user: Any, referral: Referral) -> set[str]:
    """'sender' and/or 'receiver': the sides of this referral the user acts for."""
    found = set()
    org_pairs = ((referral.sender_organization_id, "sender"),
                 (referral.receiving_organization_id, "receiver"))  # fmt: skip
    for org_id, side in org_pairs:
        if policies.has_perm(user, Perm.REFER, organization_id=org_id,
                             country_id=referral.country_id):  # fmt: skip
            found.add(side)
    if referral.restricted:
        found.discard("receiver")
        if referral.sent_by_id != getattr(user, "pk", None):
            found.discard("sender")
    return found


def allowed_steps(user: Any, referral: Referral) -> list[str]:
    """The statuses this user may move the referral to now (none for a restricted one:
    protection answers it)."""
    if referral.restricted:
        return []
    acting = sides(user, referral)
    result = []
    for status in TRANSITIONS[referral.status]:
        if status == Status.CLOSED and acting:
            result.append(status)
        elif status in RECEIVING_STEPS and "receiver" in acting:
            result.append(status)
    return result


def _complete(actor: User, referral: Referral, when: Any) -> None:
    person = referral.person
    if person is None:
        return
    # Counted, not named: the receiving organisation never gets the household.
    reached = delivery.Reached(
        sex=person.sex, age=person.age_on(when.date()),
        population_type=person.household.population_type,
    )  # fmt: skip
    referral.delivery = delivery.record(
        actor=actor, organization=referral.receiving_organization, country=referral.country,
        sector=referral.service.sector or SECTOR_BY_TYPE[referral.service.type],
        indicator=INDICATOR, people=[reached], quantity=1, modality=Modality.SERVICE,
        when=when, ref=referral,
    )  # fmt: skip
    if referral.household is not None:
        timeline.record(
            referral.household, "referral", referral, when,
            gettext_noop("Referral to %(service)s completed"),
            params={"service": referral.service.name}, actor=actor,
            organization=referral.sender_organization,
        )  # fmt: skip


@dataclass
class StatusResult:
    referral: Referral
    replayed: bool = False


def referral_set_status(
    *, actor: User, referral: Referral, status: str, note: str = "", reason: str = ""
) -> StatusResult:
    """Move a referral on (see the module docstring); `reason` is required to decline and
    `note` is the feedback the referring caseworker reads."""
    if status not in Status.values:
        raise ValidationError({"status": [_("Choose a valid status.")]})
    note, reason = note.strip()[:2000], reason.strip()[:500]
    with transaction.atomic():
        locked = (
            Referral.objects.select_for_update()
            .select_related(
                "service", "sent_by", "receiving_organization", "sender_organization", "country"
            )
            .get(pk=referral.pk)
        )
        acting = sides(actor, locked)
        if not acting:
            log(actor, actions.ACCESS_DENIED, locked, "denied", permission=Perm.REFER.value)
            raise PermissionDenied
        if locked.restricted:
            raise Refused(_("A protection referral is answered by the protection service."),
                          code="restricted")  # fmt: skip
        if locked.status == status:
            return StatusResult(referral=locked, replayed=True)
        if status not in allowed_steps(actor, locked):
            if status in TRANSITIONS[locked.status]:
                log(actor, actions.ACCESS_DENIED, locked, "denied", status_to=status)
                raise PermissionDenied
            raise Refused(
                _("A referral that is %(now)s cannot become %(next)s.")
                % {"now": locked.get_status_display().lower(),
                   "next": Status(status).label.lower()},
                code="referral_status",
            )  # fmt: skip
        if status == Status.DECLINED and not reason:
            raise ValidationError({"reason": [_("Say why the referral is declined.")]})
        now = timezone.now()
        before = locked.status
        locked.status = status
        locked.updated_at = now
        if status == Status.DECLINED:
            locked.decline_reason = reason
        if status == Status.COMPLETED:
            _complete(actor, locked, now)
        locked.save(update_fields=["status", "updated_at", "decline_reason", "delivery"])
        side = "receiver" if "receiver" in acting else "sender"
        org = (locked.receiving_organization if side == "receiver"
               else locked.sender_organization)  # fmt: skip
        ReferralEvent.objects.create(
            referral=locked, status=status, at=now, actor=actor, organization=org,
            note_encrypted=crypto.encrypt(note or reason),
        )  # fmt: skip
        notices.step(locked, status, actor)
        log(actor, actions.UPDATE, locked, organization=org,
            status_from=before, status_to=status)  # fmt: skip
    return StatusResult(referral=locked)


def restricted_answered(*, referral_uuid: uuid_lib.UUID, accepted: bool, actor: Any) -> Referral:
    """Protection answered a restricted referral (named in registry.hooks): the sender
    learns accepted or declined, nothing else. Answering again the same is a no-op."""
    status = Status.ACCEPTED if accepted else Status.DECLINED
    with transaction.atomic():
        locked = (
            Referral.objects.select_for_update()
            .select_related("service", "sent_by")
            .get(uuid=referral_uuid, restricted=True)
        )
        if locked.status == status:
            return locked
        if status not in TRANSITIONS[locked.status]:
            raise Refused(_("This referral was already answered."), code="referral_status")
        locked.status = status
        locked.updated_at = timezone.now()
        if not accepted:
            locked.decline_reason = gettext_noop("Declined by the receiving service.")
        locked.save(update_fields=["status", "updated_at", "decline_reason"])
        ReferralEvent.objects.create(referral=locked, status=status, actor=None)
        notices.notify(locked.sent_by, locked, notices.STEP_MESSAGES[status])
        log(actor, actions.UPDATE, locked, status_to=status)
    return locked
