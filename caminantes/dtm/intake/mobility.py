"""Mobility tracking in: `submit_baseline(data, …)` and `submit_site_assessment(data, …)`.

Baseline `data`: round (number or UUID), admin_area (P-code, ISO 3166-2 code or UUID),
date, households, individuals, key_informants, female_0_5 … male_60_plus, and breakdowns
as flat keys: `origin_VE` (people), `arrival_last_3_months` (people), `shelter_rented`
(people), `need_food` (severity 1-5).
Site `data`: site (code or UUID), round, date, capacity, households, individuals, sex x age,
`nationality_VE` (people) and `services` (space-separated codes, as a select_multiple).
One assessment per area (or site) and round: a second one is refused unless `replace`.
"""

from __future__ import annotations

import uuid as uuid_lib
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.models import User
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.dtm.choices import (
    SEX_AGE_FIELDS,
    ArrivalPeriod,
    BaselineDimension,
    Sector,
    Service,
    ShelterType,
    SiteDimension,
    Source,
)
from caminantes.dtm.intake.common import Reader, Result, country_code
from caminantes.dtm.models import (
    BaselineAssessment,
    BaselineBreakdown,
    CollectiveSite,
    DtmImport,
    Operation,
    Round,
    SiteAssessment,
    SiteAssessmentBreakdown,
)
from caminantes.geo.models import AdminArea

PREFIXES = {
    "origin_": (BaselineDimension.ORIGIN, None),
    "arrival_": (BaselineDimension.ARRIVAL, ArrivalPeriod),
    "shelter_": (BaselineDimension.SHELTER, ShelterType),
    "need_": (BaselineDimension.NEED, Sector),
}


def _round(r: Reader, operation: Operation) -> Round | None:
    value = r.raw("round")
    if value is None:
        r.error("round", _("The round is required."))
        return None
    rounds = Round.objects.filter(operation=operation)
    text = str(value).strip()
    key = _uuid(text)
    if text.isascii() and text.isdigit():
        # A number past the column's range names no round (and would overflow the query).
        found = rounds.filter(number=int(text)).first() if len(text) <= 5 else None
    else:
        found = rounds.filter(uuid=key).first() if key else None
    if found is None:
        r.error("round", _("No round “%(value)s” in this operation.") % {"value": text})
    return found


def _uuid(text: str) -> uuid_lib.UUID | str:
    """The UUID, or "" (which matches no row) when the text is not one."""
    try:
        return uuid_lib.UUID(text)
    except ValueError:
        return ""


def _people(r: Reader) -> dict[str, int]:
    totals = {f: r.integer(f) or 0 for f in ("households", "individuals", *SEX_AGE_FIELDS)}
    if r.raw("individuals") is None:
        totals["individuals"] = sum(totals[f] for f in SEX_AGE_FIELDS)
    by_sex_age = sum(totals[f] for f in SEX_AGE_FIELDS)
    if by_sex_age != totals["individuals"]:
        r.error(
            "individuals",
            _("The sex and age groups add up to %(sum)d, but the total is %(total)d.")
            % {"sum": by_sex_age, "total": totals["individuals"]},
        )
    if totals["households"] > totals["individuals"]:
        r.error("households", _("More households than people."))
    return totals


def _check_sum(r: Reader, name: str, label: Any, cells: dict[str, int], total: int) -> None:
    if cells and sum(cells.values()) > total:
        r.error(
            name,
            _("%(dimension)s adds up to %(sum)d, more than the %(total)d people present.")
            % {"dimension": label, "sum": sum(cells.values()), "total": total},
        )


def _require(user: User | None, organization_id: int, country_id: int) -> None:
    if user is None:
        return
    if not policies.has_perm(
        user, Perm.DTM_COLLECT, organization_id=organization_id, country_id=country_id
    ):
        log(user, actions.ACCESS_DENIED, BaselineAssessment, "denied",
            permission=Perm.DTM_COLLECT.value)  # fmt: skip
        raise PermissionDenied(_("Your roles do not allow collecting data here."))


