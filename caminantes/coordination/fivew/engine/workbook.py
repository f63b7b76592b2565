"""Read a 5W workbook (xlsx or CSV) as it arrives from a partner, into canonical rows.

Real workbooks are untidy: a merged title above the header, the header in Spanish or
English with line breaks and broken accents, extra columns, blank rows, numbers typed as
text ("1.234"), "Sí"/"Si"/"yes", the month as a real Excel date. The reader finds the
header row (among the first rows of every sheet), maps each header to a field of
`fields.py` by keywords, repairs mojibake (UTF-8 read as Latin-1) with ftfy, and turns
each cell into its kind. A cell it cannot turn stays as the cleaned text, so the rules can
say what is wrong with it. Nothing is refused here but the file itself (`WorkbookError`).

`iter_workbook` streams (openpyxl read-only: 50,000 rows in well under 500 MB);
`read_workbook` collects the rows in a list.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, Literal

from . import fields as F
from .text import clean_text, fold

Layout = Literal["rmrp2025", "r4v2022"]

HEADER_SCAN_ROWS = 30  # a header further down than this is not a 5W header
MIN_HEADER_FIELDS = 6  # cells of a row that must name 5W columns for it to be the header
MAX_CSV_BYTES = 200 * 1024 * 1024


FILE_ERRORS: dict[str, dict[str, str]] = {
    "unreadable": {
        "es": "No se puede abrir el archivo: %(detail)s.",
        "en": "Cannot open the file: %(detail)s.",
        "pt": "Não é possível abrir o arquivo: %(detail)s.",
    },
    "not_xlsx": {
        "es": "El archivo no es un libro de Excel (.xlsx) legible: guárdelo de nuevo como .xlsx "
        "desde Excel o LibreOffice.",
        "en": "The file is not a readable Excel workbook (.xlsx): save it again as .xlsx from "
        "Excel or LibreOffice.",
        "pt": "O arquivo não é uma pasta de trabalho do Excel (.xlsx) legível: salve-o de novo "
        "como .xlsx no Excel ou no LibreOffice.",
    },
    "protected": {
        "es": "El libro está protegido con contraseña o en el antiguo formato .xls: quite la "
        "contraseña y guárdelo como .xlsx.",
        "en": "The workbook is password-protected or in the old .xls format: remove the "
        "password and save it as .xlsx.",
        "pt": "A pasta de trabalho está protegida por senha ou no antigo formato .xls: remova "
        "a senha e salve-a como .xlsx.",
    },
    "not_text": {
        "es": "El archivo no es ni un libro de Excel (.xlsx) ni un CSV de texto.",
        "en": "The file is neither an Excel workbook (.xlsx) nor a CSV text file.",
        "pt": "O arquivo não é uma pasta de trabalho do Excel (.xlsx) nem um CSV de texto.",
    },
    "too_large": {
        "es": "El archivo CSV es demasiado grande (más de 200 MB).",
        "en": "The CSV file is too large (over 200 MB).",
        "pt": "O arquivo CSV é grande demais (mais de 200 MB).",
    },
    "no_header": {
        "es": "No se encontró la fila de encabezados del 5W: las primeras filas deben nombrar "
        "sus columnas (país, admin1, sector, indicador, mes...).",
        "en": "No 5W header row found: the first rows must name the 5W columns (country, "
        "admin1, sector, indicator, month...).",
        "pt": "Não foi encontrada a linha de cabeçalho do 5W: as primeiras linhas devem nomear "
        "suas colunas (país, admin1, setor, indicador, mês...).",
    },
    "damaged": {
        "es": "El libro está dañado y no se puede leer.",
        "en": "The workbook is damaged and cannot be read.",
        "pt": "A pasta de trabalho está danificada e não pode ser lida.",
    },
}


class WorkbookError(Exception):
    """The file cannot be read as a 5W workbook. `code` is stable (FILE_ERRORS);
    `message(language)` says why to the user (es, en, pt); str() is English."""

    def __init__(self, code: str, **params: str) -> None:
        self.code = code
        self.params = params
        super().__init__(self.message("en"))

    def message(self, language: str = "es") -> str:
        table = FILE_ERRORS[self.code]
        return table.get(language[:2], table["es"]) % self.params


@dataclass(slots=True)
class Row:
    number: int  # the spreadsheet row number (1-based, as Excel shows it)
    values: dict[str, object]  # canonical field -> parsed value (or the text that failed)
    raw: dict[str, object]  # header as written (repaired) -> cell as read


@dataclass
class Header:
    layout: Layout
    row_number: int
    sheet: str
    columns: dict[int, str]  # column index -> canonical field
    names: list[str]  # every header cell, repaired (extra columns included)

    @property
    def unknown(self) -> list[str]:
        """Header cells that name no 5W column (kept in `Row.raw`)."""
        return [n for i, n in enumerate(self.names) if n and i not in self.columns]

    @property
    def missing(self) -> list[str]:
        """5W columns of the 2025 template the file does not have."""
        present = set(self.columns.values())
        optional = {F.SUBSECTOR, F.COVID19}
        if self.layout == "r4v2022":
            optional.add(F.SECTOR)
        return [f for f in F.FIELDS if f not in present and f not in optional]


@dataclass
class Workbook:
    layout: Layout
    rows: list[Row]
    header: Header
    sheet: str = ""
    warnings: list[str] = field(default_factory=list)


# --- text -----------------------------------------------------------------------------------

# --- headers --------------------------------------------------------------------------------

# Ordered: the first pattern that matches a folded header names its field. More specific
# columns come first ("Country Admin1" is admin1, "Indicator Sector" is the sector,
# "New beneficiaries of the month" is not the month).
_HEADER_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (F.COVID19, re.compile(r"covid")),
    (F.POP_IN_DESTINATION, re.compile(r"destin")),
    (F.POP_IN_TRANSIT, re.compile(r"transit")),
    (F.POP_HOST_COMMUNITY, re.compile(r"host|acogida|receptora|anfitri|acolh")),
    (F.POP_PENDULAR, re.compile(r"pendul")),
    (F.POP_COLOMBIAN_RETURNEES, re.compile(r"returnee|retornad|retorno")),
    (F.NEW_BENEFICIARIES, re.compile(r"\bnew\b|\bnuev|\bnov[oa]s?\b")),
    (F.MONTHLY_BENEFICIARIES, re.compile(r"total|monthly|mensual|mensais")),
    (F.SUBSECTOR, re.compile(r"sub ?sector|sub ?setor")),
    (F.SECTOR, re.compile(r"\bsector\b|\bsetor\b")),
    (F.INDICATOR, re.compile(r"indicat|indicador")),
    (F.ACTIVITY_DESCRIPTION, re.compile(r"descrip|descric")),
    (F.RMRP_ACTIVITY, re.compile(r"rmrp")),
    (F.VALUE_USD, re.compile(r"value|valor|monto|amount|\busd\b")),
    (F.DELIVERY_MECHANISM, re.compile(r"delivery|mecanism|modalidad|modality")),
    (F.CVA, re.compile(r"\bcva\b|\btms\b|\bctm\b|cash|efectivo|monetari")),
    (F.QUANTITY_OUTPUT, re.compile(r"quantit|cantidad|output|producto|produto")),
    (F.ACTIVITY_NAME, re.compile(r"activ|atividade")),
    (F.IMPLEMENTING_PARTNER, re.compile(r"implementing|implementador|socio|parceiro|partner")),
    (F.IMPLEMENTATION_SETUP, re.compile(r"implementa|set ?up|ejecucion")),
    (F.APPEALING_ORG, re.compile(r"appeal|solicitante|lider|organi[sz]|\borg\b|agenc")),
    (F.MONTH, re.compile(r"month|\bmes\b|fecha|date|periodo|period")),
    (F.ADMIN2, re.compile(r"admin ?2|\badm ?2|municip|distrit|canton|ciudad|city")),
    (F.ADMIN1, re.compile(r"admin ?1|\badm ?1|departament|provinc|state|estado|region")),
    (F.COUNTRY, re.compile(r"country|\bpais\b")),
]

_WOMEN = re.compile(r"\b(women|woman|female|females|mujer|mujeres|femenin[oa]s?|mulher|mulheres)\b")
_MEN = re.compile(r"\b(men|man|male|males|hombres?|masculin[oa]s?|homens?|homem)\b")
_GIRLS = re.compile(r"\b(girls?|ninas?|meninas?)\b")
_BOYS = re.compile(r"\b(boys?|ninos?|meninos?)\b")
_OTHER = re.compile(r"\b(other|others|otros?|otras?|outros?|outras?)\b")
_UNDER = re.compile(r"under|menor|below|less|<|0 17|child|infan")
_OVER = re.compile(r"above|over|mayor|maior|adult|18 ?\+|acima|mas de|mais de")


def _age_sex(key: str) -> str | None:
    if _GIRLS.search(key):
        return F.WOMEN_UNDER18
    if _BOYS.search(key):
        return F.MEN_UNDER18
    sex = (
        "women"
        if _WOMEN.search(key)
        else "men"
        if _MEN.search(key)
        else "other"
        if _OTHER.search(key)
        else None
    )
    if sex is None:
        return None
    if _UNDER.search(key):
        return f"{sex}_under18"
    if _OVER.search(key) or sex != "other":
        return f"{sex}_over18"  # the 2022 layout's plain "Women"/"Men" are adults
    return None


@lru_cache(maxsize=4096)
def header_field(text: str) -> str | None:
    """The canonical field a header cell names, or None."""
    key = fold(text)
    if not key or len(key) > 120:
        return None
    found = _age_sex(key)
    if found and not re.search(r"destin|transit|host|pendul|returnee|total|new", key):
        return found
    for name, pattern in _HEADER_PATTERNS:
        if pattern.search(key):
            return name
    return None


def _match_header(cells: tuple[Any, ...]) -> tuple[dict[int, str], list[str]]:
    columns: dict[int, str] = {}
    names: list[str] = []
    taken: set[str] = set()
    for index, cell in enumerate(cells):
        name = clean_text(str(cell)) if cell is not None else ""
        names.append(name)
        if not name:
            continue
        found = header_field(name)
        if found and found not in taken:  # a repeated column: the first one counts
            columns[index] = found
            taken.add(found)
    return columns, names


def _layout(columns: dict[int, str], names: list[str]) -> Layout:
    present = set(columns.values())
    folded = {fold(n) for n in names}
    if F.COVID19 in present or (F.SUBSECTOR in present and F.SECTOR not in present):
        return "r4v2022"
    if folded & {"girls", "boys", "appealing org", "rmrpactivity", "total monthly"}:
        return "r4v2022"
    return "rmrp2025"


# --- values ---------------------------------------------------------------------------------

_YES = {"yes", "y", "si", "s", "sim", "true", "verdadero", "1", "x", "oui"}
_NO = {"no", "n", "nao", "false", "falso", "0", "non"}


def parse_bool(value: object) -> object:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        key = fold(value)
        if key in _YES:
            return True
        if key in _NO:
            return False
    return value


_THOUSANDS_DOT = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
_THOUSANDS_COMMA = re.compile(r"^-?\d{1,3}(,\d{3})+$")
_PLAIN_NUMBER = re.compile(r"^-?\d+([.,]\d+)?$")
_BOTH = re.compile(r"^-?\d{1,3}([.,]\d{3})*([.,]\d+)?$")


def _number(text: str) -> Decimal | None:
    """'1.234' and '1,234' are thousands (a count has no decimals); '1.234,5' and
    '1,234.5' are read by their last separator; '12,5' is twelve and a half."""
    s = text.replace(" ", "").replace("\u00a0", "").replace("$", "").replace("USD", "")
    s = s.replace("'", "")
    if not s:
        return None
    if _THOUSANDS_DOT.match(s):
        s = s.replace(".", "")
    elif _THOUSANDS_COMMA.match(s):
        s = s.replace(",", "")
    elif _PLAIN_NUMBER.match(s):
        s = s.replace(",", ".")
    elif _BOTH.match(s):
        last = max(s.rfind("."), s.rfind(","))
        s = re.sub(r"[.,]", "", s[:last]) + "." + s[last + 1 :]
    else:
        return None
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def parse_int(value: object) -> object:
    """An int when the cell holds a whole number; otherwise the cell (a rule says why)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, str):
        number = _number(value)
        if number is None:
            return value
        return int(number) if number == number.to_integral_value() else float(number)
    return value


