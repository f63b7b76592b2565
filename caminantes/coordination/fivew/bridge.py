"""Between the pure 5W engine and the database: the engine's reference built from the lists
the IMO keeps in the database, its rules run on rows the app received, and a row's names
(country, admin-1, sector, indicator, organisations) resolved to the database's records.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from caminantes.accounts.models import Organization
from caminantes.coordination.fivew.engine import fields as F
from caminantes.coordination.fivew.engine import reference as ref
from caminantes.coordination.fivew.engine import rules, workbook
from caminantes.coordination.fivew.engine.reference import Reference
from caminantes.coordination.fivew.models import (
    BREAKDOWN_FIELDS,
    Activity,
    Admin1,
    Indicator,
    Sector,
)
from caminantes.geo.models import Country

fold = workbook.fold


def read(content: Any) -> tuple[str, list[workbook.Row]]:
    """The workbook's layout and rows; a file that is no 5W workbook is a clear error."""
    try:
        book = workbook.read_workbook(content)
    except workbook.WorkbookError as exc:
        raise ValidationError(str(exc)) from exc
    except Exception as exc:
        raise ValidationError(
            _("This file could not be read as a 5W workbook (.xlsx, 2025 template or 2022 layout).")
        ) from exc
    return str(book.layout), list(book.rows)


def reference() -> Reference:
    """The engine's reference from the database's lists: countries with their admin-1 areas,
    sectors and subsectors (with the shipped lists' aliases), the indicators of every year
    (a row is matched to its own year's list in `resolve`), and the platform's organisations
    as the known partners."""
    shipped = Reference.default()
    countries = []
    admin1: dict[int, dict[str, ref.Admin1]] = {}
    for a in Admin1.objects.filter(is_active=True).select_related("area"):
        admin1.setdefault(a.country_id, {})[a.name] = ref.Admin1(
            a.name, a.area.iso_code if a.area else "", a.pcode
        )
    for c in Country.objects.filter(pk__in=list(admin1)):
        known = shipped.country(c.iso3)
        countries.append(
            ref.Country(
                name=known.name if known else c.name_en,
                iso3=c.iso3,
                iso2=c.iso2,
                names={"en": c.name_en, "es": c.name_es, "pt": c.name_pt},
                aliases=list(known.aliases) if known else [],
                admin1=admin1[c.pk],
            )
        )
    sectors: dict[int, ref.Sector] = {}
    rows = list(Sector.objects.filter(is_active=True).select_related("parent"))
    for s in rows:
        if s.parent_id is None:
            known_s = shipped.sector(s.name)
            sectors[s.pk] = ref.Sector(
                name=s.name,
                names={"en": s.name, "es": s.name_es},
                aliases=list(known_s.aliases) if known_s and known_s.name == s.name else [],
            )
    for s in rows:
        if s.parent_id is not None and s.parent_id in sectors:
            parent = sectors[s.parent_id]
            parent.subsectors.append(s.name)
            known_p = shipped.sector(parent.name)
            aliases = known_p.subsector_aliases.get(s.name, []) if known_p else []
            parent.subsector_aliases[s.name] = [x for x in (s.name_es, *aliases) if x]
    indicators = [
        ref.Indicator(
            name=i.name,
            code=i.code,
            type=i.type,
            sector=i.sector.parent.name if i.sector.parent else i.sector.name,
            subsector=i.sector.name if i.sector.parent else "",
        )
        for i in Indicator.objects.filter(is_active=True).select_related("sector__parent")
    ]
    partners = [
        ref.Partner(o.name, o.acronym or "") for o in Organization.objects.filter(is_active=True)
    ]
    return Reference(
        countries=countries,
        sectors=list(sectors.values()),
        indicators=indicators,
        partners=partners,
    )


def check(
    rows: Sequence[dict[str, Any]], *, organization: Organization, language: str
) -> dict[int, list[str]]:
    """The engine's quality rules on the rows: row number (1-based, in order) -> messages."""
    problems: dict[int, list[str]] = {}
    numbered = [{**r, "_row": i} for i, r in enumerate(rows, start=1)]
    for p in rules.check(numbered, reference(), language=language[:2]):
        problems.setdefault(int(p.row), []).append(str(p.message))
    return problems


# --- names to records -----------------------------------------------------------------


def month_of(text: Any) -> date | None:
    value = str(text or "")
    try:
        return date(int(value[:4]), int(value[5:7]), 1)
    except ValueError:
        return None


class Names:
    """The database's records by folded name, loaded once for a batch of rows."""

    def __init__(self) -> None:
        self.countries: dict[str, Country] = {}
        for c in Country.objects.all():
            for n in (c.name_en, c.name_es, c.name_pt, c.iso2, c.iso3):
                self.countries.setdefault(fold(n), c)
        self.admin1: dict[tuple[int, str], Admin1] = {}
        for a in Admin1.objects.filter(is_active=True):
            for n in (a.name, a.pcode):
                if n:
                    self.admin1.setdefault((a.country_id, fold(n)), a)
        self.indicators: dict[tuple[int, str], Indicator] = {}
        for i in Indicator.objects.filter(is_active=True).select_related("sector"):
            for n in (i.name, i.code):
                self.indicators.setdefault((i.year, fold(n)), i)
        self.orgs: dict[str, Organization] = {}
        for o in Organization.objects.filter(is_active=True):
            for n in (o.name, o.acronym or ""):
                if n:
                    self.orgs.setdefault(fold(n), o)

    def org(self, text: Any) -> Organization | None:
        return self.orgs.get(fold(str(text or "")))


