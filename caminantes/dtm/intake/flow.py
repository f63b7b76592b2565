"""One tally sheet in: `submit_flow_count(data, source=…)`, whoever sends it.

`data` is flat, as a form, a spreadsheet row or an ODK/Kobo submission gives it:
uuid, point (UUID or code), date, shift_start, shift_end, direction (incoming, outgoing),
flow_type (pendular, transit, stay, return; Spanish and Portuguese words are understood,
see `FLOW_TYPE_WORDS`), individuals, groups,
unaccompanied_children, female_0_5 … male_60_plus, pregnant_lactating and
with_disabilities (optional, 0 when absent), and the breakdowns either as dicts
(`{"nationality": {"VE": 8, "CO": 2}}`) or as flat keys `nationality_VE`, `transport_bus`,
`destination_PE` (also `nationality__VE` or `nationality/VE`). Zero cells are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from caminantes.accounts.models import User
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.dtm import rollup
from caminantes.dtm.choices import (
    CHILD_FIELDS,
    FLOW_TYPES_ASKED,
    SEX_AGE_FIELDS,
    VULNERABILITY_FIELDS,
    CountDimension,
    Direction,
    FlowType,
    Source,
    TransportMode,
)
from caminantes.dtm.intake import common
from caminantes.dtm.intake.common import (
    PointCache,
    Reader,
    Result,
    content_digest,
    country_code,
    require_collect,
    resolve_point,
)
from caminantes.dtm.models import (
    DtmImport,
    FlowCount,
    FlowCountBreakdown,
    FlowMonitoringPoint,
    Operation,
)
from caminantes.lib.headers import header_key

DIMENSIONS = tuple(CountDimension.values)
_FLAT = re.compile(r"^(nationality|transport|destination)(?:__|_|/)(.+)$", re.IGNORECASE)
Keys = set[tuple[int, date]]
# What DTM tally sheets and files write for each flow type (compared as header keys:
# case, accents and spaces do not matter).
FLOW_TYPE_WORDS: dict[str, tuple[str, ...]] = {
    FlowType.PENDULAR: ("pendular", "pendulares", "movimiento pendular", "movimento pendular"),
    FlowType.TRANSIT: ("transit", "transito", "en transito", "em transito", "in transit"),
    FlowType.STAY: ("stay", "intention to stay", "destino", "destination", "permanencia",
                    "vocacion de permanencia", "con vocacion de permanencia",
                    "intencion de quedarse", "permanencia no pais", "intencao de ficar"),
    FlowType.RETURN: ("return", "retorno", "regreso", "returnees", "retornados"),
}  # fmt: skip
_FLOW_TYPE_KEYS = {header_key(w): code for code, ws in FLOW_TYPE_WORDS.items() for w in ws}


@dataclass
class FlowCountInput:
    """A validated sheet, ready to store."""

    uuid: Any
    point: FlowMonitoringPoint
    observed_on: date
    shift_start: time
    shift_end: time
    direction: str
    flow_type: str
    totals: dict[str, int]
    breakdowns: dict[str, dict[str, int]]
    digest: str


def _breakdowns(reader: Reader) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {d: {} for d in DIMENSIONS}
    cells: list[tuple[str, str, Any, str]] = []
    for key, value in reader.data.items():
        if key in DIMENSIONS and isinstance(value, dict):
            cells += [(key, str(code), v, f"{key}_{code}") for code, v in value.items()]
            continue
        match = _FLAT.match(str(key))
        if match:
            cells.append((match[1].lower(), match[2], value, str(key)))
    for dimension, raw_code, value, name in cells:
        if value in (None, ""):
            continue
        number = Reader({name: value}, reader.errors).integer(name)
        if not number:
            continue
        if dimension == CountDimension.TRANSPORT:
            code: str | None = (
                raw_code.lower() if raw_code.lower() in TransportMode.values else None
            )
        else:
            code = country_code(raw_code)
        if code is None:
            reader.error(name, _("“%(code)s” is not a known code.") % {"code": raw_code})
            continue
        found[dimension][code] = found[dimension].get(code, 0) + number
    return found


def _direction(r: Reader) -> str:
    raw = r.raw("direction")
    if raw is not None and header_key(raw) in ("transit", "transito", "en_transito"):
        r.error(
            "direction",
            _(
                "“%(value)s” is a flow type, not a direction: write incoming or outgoing "
                "here and the flow type in its own column."
            )
            % {"value": raw},
        )
        return ""
    return r.choice("direction", Direction, required=True)


def _flow_type(r: Reader) -> str:
    raw = r.raw("flow_type")
    if raw is None:
        r.error("flow_type", _("The flow type is required: pendular, transit, intention to "
                               "stay or return."))  # fmt: skip
        return ""
    code = _FLOW_TYPE_KEYS.get(header_key(raw))
    if code is None or code not in FLOW_TYPES_ASKED:
        r.error(
            "flow_type",
            _("“%(value)s” is not a flow type: pendular, transit, stay or return.")
            % {"value": str(raw)[:40]},
        )
        return ""
    return code


def validate_flow_count(
    data: dict[str, Any],
    *,
    user: User | None = None,
    operation: Operation | None = None,
    points: PointCache | None = None,
) -> FlowCountInput:
    """Check a sheet; ValidationError lists every problem by field, in the active language."""
    r = Reader(dict(data))
    submission = r.uuid()
    point = resolve_point(
        r.data.get("point"), user=user, operation=operation, reader=r, cache=points
    )
    if point is not None and not point.is_active:
        r.error("point", _("This point is closed: counts are no longer taken here."))
    observed_on = r.day("date")
    start, end = r.clock("shift_start"), r.clock("shift_end")
    if start and end and end <= start:
        r.error("shift_end", _("The shift must end after it starts."))
    direction = _direction(r)
    flow_type = _flow_type(r)
    totals = {
        name: r.integer(name) or 0
        for name in (
            "individuals",
            "groups",
            "unaccompanied_children",
            *SEX_AGE_FIELDS,
            *VULNERABILITY_FIELDS,
        )
    }
    if r.raw("individuals") is None:
        # A sheet with only sex x age cells: the total is their sum.
        totals["individuals"] = sum(totals[f] for f in SEX_AGE_FIELDS)
    total = totals["individuals"]
    by_sex_age = sum(totals[f] for f in SEX_AGE_FIELDS)
    if by_sex_age != total:
        r.error(
            "individuals",
            _("The sex and age groups add up to %(sum)d, but the total is %(total)d.")
            % {"sum": by_sex_age, "total": total},
        )
    children = sum(totals[f] for f in CHILD_FIELDS)
    if totals["unaccompanied_children"] > children:
        r.error(
            "unaccompanied_children",
            _("More unaccompanied children (%(u)d) than children counted (%(c)d).")
            % {"u": totals["unaccompanied_children"], "c": children},
        )
    if totals["groups"] > total:
        r.error("groups", _("More groups than people."))
    women = totals["female_6_17"] + totals["female_18_59"]
    if totals["pregnant_lactating"] > women:
        r.error(
            "pregnant_lactating",
            _("More pregnant or lactating women (%(p)d) than women and girls aged 6 to 59 "
              "counted (%(w)d).") % {"p": totals["pregnant_lactating"], "w": women},
        )  # fmt: skip
    if totals["with_disabilities"] > total:
        r.error("with_disabilities", _("More persons with disabilities than people."))
    breakdowns = _breakdowns(r)
    for dimension, cells in breakdowns.items():
        if cells and sum(cells.values()) != total:
            r.error(
                dimension,
                _("%(dimension)s adds up to %(sum)d, but the total is %(total)d.")
                % {
                    "dimension": CountDimension(dimension).label,
                    "sum": sum(cells.values()),
                    "total": total,
                },
            )
    if r.errors:
        raise ValidationError(r.errors)
    assert submission and point and observed_on and start and end
    clean = {
        "point": str(point.uuid),
        "date": observed_on,
        "start": start,
        "end": end,
        "direction": direction,
        "flow_type": flow_type,
        # Zero vulnerability counts stay out of the digest: a sheet sent before the fields
        # existed, sent again, is still the same sheet.
        "totals": {k: v for k, v in totals.items() if v or k not in VULNERABILITY_FIELDS},
        "breakdowns": {d: dict(sorted(c.items())) for d, c in breakdowns.items() if c},
    }
    return FlowCountInput(
        uuid=submission,
        point=point,
        observed_on=observed_on,
        shift_start=start,
        shift_end=end,
        direction=direction,
        flow_type=flow_type,
        totals=totals,
        breakdowns=clean["breakdowns"],  # type: ignore[arg-type]
        digest=content_digest(clean),
    )


REUSED = gettext_noop(
    "This submission (%(id)s) was already received with different figures. "
    "To correct a sheet, void it and enter it again."
)
# The content digest of each of these submission ids already stored, in one query; and
# whether a sheet is stored with this content (Conflict when with another).
stored_digests = partial(common.stored_digests, FlowCount)
already_stored = partial(common.already_stored, FlowCount, REUSED)


def store_flow_count(
    sheet: FlowCountInput,
    *,
    source: str,
    user: User | None,
    import_batch: DtmImport | None = None,
    touched: Keys | None = None,
    stored: dict[Any, str] | None = None,
) -> Result:
    """Write a validated sheet. With `touched`, the rollup keys are collected, not refreshed:
    the caller (an import) locks the points and refreshes once at the end of its
    transaction. `stored` (from `stored_digests`, read in the caller's transaction) saves
    the query for an id already received."""
    point = sheet.point
    with transaction.atomic():
        if touched is None:
            rollup.lock_points([point.pk])
        count, created = common.store_once(
            FlowCount, REUSED, sheet, stored=stored, user=user, source=source,
            import_batch=import_batch, observed_on=sheet.observed_on,
            shift_start=sheet.shift_start, shift_end=sheet.shift_end,
            direction=sheet.direction, flow_type=sheet.flow_type, **sheet.totals,
        )  # fmt: skip
        if not created:
            return Result(count, created=False)
        FlowCountBreakdown.objects.bulk_create(
            FlowCountBreakdown(count=count, dimension=d, code=code, individuals=n)
            for d, cells in sheet.breakdowns.items()
            for code, n in cells.items()
        )
        key = (point.pk, sheet.observed_on)
        if touched is None:
            rollup.refresh([key])
        else:
            touched.add(key)
    return Result(count, created=True)


def submit_flow_count(
    data: dict[str, Any],
    *,
    source: str = Source.FORM,
    user: User | None = None,
    operation: Operation | None = None,
) -> Result:
    """The one door for a tally sheet: tally page, file import, OpenRosa submission.

    Validates (ValidationError by field), checks that `user` may collect at the point
    (PermissionDenied), stores the sheet and its breakdowns, refreshes the rollup, audits.
    The same submission id again with the same content is a no-op (`created` False); with
    other content it is a Conflict.
    """
    sheet = validate_flow_count(data, user=user, operation=operation)
    require_collect(user, sheet.point)
    result = store_flow_count(sheet, source=source, user=user)
    if result.created:
        log(
            user,
            actions.CREATE,
            result.obj,
            organization=sheet.point.organization,
            source=source,
            **({} if user is not None else {"actor_email": f"system:dtm-{source}"}),
        )
    return result
