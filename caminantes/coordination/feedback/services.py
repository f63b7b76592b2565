"""Writes to feedback and complaints: intake, taking in charge, re-categorising, the
response and the closing of the loop. Each one checks, writes and audits in one transaction.

Audit events about a sensitive item are logged as `feedback.sensitive` (see `subject`), a
type the general trail never shows; everything else as the item itself. Re-categorising
into a sensitive category is open to anyone handling the item (it is an escalation: the item
then leaves their view); re-categorising a sensitive item is for its focal points only.

Deadlines (days after the day the item was received) default to `DEFAULT_RESPONSE_DAYS`
and `TAKE_IN_CHARGE_DAYS`; a deployment may override any of them with the setting
`FEEDBACK_RESPONSE_DAYS` (a dict category -> days).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caminantes.accounts import policies as access
from caminantes.accounts.models import Organization, User
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.coordination.feedback import policies
from caminantes.coordination.feedback.models import (
    AckChannel,
    Category,
    Channel,
    FeedbackItem,
    Reach,
    Status,
    is_sensitive,
)
from caminantes.coordination.feedback.policies import subject
from caminantes.geo.models import AdminArea, Country
from caminantes.lib import crypto
from caminantes.registry.models import Household

DEFAULT_RESPONSE_DAYS: dict[str, int] = {
    Category.INFORMATION: 3,
    Category.COMPLAINT: 7,
    Category.FEEDBACK: 14,
    Category.SEA: 7,
    Category.FRAUD: 7,
    Category.MISCONDUCT: 7,
}
# A sensitive item is taken in charge by a focal point within this many days.
TAKE_IN_CHARGE_DAYS = 1
MAX_TEXT = 4000
OLDEST = date(2015, 1, 1)


def response_days(category: str) -> int:
    configured: dict[str, int] = getattr(settings, "FEEDBACK_RESPONSE_DAYS", {}) or {}
    return int(configured.get(category, DEFAULT_RESPONSE_DAYS[category]))


def _deny(actor: Any, obj: Any, perm: Perm) -> None:
    log(actor, actions.ACCESS_DENIED, obj, "denied", permission=perm.value)
    raise PermissionDenied


def _text(value: str, key: str, missing: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({key: [missing]})
    if len(value) > MAX_TEXT:
        raise ValidationError({key: [_("Keep it under 4,000 characters.")]})
    return value


def _past_date(
    value: date | None, key: str, *, after: date | None = None, after_message: str = ""
) -> date:
    today = timezone.localdate()
    if value is None:
        raise ValidationError({key: [_("Enter the date.")]})
    if value > today:
        raise ValidationError({key: [_("The date cannot be in the future.")]})
    if value < OLDEST:
        raise ValidationError({key: [_("Enter a date after 2015.")]})
    if after is not None and value < after:
        raise ValidationError(
            {key: [after_message or _("The date cannot be before the item was received.")]}
        )
    return value


def feedback_create(
    *, actor: User, organization: Organization, country: Country, channel: str,
    category: str, received_on: date | None, description: str, anonymous: bool = False,
    name: str = "", contact: str = "", contact_consent: bool = False,
    household: Household | None = None, admin_area: AdminArea | None = None,
) -> FeedbackItem:  # fmt: skip
    """Record feedback or a complaint. Anyone handling feedback for the organisation and
    country may record any category, a sensitive one included (they will not see it again)."""
    if not access.has_perm(actor, Perm.HANDLE_FEEDBACK, organization_id=organization.pk,
                           country_id=country.pk):  # fmt: skip
        _deny(actor, FeedbackItem, Perm.HANDLE_FEEDBACK)
    errors: dict[str, list[str]] = {}
    if channel not in Channel.values:
        errors["channel"] = [_("Choose the channel.")]
    if category not in Category.values:
        errors["category"] = [_("Choose the category.")]
    name, contact = (name or "").strip(), (contact or "").strip()
    if anonymous and (name or contact):
        errors["anonymous"] = [_("An anonymous complaint keeps no name and no contact.")]
    if contact and not contact_consent:
        errors["contact_consent"] = [
            _("Keep a contact only if the person agrees to be contacted about this.")
        ]
    if len(name) > 200 or len(contact) > 200:
        errors["contact"] = [_("Keep the name and the contact under 200 characters.")]
    if admin_area is not None and admin_area.country_id != country.pk:
        errors["admin_area"] = [_("Choose an area of the country.")]
    if household is not None and (
        household.organization_id != organization.pk or household.country_id != country.pk
    ):
        errors["household"] = [_("No household with this code that you may see.")]
    try:
        received = _past_date(received_on, "received_on")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        text = _text(description, "description", _("Write down what the person said."))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    sensitive = is_sensitive(category)
    with transaction.atomic():
        item = FeedbackItem.objects.create(
            organization=organization, country=country, admin_area=admin_area,
            channel=channel, category=category, sensitive=sensitive, received_on=received,
            recorded_by=actor, description_encrypted=crypto.encrypt(text),
            anonymous=anonymous, name_encrypted=crypto.encrypt(name) if name else "",
            contact_encrypted=crypto.encrypt(contact) if contact else "",
            contact_consent=bool(contact_consent) and not anonymous, household=household,
            due_on=received + timedelta(days=response_days(category)),
            take_by=received + timedelta(days=TAKE_IN_CHARGE_DAYS) if sensitive else None,
        )  # fmt: skip
        log(actor, actions.CREATE, subject(item), organization=organization,
            channel=channel, category=category if not sensitive else "sensitive")  # fmt: skip
    return item


def _require_handler(actor: Any, item: FeedbackItem) -> None:
    if not policies.may_handle(actor, item):
        perm = Perm.SENSITIVE_FEEDBACK if item.sensitive else Perm.HANDLE_FEEDBACK
        log(actor, actions.ACCESS_DENIED, subject(item), "denied", permission=perm.value,
            object_organization=item.organization)  # fmt: skip
        raise PermissionDenied


def _locked(item: FeedbackItem) -> FeedbackItem:
    return FeedbackItem.objects.select_for_update().get(pk=item.pk)


def feedback_take(*, actor: User, item: FeedbackItem) -> FeedbackItem:
    """A handler takes the item in charge (for a sensitive one, the focal point's receipt)."""
    _require_handler(actor, item)
    with transaction.atomic():
        locked = _locked(item)
        if locked.taken_at is not None:
            return locked  # taken already: a second tap changes nothing
        locked.taken_at, locked.taken_by = timezone.now(), actor
        if locked.status == Status.RECEIVED:
            locked.status = Status.IN_PROGRESS
        locked.updated_at = timezone.now()
        locked.save()
        log(actor, actions.UPDATE, subject(locked), organization=locked.organization,
            step="taken")  # fmt: skip
    return locked


def feedback_recategorise(*, actor: User, item: FeedbackItem, category: str) -> FeedbackItem:
    """Change the category (and so the deadline). A sensitive item: focal points only."""
    _require_handler(actor, item)
    if category not in Category.values:
        raise ValidationError({"category": [_("Choose the category.")]})
    with transaction.atomic():
        locked = _locked(item)
        if locked.category == category:
            return locked
        before = subject(locked)
        locked.category = category
        locked.sensitive = is_sensitive(category)
        locked.due_on = locked.received_on + timedelta(days=response_days(category))
        if locked.sensitive and locked.take_by is None:
            locked.take_by = timezone.localdate() + timedelta(days=TAKE_IN_CHARGE_DAYS)
        locked.updated_at = timezone.now()
        locked.save()
        # Logged under the type it had and under the type it has: a focal point's view of
        # the item keeps the step, the general trail never learns the new category.
        log(actor, actions.UPDATE, before, organization=locked.organization,
            step="recategorised")  # fmt: skip
        if subject(locked) != before:
            log(actor, actions.UPDATE, subject(locked), organization=locked.organization,
                step="recategorised")  # fmt: skip
    return locked


def feedback_respond(
    *, actor: User, item: FeedbackItem, response: str, responded_on: date | None
) -> FeedbackItem:
    """The response given to the person (what, when, by whom)."""
    _require_handler(actor, item)
    errors: dict[str, list[str]] = {}
    try:
        text = _text(response, "response", _("Write the response given."))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        day = _past_date(responded_on, "responded_on", after=item.received_on)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(item)
        if locked.status == Status.CLOSED:
            raise ValidationError({"__all__": [_("This item is closed.")]})
        locked.response_encrypted = crypto.encrypt(text)
        locked.responded_on, locked.responded_by = day, actor
        locked.status = Status.RESPONDED
        if locked.taken_at is None:
            locked.taken_at, locked.taken_by = timezone.now(), actor
        locked.updated_at = timezone.now()
        locked.save()
        log(actor, actions.UPDATE, subject(locked), organization=locked.organization,
            step="responded")  # fmt: skip
    return locked


def feedback_close(
    *, actor: User, item: FeedbackItem, reach: str, on: date | None, channel: str = ""
) -> FeedbackItem:
    """Close the loop: the person acknowledged the response (when, how), or could not be
    reached. Only after a response."""
    _require_handler(actor, item)
    with transaction.atomic():
        locked = _locked(item)  # the checks read the row as it is now, not as the page saw it
        if locked.responded_on is None:
            raise ValidationError({"__all__": [_("Record the response given before closing.")]})
        if locked.status == Status.CLOSED:
            raise ValidationError({"__all__": [_("This item is closed.")]})
        errors: dict[str, list[str]] = {}
        if reach not in Reach.values:
            errors["reach"] = [_("Say whether the person acknowledged the response.")]
        if reach == Reach.ACKNOWLEDGED and channel not in AckChannel.values:
            errors["reach_channel"] = [_("Say how the person acknowledged it.")]
        try:
            day = _past_date(
                on, "reach_on", after=locked.responded_on,
                after_message=_("The date cannot be before the response."),
            )  # fmt: skip
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if (
            locked.anonymous
            and reach == Reach.ACKNOWLEDGED
            and channel not in ("", AckChannel.IN_PERSON)
        ):
            errors["reach_channel"] = [_("An anonymous person can only acknowledge in person.")]
        if errors:
            raise ValidationError(errors)
        locked.reach, locked.reach_on = reach, day
        locked.reach_channel = channel if reach == Reach.ACKNOWLEDGED else ""
        locked.status, locked.closed_by = Status.CLOSED, actor
        locked.updated_at = timezone.now()
        locked.save()
        log(actor, actions.UPDATE, subject(locked), organization=locked.organization,
            step="closed", reach=reach)  # fmt: skip
    return locked
