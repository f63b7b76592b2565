"""The R4V 5W quality rules, each with a stable code, over canonical rows.

`check(rows, reference, language="es")` returns one `Problem` per broken rule and cell:
the spreadsheet row number, the canonical column (fields.py), the rule code (RULES) and a
message in the user's language (es, en, pt; tables below, since the engine has no
Django). `Problem.params` holds the message's values, so the app may word it otherwise.

Rules (DOMAIN.md "Quality rules", plus required fields and formats):

====================  =====================================================================
code                  what it checks
====================  =====================================================================
required              the 5W's required columns are filled (partner when set-up is Yes;
                      total monthly beneficiaries for Direct Assistance)
yes_no                Yes/No columns hold yes or no (Sí/Si/Yes/yes/No/0/1 are read)
month_format          the month reads as YYYY-MM
month_future          the month is not after the current month
number_invalid        counts are whole numbers (value in USD: a number)
number_negative       numbers are not negative
country_unknown       the country is an R4V country
admin1_unknown        the admin1 exists in that country ("Country level" for national)
admin2_unknown        the admin2 exists in that admin1 (where the admin2 list is known)
sector_unknown        the sector exists
subsector_unknown     the subsector belongs to the sector
indicator_unknown     the indicator exists
indicator_sector      the indicator belongs to the row's sector (and subsector)
partner_unknown       appealing organisation and implementing partner are known
da_new_required       Direct Assistance: new beneficiaries > 0
da_population_sum     Direct Assistance: population-type breakdown = new beneficiaries
age_sex_sum           Direct Assistance and Capacity Building: age/sex breakdown = new
cb_new_required       Capacity Building: new beneficiaries given (>= 0)
new_not_expected      other indicator types leave new beneficiaries empty (0 is tolerated)
new_over_total        new beneficiaries <= total monthly beneficiaries
cva_value             CVA = Yes: value in USD > 0
cva_mechanism         CVA = Yes: a valid delivery mechanism
mpc_not_cva           Multipurpose Cash rows are CVA
adults_in_children    no adults reached (Direct Assistance) under Education or Child
                      Protection
duplicate_row         the same partner, place, month, indicator and activity only once
====================  =====================================================================
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import fields as F
from .reference import (
    CAPACITY_BUILDING,
    DIRECT_ASSISTANCE,
    Indicator,
    Reference,
)
from .text import fold
from .workbook import Row

LANGUAGES = ("es", "en", "pt")

# rule code -> language -> message (printf-style with named params)
RULES: dict[str, dict[str, str]] = {
    "required": {
        "es": "Falta «%(label)s».",
        "en": "“%(label)s” is missing.",
        "pt": "Falta “%(label)s”.",
    },
    "yes_no": {
        "es": "«%(label)s» debe ser Sí o No (se leyó «%(value)s»).",
        "en": "“%(label)s” must be Yes or No (read “%(value)s”).",
        "pt": "“%(label)s” deve ser Sim ou Não (lido “%(value)s”).",
    },
    "month_format": {
        "es": "El mes debe tener la forma AAAA-MM (se leyó «%(value)s»).",
        "en": "The month must read YYYY-MM (read “%(value)s”).",
        "pt": "O mês deve ter a forma AAAA-MM (lido “%(value)s”).",
    },
    "month_future": {
        "es": "El mes %(value)s aún no ha llegado.",
        "en": "The month %(value)s has not come yet.",
        "pt": "O mês %(value)s ainda não chegou.",
    },
    "number_invalid": {
        "es": "«%(label)s» debe ser un número entero (se leyó «%(value)s»).",
        "en": "“%(label)s” must be a whole number (read “%(value)s”).",
        "pt": "“%(label)s” deve ser um número inteiro (lido “%(value)s”).",
    },
    "number_negative": {
        "es": "«%(label)s» no puede ser negativo (%(value)s).",
        "en": "“%(label)s” cannot be negative (%(value)s).",
        "pt": "“%(label)s” não pode ser negativo (%(value)s).",
    },
    "country_unknown": {
        "es": "País desconocido: «%(value)s».",
        "en": "Unknown country: “%(value)s”.",
        "pt": "País desconhecido: “%(value)s”.",
    },
    "admin1_unknown": {
        "es": "«%(value)s» no es un admin1 de %(country)s (nivel nacional: «Country level»).",
        "en": "“%(value)s” is not an admin1 of %(country)s (national level: “Country level”).",
        "pt": "“%(value)s” não é um admin1 de %(country)s (nível nacional: “Country level”).",
    },
    "admin2_unknown": {
        "es": "«%(value)s» no es un admin2 de %(admin1)s.",
        "en": "“%(value)s” is not an admin2 of %(admin1)s.",
        "pt": "“%(value)s” não é um admin2 de %(admin1)s.",
    },
    "sector_unknown": {
        "es": "Sector desconocido: «%(value)s».",
        "en": "Unknown sector: “%(value)s”.",
        "pt": "Setor desconhecido: “%(value)s”.",
    },
    "subsector_unknown": {
        "es": "«%(value)s» no es un subsector de %(sector)s.",
        "en": "“%(value)s” is not a subsector of %(sector)s.",
        "pt": "“%(value)s” não é um subsetor de %(sector)s.",
    },
    "indicator_unknown": {
        "es": "Indicador desconocido: «%(value)s».",
        "en": "Unknown indicator: “%(value)s”.",
        "pt": "Indicador desconhecido: “%(value)s”.",
    },
    "indicator_sector": {
        "es": "El indicador pertenece a %(expected)s, no a %(sector)s.",
        "en": "The indicator belongs to %(expected)s, not to %(sector)s.",
        "pt": "O indicador pertence a %(expected)s, não a %(sector)s.",
    },
    "partner_unknown": {
        "es": "Organización desconocida: «%(value)s».",
        "en": "Unknown organisation: “%(value)s”.",
        "pt": "Organização desconhecida: “%(value)s”.",
    },
    "da_new_required": {
        "es": "Asistencia directa: los nuevos beneficiarios deben ser más de 0.",
        "en": "Direct Assistance: new beneficiaries must be more than 0.",
        "pt": "Assistência direta: os novos beneficiários devem ser mais de 0.",
    },
    "da_population_sum": {
        "es": "Los tipos de población suman %(total)s, pero los nuevos beneficiarios son %(new)s.",
        "en": "The population types add up to %(total)s, but new beneficiaries are %(new)s.",
        "pt": "Os tipos de população somam %(total)s, mas os novos beneficiários são %(new)s.",
    },
    "age_sex_sum": {
        "es": "Los grupos de edad y sexo suman %(total)s; los nuevos beneficiarios son %(new)s.",
        "en": "The age and sex groups add up to %(total)s, but new beneficiaries are %(new)s.",
        "pt": "Os grupos de idade e sexo somam %(total)s, mas os novos beneficiários são %(new)s.",
    },
    "cb_new_required": {
        "es": "Fortalecimiento de capacidades: indique los nuevos beneficiarios (0 o más).",
        "en": "Capacity Building: give the new beneficiaries (0 or more).",
        "pt": "Capacitação: informe os novos beneficiários (0 ou mais).",
    },
    "new_not_expected": {
        "es": "Un indicador de tipo %(type)s no cuenta nuevos beneficiarios: deje la celda vacía.",
        "en": "A %(type)s indicator counts no new beneficiaries: leave the cell empty.",
        "pt": "Um indicador do tipo %(type)s não conta novos beneficiários: deixe a célula vazia.",
    },
    "new_over_total": {
        "es": "Los nuevos beneficiarios (%(new)s) superan el total mensual (%(total)s).",
        "en": "New beneficiaries (%(new)s) exceed the monthly total (%(total)s).",
        "pt": "Os novos beneficiários (%(new)s) superam o total mensal (%(total)s).",
    },
    "cva_value": {
        "es": "CVA = Sí: el valor en USD debe ser mayor que 0.",
        "en": "CVA = Yes: the value in USD must be more than 0.",
        "pt": "CVA = Sim: o valor em USD deve ser maior que 0.",
    },
    "cva_mechanism": {
        "es": "CVA = Sí: indique un mecanismo de entrega válido (se leyó «%(value)s»).",
        "en": "CVA = Yes: give a valid delivery mechanism (read “%(value)s”).",
        "pt": "CVA = Sim: informe um mecanismo de entrega válido (lido “%(value)s”).",
    },
    "mpc_not_cva": {
        "es": "Las transferencias multipropósito deben marcarse como CVA = Sí.",
        "en": "Multipurpose cash rows must be marked CVA = Yes.",
        "pt": "As transferências multiuso devem ser marcadas como CVA = Sim.",
    },
    "adults_in_children": {
        "es": "%(sector)s atiende a menores: hay %(adults)s adultos reportados.",
        "en": "%(sector)s serves children: %(adults)s adults are reported.",
        "pt": "%(sector)s atende crianças: há %(adults)s adultos informados.",
    },
    "duplicate_row": {
        "es": "Repite la fila %(first)s (misma organización, lugar, mes, indicador y actividad).",
        "en": "Repeats row %(first)s (same organisation, place, month, indicator and activity).",
        "pt": "Repete a linha %(first)s (mesma organização, local, mês, indicador e atividade).",
    },
}

REQUIRED = (
    F.COUNTRY,
    F.ADMIN1,
    F.APPEALING_ORG,
    F.IMPLEMENTATION_SETUP,
    F.MONTH,
    F.SECTOR,
    F.INDICATOR,
    F.ACTIVITY_NAME,
    F.RMRP_ACTIVITY,
    F.CVA,
)
BOOLS = tuple(n for n, k in F.KINDS.items() if k == "bool" and n != F.COVID19)
INTS = tuple(n for n, k in F.KINDS.items() if k == "int")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
NONE = "—"


@dataclass(frozen=True, slots=True)
class Problem:
    row: int
    column: str
    rule: str
    message: str
    params: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


def message(rule: str, language: str = "es", **params: Any) -> str:
    """The rule's message in `language` (es, en, pt; Spanish for any other)."""
    table = RULES[rule]
    text = table.get(language[:2], table["es"])
    labels = {k: _show(v) for k, v in params.items()}
    return text % labels


