"""5W rows as an HXL-tagged CSV (a header row, then a row of hashtags, then the data).

Standard hashtags and attributes where HXL has them (#country+code holds ISO 3166-1
alpha-3, #adm1+code the OCHA P-code, as on HDX); where it has none, a lower-case custom
attribute, listed in NOTES and in the schema (fivew/hxl/fivew_schema.csv):

- `+new` on #reached: new beneficiaries of the month (people reached counts these);
  #reached+total is the total monthly beneficiaries.
- `+transit`, `+pendular`, `+host`, `+returnees` on #reached: the population types
  (+dest is standard: in destination).
- `+iso` on #adm1+code: the ISO 3166-2 code, in a column of its own.
- `+implementation`, `+rmrp`, `+cva` on #meta: the template's Yes/No columns.
- `+type` on #indicator: Direct Assistance, Capacity Building, ...
- `+mechanism` on #modality: the CVA delivery mechanism; `+output` on #value: quantity.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from . import fields as F
from .reference import DELIVERY_MECHANISMS, INDICATOR_TYPES, Reference
from .workbook import Row

SCHEMA = Path(__file__).resolve().parent.parent / "hxl" / "fivew_schema.csv"

# (column header, hashtag, field or derived key)
COLUMNS: list[tuple[str, str, str]] = [
    ("Country", "#country+name", F.COUNTRY),
    ("Country code", "#country+code", "country_iso3"),
    ("Admin1", "#adm1+name", F.ADMIN1),
    ("Admin1 P-code", "#adm1+code", "admin1_pcode"),
    ("Admin1 ISO 3166-2", "#adm1+code+iso", "admin1_iso"),
    ("Admin2", "#adm2+name", F.ADMIN2),
    ("Appealing organisation", "#org+prog", F.APPEALING_ORG),
    ("Implementation set-up", "#meta+implementation", F.IMPLEMENTATION_SETUP),
    ("Implementing partner", "#org+impl", F.IMPLEMENTING_PARTNER),
    ("Month", "#date+month", F.MONTH),
    ("Sector", "#sector", F.SECTOR),
    ("Subsector", "#subsector", F.SUBSECTOR),
    ("Indicator code", "#indicator+code", "indicator_code"),
    ("Indicator", "#indicator+name", F.INDICATOR),
    ("Indicator type", "#indicator+type", "indicator_type"),
    ("Activity name", "#activity+name", F.ACTIVITY_NAME),
    ("Activity description", "#activity+description", F.ACTIVITY_DESCRIPTION),
    ("RMRP activity", "#meta+rmrp", F.RMRP_ACTIVITY),
    ("CVA", "#meta+cva", F.CVA),
    ("Value (USD)", "#value+transfer+usd", F.VALUE_USD),
    ("Delivery mechanism", "#modality+mechanism", "delivery_mechanism_code"),
    ("Quantity of output", "#value+output", F.QUANTITY_OUTPUT),
    ("Total monthly beneficiaries", "#reached+total", F.MONTHLY_BENEFICIARIES),
    ("New beneficiaries", "#reached+new", F.NEW_BENEFICIARIES),
    ("In destination", "#reached+dest", F.POP_IN_DESTINATION),
    ("In transit", "#reached+transit", F.POP_IN_TRANSIT),
    ("Host communities", "#reached+host", F.POP_HOST_COMMUNITY),
    ("Pendulars", "#reached+pendular", F.POP_PENDULAR),
    ("Colombian returnees", "#reached+returnees", F.POP_COLOMBIAN_RETURNEES),
    ("Women under 18", "#reached+f+children", F.WOMEN_UNDER18),
    ("Men under 18", "#reached+m+children", F.MEN_UNDER18),
    ("Women above 18", "#reached+f+adults", F.WOMEN_OVER18),
    ("Men above 18", "#reached+m+adults", F.MEN_OVER18),
    ("Other under 18", "#reached+i+children", F.OTHER_UNDER18),
    ("Other above 18", "#reached+i+adults", F.OTHER_OVER18),
]
HEADERS = [c[0] for c in COLUMNS]
TAGS = [c[1] for c in COLUMNS]

NOTES = (
    "Custom lower-case attributes (no standard HXL attribute exists): #reached+new = new "
    "beneficiaries of the month (people reached); #reached+transit, +pendular, +host, "
    "+returnees = population types; #adm1+code+iso = ISO 3166-2; #meta+implementation, "
    "+rmrp, +cva = Yes/No columns; #indicator+type; #modality+mechanism = CVA delivery "
    "mechanism; #value+output = quantity of output."
)

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value  # a spreadsheet must not read a partner's cell as a formula
    return value


def hxl_record(values: Mapping[str, object], reference: Reference) -> list[Any]:
    """One row of the HXL CSV, in COLUMNS order."""
    extra: dict[str, object] = {}
    out = dict(values)
    country = reference.country(values.get(F.COUNTRY))
    if country is not None:
        out[F.COUNTRY] = country.name
        extra["country_iso3"] = country.iso3
        admin1 = reference.admin1(country, values.get(F.ADMIN1))
        if admin1 is not None:
            out[F.ADMIN1] = admin1.name
            extra["admin1_pcode"] = admin1.pcode
            extra["admin1_iso"] = admin1.iso3166_2
    sector = reference.sector(values.get(F.SECTOR))
    if sector is not None:
        out[F.SECTOR] = sector.name
    indicator = reference.indicator(values.get(F.INDICATOR))
    if indicator is not None:
        extra["indicator_code"] = indicator.code
        extra["indicator_type"] = INDICATOR_TYPES[indicator.type]["en"]
    mechanism = reference.delivery_mechanism(values.get(F.DELIVERY_MECHANISM))
    extra["delivery_mechanism_code"] = (
        DELIVERY_MECHANISMS[mechanism]["en"] if mechanism else values.get(F.DELIVERY_MECHANISM)
    )
    return [_cell(extra[key] if key in extra else out.get(key)) for _, _, key in COLUMNS]


class HxlWriter:
    """Write rows one by one (the command line streams 50,000 rows through it)."""

    def __init__(self, stream: IO[str], reference: Reference) -> None:
        self.reference = reference
        self.writer = csv.writer(stream)
        self.writer.writerow(HEADERS)
        self.writer.writerow(TAGS)

    def write(self, row: Row | Mapping[str, object]) -> None:
        values = row.values if isinstance(row, Row) else row
        self.writer.writerow(hxl_record(values, self.reference))


def write_hxl(
    rows: Iterable[Row | Mapping[str, object]], stream: IO[str], reference: Reference
) -> int:
    """Write the rows as HXL CSV to `stream`; returns how many rows were written."""
    writer = HxlWriter(stream, reference)
    count = 0
    for row in rows:
        writer.write(row)
        count += 1
    return count