def submit_baseline(
    data: dict[str, Any],
    *,
    operation: Operation,
    user: User | None = None,
    source: str = Source.FORM,
    import_batch: DtmImport | None = None,
    replace: bool = False,
    audit: bool = True,
) -> Result:
    r = Reader(dict(data))
    rnd = _round(r, operation)
    area_code = str(r.raw("admin_area") or "")
    area = None
    if area_code:
        q = Q(pcode__iexact=area_code) | Q(iso_code__iexact=area_code)
        if _uuid(area_code):
            q |= Q(uuid=_uuid(area_code))
        area = (
            AdminArea.objects.filter(q, country__in=operation.countries.all())
            .select_related("country")
            .first()
        )
    if area is None:
        r.error("admin_area", _("No admin area “%(value)s” in the operation's countries.")
                % {"value": area_code})  # fmt: skip
    assessed_on = r.day("date")
    totals = _people(r)
    totals["key_informants"] = r.integer("key_informants") or 0
    parts: dict[str, dict[str, int]] = {}
    for key in list(r.data):
        for prefix, (dimension, options) in PREFIXES.items():
            if not str(key).startswith(prefix):
                continue
            raw_code = str(key)[len(prefix) :]
            value = r.integer(str(key))
            code = country_code(raw_code) if options is None else raw_code.lower()
            if code is None or (options is not None and code not in options.values):
                r.error(str(key), _("“%(code)s” is not a known code.") % {"code": raw_code})
                continue
            if dimension == BaselineDimension.NEED and value and not 1 <= value <= 5:
                r.error(str(key), _("Severity goes from 1 to 5."))
                continue
            if value:
                parts.setdefault(dimension, {})[code] = value
    for dimension in (
        BaselineDimension.ORIGIN,
        BaselineDimension.ARRIVAL,
        BaselineDimension.SHELTER,
    ):
        _check_sum(r, dimension, dimension.label, parts.get(dimension, {}), totals["individuals"])
    if rnd and assessed_on and not rnd.starts_on <= assessed_on <= rnd.ends_on:
        r.error("date", _("The date is outside round %(n)d.") % {"n": rnd.number})
    existing = None
    if rnd and area:
        existing = BaselineAssessment.objects.filter(round=rnd, admin_area=area).first()
        if existing and not replace:
            r.error("admin_area", _("This area already has an assessment in round %(n)d.")
                    % {"n": rnd.number})  # fmt: skip
    if r.errors:
        raise ValidationError(r.errors)
    assert rnd and area and assessed_on
    _require(user, operation.organization_id, area.country_id)
    with transaction.atomic():
        if existing is not None:
            existing.delete()
        obj = BaselineAssessment.objects.create(
            round=rnd, organization_id=operation.organization_id, country_id=area.country_id,
            admin_area=area, assessed_on=assessed_on, source=source, import_batch=import_batch,
            created_by=user, notes=r.text("notes", 2000), **totals,
        )  # fmt: skip
        BaselineBreakdown.objects.bulk_create(
            BaselineBreakdown(assessment=obj, dimension=d, code=c, value=v)
            for d, cells in parts.items()
            for c, v in cells.items()
        )
        if audit:
            log(user, actions.UPDATE if existing else actions.CREATE, obj,
                organization=operation.organization, source=source)  # fmt: skip
    return Result(obj, created=existing is None)


def submit_site_assessment(
    data: dict[str, Any],
    *,
    operation: Operation,
    user: User | None = None,
    source: str = Source.FORM,
    import_batch: DtmImport | None = None,
    replace: bool = False,
    audit: bool = True,
) -> Result:
    r = Reader(dict(data))
    rnd = _round(r, operation)
    site_code = str(r.raw("site") or "")
    sites = CollectiveSite.objects.filter(organization_id=operation.organization_id)
    site = (
        sites.filter(uuid=_uuid(site_code)).first()
        if _uuid(site_code)
        else sites.filter(code__iexact=site_code).first()
    )
    if site is None:
        r.error("site", _("No collective site “%(value)s”.") % {"value": site_code})
    assessed_on = r.day("date")
    capacity = r.integer("capacity", required=True) or 0
    totals = _people(r)
    parts: dict[str, dict[str, int]] = {}
    for key in list(r.data):
        if str(key).startswith("nationality_"):
            raw_code = str(key)[len("nationality_") :]
            code = country_code(raw_code)
            value = r.integer(str(key))
            if code is None:
                r.error(str(key), _("“%(code)s” is not a known code.") % {"code": raw_code})
            elif value:
                parts.setdefault(SiteDimension.NATIONALITY, {})[code] = value
    services = r.multi("services")
    for code in services:
        if code not in Service.values:
            r.error("services", _("“%(value)s” is not one of the options.") % {"value": code})
        else:
            parts.setdefault(SiteDimension.SERVICE, {})[code] = 1
    _check_sum(r, "nationality", SiteDimension.NATIONALITY.label,
               parts.get(SiteDimension.NATIONALITY, {}), totals["individuals"])  # fmt: skip
    existing = None
    if site and rnd:
        existing = SiteAssessment.objects.filter(site=site, round=rnd).first()
        if existing and not replace:
            r.error("site", _("This site already has an assessment in round %(n)d.")
                    % {"n": rnd.number})  # fmt: skip
    if r.errors:
        raise ValidationError(r.errors)
    assert site and rnd and assessed_on
    _require(user, site.organization_id, site.country_id)
    with transaction.atomic():
        if existing is not None:
            existing.delete()
        obj = SiteAssessment.objects.create(
            site=site, round=rnd, organization_id=site.organization_id, country_id=site.country_id,
            assessed_on=assessed_on, capacity=capacity, source=source, import_batch=import_batch,
            created_by=user, notes=r.text("notes", 2000), **totals,
        )  # fmt: skip
        SiteAssessmentBreakdown.objects.bulk_create(
            SiteAssessmentBreakdown(assessment=obj, dimension=d, code=c, value=v)
            for d, cells in parts.items()
            for c, v in cells.items()
        )
        if audit:
            log(user, actions.UPDATE if existing else actions.CREATE, obj,
                organization=operation.organization, source=source)  # fmt: skip
    return Result(obj, created=existing is None)