def _show(value: Any) -> str:
    if value is None or value == "":
        return NONE
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass
class Checker:
    """Checks rows one at a time (a stream of 50,000 rows needs no list); remembers the
    rows seen, for duplicate_row. `this_month` ("YYYY-MM") defaults to today's."""

    reference: Reference
    language: str = "es"
    this_month: str = ""
    seen: dict[tuple[str, ...], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.this_month:
            today = dt.date.today()
            self.this_month = f"{today.year:04d}-{today.month:02d}"

    def row(self, number: int, values: Mapping[str, object]) -> Iterator[Problem]:
        return check_row(number, values, self)


def check(
    rows: Iterable[Row | Mapping[str, object]],
    reference: Reference,
    *,
    language: str = "es",
    today: dt.date | None = None,
) -> list[Problem]:
    """Every problem of every row. Rows are `Row`s or plain dicts of canonical values
    (a dict's row number is its "_row" key, else its position counted from 2)."""
    return list(iter_problems(rows, reference, language=language, today=today))


def iter_problems(
    rows: Iterable[Row | Mapping[str, object]],
    reference: Reference,
    *,
    language: str = "es",
    today: dt.date | None = None,
) -> Iterator[Problem]:
    this_month = f"{today.year:04d}-{today.month:02d}" if today else ""
    ctx = Checker(reference, language, this_month)
    for position, row in enumerate(rows, start=2):
        if isinstance(row, Row):
            number, values = row.number, row.values
        else:
            number = int(row.get("_row") or position)  # type: ignore[call-overload]
            values = row
        yield from check_row(number, values, ctx)


def check_row(number: int, v: Mapping[str, object], ctx: Checker) -> Iterator[Problem]:
    lang = ctx.language
    ref = ctx.reference

    def problem(column: str, rule: str, **params: Any) -> Problem:
        params.setdefault("label", F.label(column, lang))
        return Problem(number, column, rule, message(rule, lang, **params), params)

    # --- required, formats ---------------------------------------------------------------
    for name in REQUIRED:
        if v.get(name) in (None, ""):
            yield problem(name, "required")
    if v.get(F.IMPLEMENTATION_SETUP) is True and not v.get(F.IMPLEMENTING_PARTNER):
        yield problem(F.IMPLEMENTING_PARTNER, "required")
    for name in BOOLS:
        value = v.get(name)
        if value is not None and not isinstance(value, bool):
            yield problem(name, "yes_no", value=value)
    month = v.get(F.MONTH)
    if month is not None:
        if not isinstance(month, str) or not _MONTH.match(month):
            yield problem(F.MONTH, "month_format", value=month)
        elif month > ctx.this_month:
            yield problem(F.MONTH, "month_future", value=month)
    for name in INTS:
        value = v.get(name)
        if value is None:
            continue
        if _count(value) is None:
            yield problem(name, "number_invalid", value=value)
        elif value < 0:  # type: ignore[operator]
            yield problem(name, "number_negative", value=value)
    usd = v.get(F.VALUE_USD)
    if usd is not None:
        if not isinstance(usd, int | float | Decimal) or isinstance(usd, bool):
            yield problem(F.VALUE_USD, "number_invalid", value=usd)
        elif usd < 0:
            yield problem(F.VALUE_USD, "number_negative", value=usd)

    # --- places, sector, indicator, partners ---------------------------------------------
    country = ref.country(v.get(F.COUNTRY))
    if v.get(F.COUNTRY) and country is None:
        yield problem(F.COUNTRY, "country_unknown", value=v.get(F.COUNTRY))
    if country is not None and v.get(F.ADMIN1):
        admin1 = ref.admin1(country, v.get(F.ADMIN1))
        if admin1 is None:
            yield problem(F.ADMIN1, "admin1_unknown", value=v.get(F.ADMIN1), country=country.name)
        elif v.get(F.ADMIN2) and ref.admin2_known(admin1, v.get(F.ADMIN2)) is False:
            yield problem(F.ADMIN2, "admin2_unknown", value=v.get(F.ADMIN2), admin1=admin1.name)

    sector_text = v.get(F.SECTOR)
    sector = ref.sector(sector_text)
    subsector = ""
    if sector_text and sector is None:
        yield problem(F.SECTOR, "sector_unknown", value=sector_text)
    if sector is not None:
        found = ref.subsector(sector, v.get(F.SUBSECTOR))
        if found is None:
            yield problem(
                F.SUBSECTOR, "subsector_unknown", value=v.get(F.SUBSECTOR), sector=sector.name
            )
        else:
            # "Child Protection" in the sector column names Protection's subsector
            subsector = found or ref.subsector(sector, sector_text) or ""

    indicator: Indicator | None = ref.indicator(v.get(F.INDICATOR))
    if v.get(F.INDICATOR) and indicator is None:
        yield problem(F.INDICATOR, "indicator_unknown", value=v.get(F.INDICATOR))
    if indicator is not None and sector is not None:
        wrong_sector = indicator.sector != sector.name
        wrong_sub = bool(subsector and indicator.subsector and indicator.subsector != subsector)
        if wrong_sector or wrong_sub:
            expected = indicator.sector + (
                f" ({indicator.subsector})" if indicator.subsector else ""
            )
            given = sector.name + (f" ({subsector})" if subsector else "")
            yield problem(F.INDICATOR, "indicator_sector", expected=expected, sector=given)
    if indicator is not None and not subsector:
        subsector = indicator.subsector

    for name in (F.APPEALING_ORG, F.IMPLEMENTING_PARTNER):
        org = v.get(name)
        if org and ref.partner(org) is None:
            yield problem(name, "partner_unknown", value=org)

    # --- counting rules -------------------------------------------------------------------
    new = _count(v.get(F.NEW_BENEFICIARIES))
    new_given = v.get(F.NEW_BENEFICIARIES) is not None
    total = _count(v.get(F.MONTHLY_BENEFICIARIES))
    kind = indicator.type if indicator is not None else None
    if kind == DIRECT_ASSISTANCE:
        if v.get(F.MONTHLY_BENEFICIARIES) is None:
            yield problem(F.MONTHLY_BENEFICIARIES, "required")
        if new_given and new is None:
            pass  # number_invalid said it
        elif not new or new <= 0:
            yield problem(F.NEW_BENEFICIARIES, "da_new_required")
        if new is not None and new > 0:
            yield from _breakdown(problem, v, F.POPULATION_TYPES, new, "da_population_sum")
            yield from _breakdown(problem, v, F.AGE_SEX, new, "age_sex_sum")
    elif kind == CAPACITY_BUILDING:
        if not new_given:
            yield problem(F.NEW_BENEFICIARIES, "cb_new_required")
        elif new is not None and new >= 0:
            yield from _breakdown(problem, v, F.AGE_SEX, new, "age_sex_sum")
    elif kind is not None and new_given and new != 0:
        from .reference import INDICATOR_TYPES

        type_label = INDICATOR_TYPES.get(kind, {}).get(lang[:2], kind)
        yield problem(F.NEW_BENEFICIARIES, "new_not_expected", type=type_label)
    if new is not None and total is not None and new > total:
        yield problem(F.NEW_BENEFICIARIES, "new_over_total", new=new, total=total)

    # --- CVA ------------------------------------------------------------------------------
    if v.get(F.CVA) is True:
        if not isinstance(usd, int | float | Decimal) or isinstance(usd, bool) or usd <= 0:
            yield problem(F.VALUE_USD, "cva_value")
        mechanism = v.get(F.DELIVERY_MECHANISM)
        if ref.delivery_mechanism(mechanism) is None:
            yield problem(F.DELIVERY_MECHANISM, "cva_mechanism", value=mechanism)
    if sector is not None and sector.name == ref.mpc_sector and v.get(F.CVA) is False:
        yield problem(F.CVA, "mpc_not_cva")

    # --- who is served --------------------------------------------------------------------
    # people reached only: a Child Protection training (Capacity Building) trains adults
    if (
        sector is not None
        and kind == DIRECT_ASSISTANCE
        and ref.is_children_only(sector.name, subsector)
    ):
        adults = sum(_count(v.get(n)) or 0 for n in F.ADULTS)
        if adults > 0:
            name = subsector or sector.name
            yield problem(F.WOMEN_OVER18, "adults_in_children", sector=name, adults=adults)

    # --- duplicates -----------------------------------------------------------------------
    key = tuple(
        fold(str(v.get(n) or ""))
        for n in (
            F.COUNTRY,
            F.ADMIN1,
            F.ADMIN2,
            F.APPEALING_ORG,
            F.IMPLEMENTING_PARTNER,
            F.MONTH,
            F.INDICATOR,
            F.ACTIVITY_NAME,
        )
    )
    if any(key):
        first = ctx.seen.setdefault(key, number)
        if first != number:
            yield problem(F.ACTIVITY_NAME, "duplicate_row", first=first)


def _breakdown(
    problem: Any, v: Mapping[str, object], columns: tuple[str, ...], new: int, rule: str
) -> Iterator[Problem]:
    cells = [v.get(n) for n in columns]
    if any(c is not None and _count(c) is None for c in cells):
        return  # a cell that is not a number: number_invalid said it
    total = sum(_count(c) or 0 for c in cells)
    if total != new:
        yield problem(columns[0], rule, total=total, new=new)