def parse_money(value: object) -> object:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(round(value, 2)))
    if isinstance(value, str):
        number = _number(value)
        return value if number is None else number
    return value


_MONTHS = {
    **{m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())},
    **{m: i + 1 for i, m in enumerate("ene feb mar abr may jun jul ago sep oct nov dic".split())},
    **{m: i + 1 for i, m in enumerate("jan fev mar abr mai jun jul ago set out nov dez".split())},
    "sept": 9,
    "set": 9,
}
_ISO_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})(?:[-/.]\d{1,2})?(?:[ t].*)?$")
_MONTH_YEAR = re.compile(r"^(?:\d{1,2}[-/.])?(\d{1,2})[-/.](\d{4})$")
_NAMED = re.compile(r"^([a-z]+)\.?[ -/]*(?:de |del )?(\d{2}|\d{4})$")
EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_month(value: object) -> object:
    """'YYYY-MM' from a date, an Excel serial number, '2025-03', '03/2025', 'marzo 2025'."""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 <= value <= 80000:  # an Excel date serial (1954-2119)
            day = EXCEL_EPOCH + dt.timedelta(days=int(value))
            return f"{day.year:04d}-{day.month:02d}"
        return value
    if not isinstance(value, str):
        return value
    text = value.strip()
    m = _ISO_MONTH.match(text.lower())
    if m and 1 <= int(m.group(2)) <= 12:
        return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"
    m = _MONTH_YEAR.match(text)
    if m and 1 <= int(m.group(1)) <= 12:
        return f"{int(m.group(2)):04d}-{int(m.group(1)):02d}"
    m = _NAMED.match(fold(value))
    if m:
        month = _MONTHS.get(m.group(1)[:3]) or _MONTHS.get(m.group(1)[:4])
        month = month or _FULL_MONTHS.get(m.group(1))
        if month:
            year = int(m.group(2))
            year = year + 2000 if year < 100 else year
            return f"{year:04d}-{month:02d}"
    return text or None