def resolve(
    values: dict[str, Any], *, organization: Organization, names: Names | None = None
) -> dict[str, Any]:
    """The model fields of a row the rules passed; raises ValidationError naming what is not
    in the database (or a row of another organisation)."""
    names = names or Names()
    errors: list[str] = []
    org = names.org(values.get(F.APPEALING_ORG))
    if org is None or org.pk != organization.pk:
        errors.append(
            _("The appealing organisation must be your own (%(org)s).")
            % {"org": organization.acronym or organization.name}
        )
    country = names.countries.get(fold(str(values.get(F.COUNTRY) or "")))
    month = month_of(values.get(F.MONTH))
    if country is None:
        errors.append(_("Unknown country."))
    if month is None:
        errors.append(_("Enter the month as YYYY-MM."))
    admin1 = None
    if country is not None:
        admin1 = names.admin1.get((country.pk, fold(str(values.get(F.ADMIN1) or ""))))
        if admin1 is None:
            errors.append(_("Unknown admin-1 area for this country."))
    indicator = None
    if month is not None:
        indicator = names.indicators.get((month.year, fold(str(values.get(F.INDICATOR) or ""))))
        if indicator is None:
            errors.append(_("Unknown indicator for %(year)s.") % {"year": month.year})
    partner = None
    if values.get(F.IMPLEMENTATION_SETUP) is True:
        partner = names.org(values.get(F.IMPLEMENTING_PARTNER))
    if errors:
        raise ValidationError(errors)
    assert indicator is not None
    out: dict[str, Any] = {
        "country": country,
        "month": month,
        "admin1": admin1,
        "admin2": str(values.get(F.ADMIN2) or "")[:120],
        "implementation_setup": values.get(F.IMPLEMENTATION_SETUP) is True,
        "implementing_partner": partner,
        "sector": indicator.sector,
        "indicator": indicator,
        "activity_name": str(values.get(F.ACTIVITY_NAME) or "")[:300],
        "activity_description": str(values.get(F.ACTIVITY_DESCRIPTION) or ""),
        "rmrp_activity": values.get(F.RMRP_ACTIVITY) is not False,
        "cva": values.get(F.CVA) is True,
        "value_usd": _decimal(values.get(F.VALUE_USD)),
        "delivery_mechanism": Reference.delivery_mechanism(values.get(F.DELIVERY_MECHANISM)) or "",
        "quantity_output": _int(values.get(F.QUANTITY_OUTPUT)),
        "monthly_beneficiaries": _int(values.get(F.MONTHLY_BENEFICIARIES)),
        "new_beneficiaries": _int(values.get(F.NEW_BENEFICIARIES)),
    }
    for name in BREAKDOWN_FIELDS:
        out[name] = _int(values.get(name)) or 0
    return out


def _int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return None


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def jsonable(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in values.items():
        if isinstance(v, Decimal):
            out[k] = str(v)
        elif isinstance(v, date):
            out[k] = v.isoformat()
        elif v is None or isinstance(v, (bool, int, float, str)):
            out[k] = v
        else:
            out[k] = str(v)
    return out


# --- records to rows ------------------------------------------------------------------


def to_row(a: Activity) -> dict[str, Any]:
    """An activity as the template's canonical row (the engine's counting and HXL writer
    take these). Needs report__organization, report__country, admin1, sector__parent,
    indicator and implementing_partner selected."""
    sector = a.sector
    row: dict[str, Any] = {
        F.COUNTRY: a.report.country.name_en,
        F.ADMIN1: a.admin1.name,
        F.ADMIN2: a.admin2,
        F.APPEALING_ORG: a.report.organization.acronym or a.report.organization.name,
        F.IMPLEMENTATION_SETUP: a.implementation_setup,
        F.IMPLEMENTING_PARTNER: (a.implementing_partner.acronym or a.implementing_partner.name)
        if a.implementing_partner
        else "",
        F.MONTH: f"{a.report.month:%Y-%m}",
        F.SECTOR: sector.parent.name if sector.parent else sector.name,
        F.SUBSECTOR: sector.name if sector.parent else "",
        F.INDICATOR: a.indicator.name,
        F.ACTIVITY_NAME: a.activity_name,
        F.ACTIVITY_DESCRIPTION: a.activity_description,
        F.RMRP_ACTIVITY: a.rmrp_activity,
        F.CVA: a.cva,
        F.VALUE_USD: a.value_usd,
        F.DELIVERY_MECHANISM: a.delivery_mechanism,
        F.QUANTITY_OUTPUT: a.quantity_output,
        F.MONTHLY_BENEFICIARIES: a.monthly_beneficiaries,
        F.NEW_BENEFICIARIES: a.new_beneficiaries,
    }
    for name in BREAKDOWN_FIELDS:
        row[name] = getattr(a, name)
    return row


def rows_of(qs: Any) -> list[dict[str, Any]]:
    qs = qs.select_related(
        "report__organization",
        "report__country",
        "admin1",
        "sector__parent",
        "indicator",
        "implementing_partner",
    )
    return [to_row(a) for a in qs]


__all__ = ["Q", "check", "read", "reference", "resolve", "rows_of", "to_row"]
