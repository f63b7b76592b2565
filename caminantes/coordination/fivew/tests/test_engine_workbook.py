"""The 5W reader on the real R4V files and on the untidy workbooks partners send."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from caminantes.coordination.fivew.engine import fields as F
from caminantes.coordination.fivew.engine.workbook import (
    WorkbookError,
    parse_int,
    parse_money,
    parse_month,
    read_workbook,
)

R4V = Path(__file__).resolve().parents[1] / "data" / "r4v"
SAMPLE_2022 = R4V / "sample_5w_2022.xlsx"
TEMPLATE_2025 = R4V / "template_5w_rmrp_2025.xlsx"


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_it_reads_the_2022_sample_with_its_accents_repaired() -> None:
    wb = read_workbook(SAMPLE_2022)
    assert wb.layout == "r4v2022"
    assert len(wb.rows) == 125
    by_number = {r.number: r for r in wb.rows}
    assert by_number[2].number == 2  # the spreadsheet's row number, header being row 1
    assert by_number[5].values[F.ADMIN1] == "Córdoba"  # arrives as "CÃ³rdoba"
    assert by_number[103].values[F.ADMIN1] == "Asunción"
    assert by_number[102].values[F.IMPLEMENTING_PARTNER] == "Fundación Scalabrini Bolivia"
    assert str(by_number[2].values[F.ACTIVITY_NAME]).startswith("Orientación social y legal")
    assert by_number[2].raw["Admin1"] == "Buenos Aires"
    # "Protection (GBV)" in the 2022 Subsector column: the sector and its subsector
    gbv = next(r for r in wb.rows if r.raw.get("Subsector") == "Protection (GBV)")
    assert (gbv.values[F.SECTOR], gbv.values[F.SUBSECTOR]) == ("Protection", "GBV")
    mpc = next(r for r in wb.rows if "MPC" in str(r.raw.get("Subsector")))
    assert mpc.values[F.SECTOR] == "Multipurpose Cash Assistance (MPC)"
    row = by_number[2].values
    assert row[F.RMRP_ACTIVITY] is True and row[F.CVA] is False
    assert row[F.MONTH] == "2022-08"
    assert (row[F.WOMEN_UNDER18], row[F.MEN_UNDER18], row[F.WOMEN_OVER18]) == (5, 11, 12)


def test_it_recognises_the_2025_template_header() -> None:
    wb = read_workbook(TEMPLATE_2025)
    assert wb.layout == "rmrp2025"
    assert wb.rows == []
    assert wb.header.missing == [F.SUBSECTOR] or wb.header.missing == []
    assert set(wb.header.columns.values()) >= set(F.FIELDS) - {F.SUBSECTOR}


def test_it_finds_a_spanish_header_under_a_merged_title_in_an_untidy_workbook(
    tmp_path: Path,
) -> None:
    header = [
        "País",
        "Departamento\n(Admin1)",
        "Municipio",
        "Organización  solicitante",
        "Implementación",
        "Socio implementador",
        "Mes",
        "Sector",
        "Indicador",
        "Nombre de la actividad",
        "Descripción de la actividad",
        "Actividad RMRP",
        "CVA",
        "Valor (USD)",
        "Mecanismo de entrega",
        "Cantidad de producto",
        "Total de beneficiarios mensuales",
        "Nuevos beneficiarios del mes",
        "Refugiados y migrantes en destino",
        "Refugiados y migrantes en trÃ¡nsito",  # the header's accent broken too
        "Comunidad de acogida",
        "Pendulares",
        "Colombianos retornados",
        "Mujeres menores de 18",
        "Hombres menores de 18",
        "Mujeres mayores de 18",
        "Hombres mayores de 18",
        "Otros menores de 18",
        "Otros mayores de 18",
        "Comentarios internos",  # an extra column
    ]
    data = [
        "Colombia",
        "BogotÃ¡ D.C.",
        None,
        "International Organization for Migration (IOM)",
        "Sí",
        "Caritas Bolivia",
        dt.datetime(2025, 3, 1),  # a real Excel date
        "Salud",
        "# of refugees and migrants benefiting from primary health care consultations",
        "Consultas",
        None,
        "si",
        "NO",
        None,
        None,
        "1.234",  # thousands, as text
        " 2.000 ",
        "1.234",
        1234,
        0,
        0,
        0,
        0,
        "600",
        634,
        0,
        0,
        0,
        0,
        "revisar",
    ]
    path = _xlsx(
        tmp_path / "5w.xlsx",
        [["5W - RMRP 2025 - Informe mensual"], [], header, data, [None] * 5, data],
    )
    sheet_book = openpyxl.load_workbook(path)
    sheet_book.active.merge_cells("A1:H1")
    sheet_book.save(path)

    wb = read_workbook(path)
    assert wb.layout == "rmrp2025"
    assert wb.header.row_number == 3
    assert [r.number for r in wb.rows] == [4, 6]  # the blank row 5 is skipped
    v = wb.rows[0].values
    assert v[F.COUNTRY] == "Colombia" and v[F.ADMIN1] == "Bogotá D.C."
    assert v[F.APPEALING_ORG] == "International Organization for Migration (IOM)"
    assert v[F.IMPLEMENTATION_SETUP] is True and v[F.RMRP_ACTIVITY] is True
    assert v[F.CVA] is False
    assert v[F.MONTH] == "2025-03"
    assert v[F.QUANTITY_OUTPUT] == 1234 and v[F.MONTHLY_BENEFICIARIES] == 2000
    assert v[F.NEW_BENEFICIARIES] == 1234 and v[F.POP_IN_TRANSIT] == 0
    assert v[F.WOMEN_UNDER18] == 600 and v[F.MEN_UNDER18] == 634
    assert wb.rows[0].raw["Comentarios internos"] == "revisar"
    assert wb.header.unknown == ["Comentarios internos"]


def test_it_reads_a_csv_with_semicolons_in_latin1(tmp_path: Path) -> None:
    text = (
        "Country;Admin1;Appealing organisation;Implementation;Month;Sector;Indicator;"
        "Activity Name;RMRP Activity;CVA;New beneficiaries\n"
        "Perú;Tumbes;UNHCR;No;03/2025;Health;x;Consulta;Yes;No;12\n"
        ";;;;;;;;;;\n"
    )
    path = tmp_path / "5w.csv"
    path.write_bytes(text.encode("cp1252"))
    wb = read_workbook(path)
    assert [r.number for r in wb.rows] == [2]
    assert wb.rows[0].values[F.COUNTRY] == "Perú"
    assert wb.rows[0].values[F.MONTH] == "2025-03"
    assert wb.rows[0].values[F.NEW_BENEFICIARIES] == 12
    # and from an open file object, as the upload page passes it
    assert len(read_workbook(io.BytesIO(text.encode("utf-8"))).rows) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234", 1234),
        ("1,234", 1234),
        ("12", 12),
        ("1 234", 1234),
        ("12.5", 12.5),
        ("-3", -3),
        ("muchos", "muchos"),
    ],
)
def test_it_reads_numbers_typed_as_text(text: str, expected: object) -> None:
    assert parse_int(text) == expected


def test_it_reads_money_and_months_in_their_usual_spellings() -> None:
    assert parse_money("1.234,50") == Decimal("1234.50")
    assert parse_money("1,234.50") == Decimal("1234.50")
    assert parse_money(215) == Decimal(215)
    assert parse_month("2025-03") == "2025-03"
    assert parse_month("2025/3/15") == "2025-03"
    assert parse_month("marzo 2025") == "2025-03"
    assert parse_month("Mar-25") == "2025-03"
    assert parse_month(45717) == "2025-03"  # an Excel serial number (2025-03-01)
    assert parse_month(dt.date(2024, 12, 31)) == "2024-12"
    assert parse_month("2025-13") == "2025-13"  # left for the rules to refuse


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "not_text"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "protected"),
        (b"PK\x03\x04 this is no zip", "not_xlsx"),
        (b"nombre,apellido\nAna,Paz\n", "no_header"),
        (b"", "no_header"),
    ],
)
def test_it_refuses_what_is_not_a_5w_with_a_clear_reason(
    tmp_path: Path, content: bytes, code: str
) -> None:
    path = tmp_path / "upload.xlsx"
    path.write_bytes(content)
    with pytest.raises(WorkbookError) as caught:
        read_workbook(path)
    assert caught.value.code == code
    assert caught.value.message("es") and caught.value.message("pt") != caught.value.message("es")


def test_it_refuses_a_workbook_without_a_5w_header(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "other.xlsx", [["Nombre", "Edad"], ["Ana", 30]])
    with pytest.raises(WorkbookError, match="header"):
        read_workbook(path)


def test_it_reads_a_header_split_over_two_rows_with_merged_group_cells(tmp_path: Path) -> None:
    # The 2025 template's headers ("Country Admin1", "Indicator Sector") come from a group
    # row over a detail row; partners' copies often keep the two rows, merged.
    group = ["Country", None, "Admin2", "Appealing organisation", "Implementation",
             "Implementing partner", "Month", "Indicator", None, "Activity", None,
             "RMRP Activity", "CVA", "Value (in USD)", "Delivery mechanism",
             "Quantity of output", "Total monthly beneficiaries",
             "New beneficiaries of the month", "Refugees and Migrants", None, "Host Communities",
             "Refugees and Migrants", "Colombian", "Women", "Men", "Women", "Men", "Other",
             "Other"]  # fmt: skip
    detail = ["Country", "Admin1", "Admin2", "Name", "Set up", "Name", None, "Sector",
              "Indicator", "Name", "Description", None, None, None, None, None, None, None,
              "IN DESTINATION", "IN TRANSIT", "Beneficiaries", "PENDULARS", "Returnees",
              "under 18", "under 18", "above 18", "above 18", "under 18", "above 18"]  # fmt: skip
    data = ["Ecuador", "Pichincha", None, "UNICEF", "No", None, "2025-02", "Education",
            "x", "Clases", None, "Yes", "No", None, None, 1, 3, 3, 3, 0, 0, 0, 0, 2, 1, 0,
            0, 0, 0]  # fmt: skip
    path = _xlsx(tmp_path / "two_rows.xlsx", [group, detail, data])
    book = openpyxl.load_workbook(path)
    book.active.merge_cells("A1:B1")
    book.active.merge_cells("H1:I1")
    book.save(path)

    wb = read_workbook(path)
    assert wb.layout == "rmrp2025" and wb.header.row_number == 2
    assert set(wb.header.columns.values()) == set(F.FIELDS) - {F.SUBSECTOR}
    [row] = wb.rows
    assert row.number == 3
    v = row.values
    assert (v[F.COUNTRY], v[F.ADMIN1], v[F.APPEALING_ORG]) == ("Ecuador", "Pichincha", "UNICEF")
    assert (v[F.SECTOR], v[F.INDICATOR], v[F.ACTIVITY_NAME]) == ("Education", "x", "Clases")
    assert (v[F.POP_IN_DESTINATION], v[F.WOMEN_UNDER18], v[F.MEN_UNDER18]) == (3, 2, 1)