_FULL_MONTHS = {
    name: i + 1
    for names in (
        "january february march april may june july august september october november december",
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
        "janeiro fevereiro marco abril maio junho julho agosto setembro outubro novembro dezembro",
    )
    for i, name in enumerate(names.split())
}
_FULL_MONTHS["setiembre"] = 9

_PARSERS = {"bool": parse_bool, "int": parse_int, "money": parse_money, "month": parse_month}


def _cell(value: object) -> object:
    """A raw cell: text repaired and trimmed, empty text as None."""
    if isinstance(value, str):
        value = clean_text(value)
        return value or None
    return value


def parse_value(name: str, value: object) -> object:
    """The value of field `name` from a (repaired) cell; None stays None."""
    if value is None:
        return None
    kind = F.KINDS.get(name, "text")
    if kind == "text":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, dt.datetime):
            value = value.date()
        return value if isinstance(value, str) else str(value)
    return _PARSERS[kind](value)


_SECTOR_WITH_SUBSECTOR = re.compile(r"^(.+?)\s*\((.+)\)\s*$")


def split_sector(text: str) -> tuple[str, str | None]:
    """'Protection (GBV)' -> ('Protection', 'GBV'): how the 2022 layout writes a subsector.
    A name's own abbreviation in brackets stays ('Multipurpose Cash Assistance (MPC)')."""
    m = _SECTOR_WITH_SUBSECTOR.match(text)
    if not m:
        return text, None
    inside = m.group(2)
    if inside.isupper() and inside[:1] == m.group(1)[:1].upper():
        return text, None
    if fold(m.group(2)) == "general":  # "Protection (General)": protection, no subsector
        return m.group(1), None
    return m.group(1), m.group(2)


