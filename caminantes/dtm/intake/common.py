"""Reading submitted values the same way whatever sent them (page, file, ODK, Kobo).

Every reader returns the clean value or records a translated error under the field name;
the caller raises one ValidationError with all of them, so a person sees every problem
of a sheet at once.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid as uuid_lib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import partial
from typing import Any, Protocol, TypeVar

import pycountry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from caminantes.accounts import policies
from caminantes.accounts.models import User
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.dtm.models import FlowMonitoringPoint, Operation
from caminantes.lib import idempotency

# No count, capacity or answer comes near this; a sheet's cells added up stay within the
# database's integer (PostgreSQL's is 32-bit) however many cells a form has.
MAX_COUNT = 10_000_000

# Country answers may say "other" or "unknown" instead of a code.
COUNTRY_EXTRAS = ("other", "unknown")
_TIME = re.compile(r"^(?:\d{4}-\d{2}-\d{2}[T ])?(\d{1,2}):(\d{2})")


@dataclass
class Result:
    """What an intake function did: `created` False means the same submission was known."""

    obj: Any
    created: bool


class Conflict(ValidationError):
    """The submission id is known with different content (ODK Central answers 409)."""


@dataclass
class Reader:
    data: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def raw(self, name: str) -> Any:
        value = self.data.get(name)
        if isinstance(value, str):
            value = value.strip()
        return None if value in ("", None) else value

    def text(self, name: str, max_length: int = 300) -> str:
        value = self.raw(name)
        return "" if value is None else str(value)[:max_length]

    def integer(self, name: str, *, required: bool = False, default: int | None = 0) -> int | None:
        value = self.raw(name)
        if value is None:
            if required:
                self.error(name, _("This number is required."))
            return default
        try:
            number = int(float(str(value).replace(",", ".")))
            if float(str(value).replace(",", ".")) != number:
                raise ValueError
        except (ValueError, OverflowError):  # "abc", "nan"; "1e400" is infinite
            self.error(name, _("“%(value)s” is not a whole number.") % {"value": str(value)[:40]})
            return default
        if number < 0:
            self.error(name, _("Cannot be negative."))
            return default
        if number > MAX_COUNT:
            self.error(name, _("This number is too large."))
            return default
        return number

    def day(self, name: str, *, required: bool = True, not_future: bool = True) -> date | None:
        value = self.raw(name)
        if value is None:
            if required:
                self.error(name, _("The date is required."))
            return None
        parsed: date | None
        if isinstance(value, datetime):
            parsed = value.date()
        elif isinstance(value, date):
            parsed = value
        else:
            parsed = _parse_date(str(value))
            if parsed is None:
                self.error(
                    name, _("“%(value)s” is not a date (use YYYY-MM-DD).") % {"value": value}
                )
                return None
        if not_future and parsed > timezone.localdate():
            self.error(name, _("The date is in the future."))
        return parsed

    def clock(self, name: str) -> time | None:
        value = self.raw(name)
        if value is None:
            self.error(name, _("The time is required."))
            return None
        if isinstance(value, datetime):
            return value.time().replace(second=0, microsecond=0)
        if isinstance(value, time):
            return value.replace(second=0, microsecond=0)
        match = _TIME.match(str(value))
        if match and int(match[1]) < 24 and int(match[2]) < 60:
            return time(int(match[1]), int(match[2]))
        self.error(name, _("“%(value)s” is not a time (use HH:MM).") % {"value": value})
        return None

    def choice(self, name: str, allowed: Any, *, required: bool = False) -> str:
        value = self.raw(name)
        if value is None:
            if required:
                self.error(name, _("An answer is required."))
            return ""
        code = str(value).strip().lower()
        if code not in allowed.values:
            self.error(name, _("“%(value)s” is not one of the options.") % {"value": value})
            return ""
        return code

    def country(self, name: str, *, required: bool = False) -> str:
        value = self.raw(name)
        if value is None:
            if required:
                self.error(name, _("A country is required."))
            return ""
        code = country_code(str(value))
        if code is None:
            self.error(name, _("“%(value)s” is not a country code.") % {"value": value})
            return ""
        return code

    def uuid(self, name: str = "uuid") -> uuid_lib.UUID | None:
        value = self.raw(name)
        if value is None:
            self.error(name, _("The submission id is missing."))
            return None
        return submission_uuid(value, self)

    def multi(self, name: str) -> list[str]:
        """A select_multiple answer: a list, or codes separated by spaces (XLSForm)."""
        value = self.data.get(name)
        if value in (None, ""):
            return []
        items = value if isinstance(value, list | tuple) else str(value).split()
        return [str(i).strip().lower() for i in items if str(i).strip()]


def _parse_date(text: str) -> date | None:
    text = text.strip()[:10]
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def country_code(value: str) -> str | None:
    """ISO 3166-1 alpha-2 in upper case from alpha-2 or alpha-3; other/unknown kept."""
    text = value.strip()
    if text.lower() in COUNTRY_EXTRAS:
        return text.lower()
    if len(text) == 2:
        found = pycountry.countries.get(alpha_2=text.upper())
    elif len(text) == 3:
        found = pycountry.countries.get(alpha_3=text.upper())
    else:
        found = None
    return found.alpha_2 if found is not None else None


def submission_uuid(value: Any, reader: Reader | None = None) -> uuid_lib.UUID | None:
    """ODK and Kobo write "uuid:…"; the tally page a bare UUID."""
    text = str(value).strip()
    if text.lower().startswith("uuid:"):
        text = text[5:]
    try:
        return uuid_lib.UUID(text)
    except ValueError:
        if reader is not None:
            reader.error("uuid", _("“%(value)s” is not a valid submission id.") % {"value": value})
        return None


def content_digest(clean: dict[str, Any]) -> str:
    """SHA-256 of a submission's content. Not lib.idempotency's `content_digest`: the JSON is
    written without spaces (separators ",", ":"), so the digests differ, and the ones stored
    with every submission received so far must keep matching a re-send of it."""
    return hashlib.sha256(
        json.dumps(clean, sort_keys=True, default=str, separators=(",", ":")).encode()
    ).hexdigest()


# --- a submission id received again: lib.idempotency's door, with DTM's words -----------

DIGEST = "content_sha256"  # where each DTM row keeps the digest of what was sent
SURVEY_REUSED = gettext_noop("This survey (%(id)s) was already received with different answers.")
M = TypeVar("M", bound=models.Model)


class Sent(Protocol):
    uuid: Any
    point: FlowMonitoringPoint
    digest: str


def stored_digests(model: type[models.Model], uuids: Iterable[Any]) -> dict[Any, str]:
    """The content digest of each of these submission ids already stored, in one query."""
    return idempotency.stored_digests(model, uuids, digest_field=DIGEST)


def already_stored(
    model: type[models.Model], reused: str, sent: Sent, stored: Mapping[Any, str] | None = None
) -> bool:
    """True when this submission id is stored with this content; Conflict (the message
    `reused`, naming the id) when with another. `stored` (from `stored_digests`) answers
    without a query."""
    return idempotency.known(model, sent.uuid, sent.digest, conflict=partial(_reused, reused, sent),
                             digests=stored, digest_field=DIGEST)  # fmt: skip


def store_once(
    model: type[M], reused: str, sent: Sent, *, stored: Mapping[Any, str] | None,
    user: User | None, source: str, import_batch: Any, **fields: Any,
) -> tuple[M, bool]:  # fmt: skip
    """(row, created): the row stored before under this submission id with this content
    (Conflict when with another), or a new one: its id, point (and the point's organization,
    country and operation), who sent it, how, and the digest, with `fields`. When another
    writer stored the same id meanwhile (a double tap on two workers), that one's row."""
    point = sent.point

    def create() -> M:
        return model._default_manager.create(
            uuid=sent.uuid, point=point, organization_id=point.organization_id,
            country_id=point.country_id, operation_id=point.operation_id, enumerator=user,
            source=source, import_batch=import_batch, **{DIGEST: sent.digest}, **fields,
        )  # fmt: skip

    return idempotency.create_once(model, sent.uuid, sent.digest, create, digests=stored,
                                   conflict=partial(_reused, reused, sent),
                                   digest_field=DIGEST)  # fmt: skip


