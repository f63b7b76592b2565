"""Import templates: for each kind of DTM file, the columns in the user's language, an
example row, and what every column and code means (CSV, or an XLSX with both sheets).

Built from the columns the import reads (`staging.COLUMNS`) and the code lists
(`dtm.choices`), so a column added to the import appears here too (described as a count
until it is given a line in HELP).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from caminantes.dtm import choices as c
from caminantes.dtm.imports.columns import COLUMNS
from caminantes.dtm.imports.headers import ALIASES, PREFIXES
from caminantes.dtm.intake.survey import YES_NO_FIELDS
from caminantes.dtm.models import DtmImport, FlowMonitoringPoint, Operation

K = DtmImport.Kind
LANGUAGES = ("es", "pt", "en")
DATE = gettext_lazy("a date, YYYY-MM-DD (also DD/MM/YYYY)")
TIME = gettext_lazy("a time, HH:MM (24 hours)")
COUNT = gettext_lazy("a whole number, 0 or more")
COUNTRY = gettext_lazy("a country: ISO 3166-1 code, e.g. VE, CO, PE (alpha-3 also read)")
ID = gettext_lazy(
    "a unique id per row (the ODK/Kobo instance id or any UUID): a row sent again with the "
    "same id and content is skipped, with other content refused"
)
Values = type[models.TextChoices] | Promise | str


@dataclass(frozen=True)
class Help:
    meaning: Promise | str
    values: Values = COUNT


HELP: dict[str, Help] = {
    "uuid": Help(gettext_lazy("Submission id"), ID),
    "point": Help(gettext_lazy("Flow monitoring point"),
                  gettext_lazy("the point's code (see the sheet of points)")),
    "date": Help(gettext_lazy("Date of the count or interview"), DATE),
    "shift_start": Help(gettext_lazy("Start of the shift"), TIME),
    "shift_end": Help(gettext_lazy("End of the shift"), TIME),
    "direction": Help(gettext_lazy("Direction of the flow"), c.Direction),
    "flow_type": Help(gettext_lazy("Flow type (pendular commuters are not migrants)"),
                      c.FlowType),
    "individuals": Help(gettext_lazy("People counted (all ages); empty = the sex and age sum")),
    "groups": Help(gettext_lazy("Groups (people travelling together)")),
    "unaccompanied_children": Help(gettext_lazy("Unaccompanied or separated children")),
    "households": Help(gettext_lazy("Households")),
    "consent": Help(gettext_lazy("Consent to the interview"), c.YesNo),
    "nationality": Help(gettext_lazy("Nationality"), COUNTRY),
    "sex": Help(gettext_lazy("Sex"), c.Sex),
    "age": Help(gettext_lazy("Age in years (18 or older)")),
    "marital_status": Help(gettext_lazy("Marital status"), c.MaritalStatus),
    "education": Help(gettext_lazy("Education"), c.Education),
    "employment_before": Help(gettext_lazy("Work before leaving"), c.Employment),
    "employment_now": Help(gettext_lazy("Work now"), c.Employment),
    "origin_country": Help(gettext_lazy("Country of origin"), COUNTRY),
    "origin_admin1": Help(gettext_lazy("State or department of origin"), gettext_lazy("text")),
    "departure_date": Help(gettext_lazy("Date of departure"), DATE),
    "group_size": Help(gettext_lazy("People in the travel group, the respondent included")),
    "children_in_group": Help(gettext_lazy("Children in the travel group")),
    "days_in_transit": Help(gettext_lazy("Days travelling")),
    "main_transport": Help(gettext_lazy("Main means of transport"), c.TransportMode),
    "travel_cost_usd": Help(gettext_lazy("Cost of the journey, in US dollars")),
    "destination_country": Help(gettext_lazy("Country of destination"), COUNTRY),
    "destination_admin1": Help(gettext_lazy("State or department of destination"),
                               gettext_lazy("text")),
    "other_reason": Help(gettext_lazy("Other reason (text, not released)"), gettext_lazy("text")),
    "other_need": Help(gettext_lazy("Other need (text, not released)"), gettext_lazy("text")),
    "comments": Help(gettext_lazy("Comments (text, not released)"), gettext_lazy("text")),
    "reasons_leaving": Help(gettext_lazy("Reasons for leaving (several, space-separated)"),
                            c.ReasonForLeaving),
    "needs": Help(gettext_lazy("Needs (several, space-separated)"), c.Need),
    "documents": Help(gettext_lazy("Documents held (several, space-separated)"), c.Document),
    "incidents": Help(gettext_lazy("Incidents on the route (several, space-separated)"),
                      c.Incident),
    "transit_countries": Help(gettext_lazy("Transit countries (several, space-separated)"),
                              COUNTRY),
    "transport_modes": Help(gettext_lazy("Means of transport on the route (several)"),
                            c.TransportMode),
    "round": Help(gettext_lazy("Round number of the operation"), gettext_lazy("1, 2, 3 …")),
    "admin_area": Help(gettext_lazy("Admin area assessed"),
                       gettext_lazy("the area's P-code or ISO 3166-2 code")),
    "key_informants": Help(gettext_lazy("Key informants interviewed")),
    "notes": Help(gettext_lazy("Notes"), gettext_lazy("text")),
    "site": Help(gettext_lazy("Collective site"), gettext_lazy("the site's code")),
    "capacity": Help(gettext_lazy("Capacity of the site (people)")),
    "services": Help(gettext_lazy("Services at the site (several, space-separated)"),
                     c.Service),
    **{name: Help(gettext_lazy("Yes/no question"), c.YesNo) for name in YES_NO_FIELDS},
}  # fmt: skip
PREFIX_HELP: dict[str, Help] = {
    "nationality_": Help(gettext_lazy("People by nationality: one column per country code"),
                         COUNTRY),
    "transport_": Help(gettext_lazy("People by means of transport: one column per code"),
                       c.TransportMode),
    "destination_": Help(gettext_lazy("People by destination country: one column per code"),
                         COUNTRY),
    "origin_": Help(gettext_lazy("People by country of origin: one column per code"), COUNTRY),
    "arrival_": Help(gettext_lazy("People by time since arrival: one column per code"),
                     c.ArrivalPeriod),
    "shelter_": Help(gettext_lazy("People by type of shelter: one column per code"),
                     c.ShelterType),
    "need_": Help(gettext_lazy("Severity of each need, 1 (none) to 5 (extreme): one column "
                               "per sector code"), c.Sector),
}  # fmt: skip
EXAMPLE_PREFIX_CODES = {
    "nationality_": ("VE", "CO"), "transport_": ("on_foot", "bus"), "destination_": ("CO", "PE"),
    "origin_": ("VE",), "arrival_": ("last_3_months",), "shelter_": ("rented",),
    "need_": ("food",),
}  # fmt: skip
EXAMPLES: dict[str, dict[str, Any]] = {
    K.FLOW_COUNTS: {
        "uuid": "3f1c9a52-0d7e-4b8e-9a61-2f5d0c7b1e42", "date": "2025-03-10",
        "shift_start": "06:00", "shift_end": "14:00", "direction": "incoming",
        "flow_type": "transit",
        "individuals": 10, "groups": 3, "unaccompanied_children": 0, "female_0_5": 1,
        "female_6_17": 1, "female_18_59": 3, "female_60_plus": 0, "male_0_5": 0,
        "male_6_17": 1, "male_18_59": 4, "male_60_plus": 0, "nationality_VE": 9,
        "nationality_CO": 1, "transport_on_foot": 6, "transport_bus": 4, "destination_CO": 4,
        "destination_PE": 6,
    },
    K.SURVEY: {
        "uuid": "8b2e4f10-5c3a-4d9e-b7a2-6e1f0c9d3a58", "date": "2025-03-10", "consent": "yes",
        "nationality": "VE", "sex": "female", "age": 34, "origin_country": "VE",
        "group_size": 3, "children_in_group": 2, "main_transport": "on_foot",
        "destination_country": "PE", "reasons_leaving": "economic food",
        "needs": "food health", "incidents": "none", "transit_countries": "CO EC",
    },
    K.BASELINE: {
        "round": 1, "admin_area": "CO54001", "date": "2025-03-10", "households": 120,
        "individuals": 430, "key_informants": 6, "origin_VE": 420, "arrival_last_3_months": 90,
        "shelter_rented": 300, "need_food": 4,
    },
    K.SITES: {
        "site": "albergue-cucuta", "round": 1, "date": "2025-03-10", "capacity": 200,
        "households": 40, "individuals": 150, "services": "water food health",
        "nationality_VE": 148,
    },
}  # fmt: skip
SHEETS = {"data": gettext_lazy("data"), "codes": gettext_lazy("codes"),
          "points": gettext_lazy("points")}  # fmt: skip


def _help(field: str) -> Help:
    if field in HELP:
        return HELP[field]
    for sex in ("female", "male"):
        if field.startswith(f"{sex}_"):
            age = field.removeprefix(f"{sex}_").replace("_plus", "+").replace("_", "-")
            words = _("Women and girls") if sex == "female" else _("Men and boys")
            return Help(f"{words} {age}")
    return Help(field)


def header(field: str, language: str) -> str:
    """The column's name as the template writes it: the Spanish or Portuguese name the
    import reads, or the field code in English."""
    names = ALIASES.get(field, ())
    if language == "es" and names:
        return names[0]
    if language == "pt" and len(names) > 1:
        return names[1]
    return field


def _prefix_header(prefix: str, code: str, language: str) -> str:
    if language in ("es", "pt"):
        wanted = 0 if language == "es" else 1
        theirs = [t for t, ours in PREFIXES.items() if ours == prefix]
        if len(theirs) > wanted:
            return f"{theirs[wanted]}{code}"
    return f"{prefix}{code}"


def _values_text(values: Values) -> str:
    if isinstance(values, type) and issubclass(values, models.TextChoices):
        return "; ".join(f"{code} = {label}" for code, label in values.choices)
    return str(values)


def columns(kind: str) -> list[str]:
    """The template's fields in a sensible order: the example's first, then the rest."""
    fields, _prefixes = COLUMNS[kind]
    example = [f for f in EXAMPLES.get(kind, {}) if f in fields]
    return example + sorted(fields - set(example))


def data_rows(kind: str, language: str, point: str = "") -> list[list[Any]]:
    """The header and one example row (at `point`, one of the user's, when given)."""
    _fields, prefixes = COLUMNS[kind]
    example = {"point": point, **EXAMPLES.get(kind, {})}
    head, row = [], []
    for field in columns(kind):
        head.append(header(field, language))
        row.append(example.get(field, ""))
    for prefix in prefixes:
        for code in EXAMPLE_PREFIX_CODES.get(prefix, ()):
            head.append(_prefix_header(prefix, code, language))
            row.append(example.get(f"{prefix}{code}", ""))
    return [head, row]


def code_rows(kind: str, language: str) -> list[list[Any]]:
    _fields, prefixes = COLUMNS[kind]
    required = {"uuid", "point"} if kind in (K.FLOW_COUNTS, K.SURVEY) else {"round"}
    rows: list[list[Any]] = [[_("Column"), _("Code"), _("Required"), _("Meaning"), _("Values")]]
    for field in columns(kind):
        h = _help(field)
        rows.append([header(field, language), field, _("yes") if field in required else "",
                     str(h.meaning), _values_text(h.values)])  # fmt: skip
    for prefix in prefixes:
        h = PREFIX_HELP.get(prefix, Help(prefix))
        rows.append([_prefix_header(prefix, "…", language), f"{prefix}…", "", str(h.meaning),
                     _values_text(h.values)])  # fmt: skip
    return rows


def point_rows(operations: QuerySet[Operation]) -> list[list[Any]]:
    """The points of the operations the user may import into, to copy their codes from."""
    rows: list[list[Any]] = [[_("Code"), _("Name"), _("Country"), _("Operation")]]
    points = FlowMonitoringPoint.objects.filter(operation__in=operations).order_by(
        "operation__code", "code"
    )
    for code, name, iso2, op in points.values_list("code", "name", "country__iso2",
                                                   "operation__code"):  # fmt: skip
        rows.append([code, name, iso2, op])
    return rows


def first_point(operations: QuerySet[Operation]) -> str:
    found = FlowMonitoringPoint.objects.filter(operation__in=operations).order_by("code")
    return str(found.values_list("code", flat=True).first() or "")


def workbook(kind: str, language: str, operations: QuerySet[Operation]) -> bytes:
    book = Workbook()
    point = first_point(operations)
    sheets = [("data", data_rows(kind, language, point)), ("codes", code_rows(kind, language))]
    if kind in (K.FLOW_COUNTS, K.SURVEY):
        sheets.append(("points", point_rows(operations)))
    first = True
    for key, rows in sheets:
        sheet = book.active if first else book.create_sheet()
        assert sheet is not None
        sheet.title = str(SHEETS[key])
        first = False
        for row in rows:
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