def to_row(number: int, cells: tuple[Any, ...], header: Header) -> Row | None:
    """One spreadsheet row as a Row; None for a blank row."""
    raw: dict[str, object] = {}
    values: dict[str, object] = {}
    blank = True
    for index, cell in enumerate(cells):
        if index >= len(header.names):
            break
        value = _cell(cell)
        if value is None:
            continue
        blank = False
        name = header.names[index]
        if name:
            raw[name] = value
        else:
            raw[f"column_{index + 1}"] = value
        canonical = header.columns.get(index)
        if canonical:
            values[canonical] = parse_value(canonical, value)
    if blank:
        return None
    for name in F.FIELDS:
        values.setdefault(name, None)
    # The 2022 layout (and some partners) write "Protection (GBV)" in one column.
    for source in (F.SUBSECTOR, F.SECTOR):
        text = values.get(source)
        if isinstance(text, str) and values.get(F.SUBSECTOR) in (None, text):
            sector, subsector = split_sector(text)
            if subsector or (source == F.SUBSECTOR and not values.get(F.SECTOR)):
                values[F.SECTOR] = sector
                values[F.SUBSECTOR] = subsector
            break
    return Row(number=number, values=values, raw=raw)


# --- files ----------------------------------------------------------------------------------


def _find_header(rows: Iterator[tuple[Any, ...]], sheet: str) -> Header | None:
    """The row among the first HEADER_SCAN_ROWS that names the most 5W columns. A header
    may take two rows (a merged group row above: "Indicator" over "Sector" and
    "Indicator"); each row is also tried joined to the row above it, the group's text
    carried over the merged cells."""
    best: Header | None = None
    above: list[str | None] = []
    for number, cells in enumerate(rows, start=1):
        if number > HEADER_SCAN_ROWS:
            break
        texts = [clean_text(c) or None if isinstance(c, str) else None for c in cells]
        candidates: list[list[str | None]] = [texts]
        if any(above):
            joined = [
                " ".join(t for t in (group, own) if t) or None
                for group, own in zip(
                    above + [None] * (len(texts) - len(above)), texts, strict=False
                )
            ]
            candidates.append(joined)
        for names in candidates:
            if sum(1 for c in names if c) < MIN_HEADER_FIELDS:
                continue
            columns, clean = _match_header(tuple(names))
            # strictly more: a data row joined to the header row below it names no more
            if len(columns) >= MIN_HEADER_FIELDS and (
                best is None or len(columns) > len(best.columns)
            ):
                best = Header(_layout(columns, clean), number, sheet, columns, clean)
        above = _carry(texts)
    return best