def _reused(message: str, sent: Sent) -> Conflict:
    return Conflict(_(message) % {"id": str(sent.uuid)[:8]}, code="conflict")


# Points already looked up, by the text given: a file import resolves each point once.
PointCache = dict[str, FlowMonitoringPoint | None]


def resolve_point(
    value: Any,
    *,
    user: User | None,
    operation: Operation | None,
    reader: Reader,
    cache: PointCache | None = None,
) -> FlowMonitoringPoint | None:
    """A point given as the object, its UUID or its code (within `operation` when given).

    `cache` (for one user and operation) keeps each answer, found or not."""
    if isinstance(value, FlowMonitoringPoint):
        return value
    if value in (None, ""):
        reader.error("point", _("The flow monitoring point is required."))
        return None
    text = str(value).strip()
    if cache is not None:
        if text not in cache:
            cache[text] = _find_point(text, user=user, operation=operation)
        found = cache[text]
    else:
        found = _find_point(text, user=user, operation=operation)
    if found is None:
        reader.error("point", _("No flow monitoring point “%(value)s” here.") % {"value": text})
    return found


def _find_point(
    text: str, *, user: User | None, operation: Operation | None
) -> FlowMonitoringPoint | None:
    points = FlowMonitoringPoint.objects.select_related("organization", "country", "operation")
    if user is not None:
        points = points.filter(
            pk__in=policies.visible(user, FlowMonitoringPoint, Perm.DTM_COLLECT).values("pk")
        )
    if operation is not None:
        points = points.filter(operation=operation)
    try:
        return points.filter(uuid=uuid_lib.UUID(text)).first()
    except ValueError:
        matches = list(points.filter(code__iexact=text)[:2])
        return matches[0] if len(matches) == 1 else None


def require_collect(user: User | None, point: FlowMonitoringPoint) -> None:
    """The system (user None: a command, a signed-in device) may; a person needs DTM_COLLECT."""
    if user is None:
        return
    allowed = policies.has_perm(
        user, Perm.DTM_COLLECT, organization_id=point.organization_id, country_id=point.country_id
    )
    if not allowed:
        log(user, actions.ACCESS_DENIED, point, "denied", permission=Perm.DTM_COLLECT.value)
        raise PermissionDenied(_("Your roles do not allow collecting data at this point."))