def _carry(texts: list[str | None]) -> list[str | None]:
    """A group row with its text carried right over the empty (merged) cells."""
    out: list[str | None] = []
    last: str | None = None
    for text in texts:
        last = text or last
        out.append(last)
    return out


def _open_xlsx(source: str | Path | IO[bytes]) -> Any:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return openpyxl.load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise WorkbookError("not_xlsx") from exc


def _sniff(head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"  # a password-protected xlsx, or an old .xls
    return "csv"


def _iter_xlsx(source: str | Path | IO[bytes]) -> tuple[Header, Iterator[Row]]:
    book = _open_xlsx(source)
    try:
        found: Header | None = None
        for sheet in book.worksheets:
            if getattr(sheet, "sheet_state", "visible") != "visible" and found:
                continue
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()  # a wrong <dimension> must not cut rows off
            header = _find_header(sheet.iter_rows(values_only=True), sheet.title)
            if header and (found is None or len(header.columns) > len(found.columns)):
                found = header
        if found is None:
            book.close()
            raise WorkbookError("no_header")
    except WorkbookError:
        raise
    except Exception as exc:  # a damaged part inside the zip
        book.close()
        raise WorkbookError("damaged") from exc

    header = found

    def rows() -> Iterator[Row]:
        try:
            sheet = book[header.sheet]
            start = header.row_number + 1
            for number, cells in enumerate(
                sheet.iter_rows(min_row=start, values_only=True), start=start
            ):
                row = to_row(number, cells, header)
                if row is not None:
                    yield row
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as exc:
            raise WorkbookError("damaged") from exc  # a broken sheet, found mid-way
        finally:
            book.close()

    return header, rows()


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _iter_csv(data: bytes) -> tuple[Header, Iterator[Row]]:
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise WorkbookError("not_text")
    text = _decode(data)
    sample = text[:20000]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    lines = list(csv.reader(io.StringIO(text), dialect))
    header = _find_header(iter(tuple(c or None for c in line) for line in lines), "csv")
    if header is None:
        raise WorkbookError("no_header")

    def rows() -> Iterator[Row]:
        for number, line in enumerate(lines[header.row_number :], start=header.row_number + 1):
            row = to_row(number, tuple(c if c != "" else None for c in line), header)
            if row is not None:
                yield row

    return header, rows()


def iter_workbook(source: str | Path | IO[bytes]) -> tuple[Header, Iterator[Row]]:
    """The header found and a stream of the rows (blank rows skipped)."""
    if isinstance(source, str | Path):
        path = Path(source)
        try:
            with path.open("rb") as fh:
                head = fh.read(8)
        except OSError as exc:
            raise WorkbookError("unreadable", detail=f"{path.name}: {exc.strerror or exc}") from exc
        kind = _sniff(head)
        if kind == "csv":
            if path.stat().st_size > MAX_CSV_BYTES:
                raise WorkbookError("too_large")
            return _iter_csv(path.read_bytes())
        opener: str | Path | IO[bytes] = path
    else:
        head = source.read(8)
        source.seek(0)
        kind = _sniff(head)
        if kind == "csv":
            data = source.read(MAX_CSV_BYTES + 1)
            if len(data) > MAX_CSV_BYTES:
                raise WorkbookError("too_large")
            return _iter_csv(data)
        opener = source
    if kind == "ole":
        raise WorkbookError("protected")
    return _iter_xlsx(opener)


def read_workbook(source: str | Path | IO[bytes]) -> Workbook:
    """Read a whole 5W workbook (xlsx or CSV, either layout). Raises WorkbookError."""
    header, rows = iter_workbook(source)
    collected = list(rows)
    warnings = []
    if header.missing:
        warnings.append("Columns not found: " + ", ".join(header.missing))
    return Workbook(header.layout, collected, header, header.sheet, warnings)
