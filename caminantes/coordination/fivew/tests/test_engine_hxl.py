"""The HXL export validates against the shipped schema with libhxl."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import hxl
from hxl.input import InputOptions

from caminantes.coordination.fivew.engine.hxl import SCHEMA, TAGS, write_hxl
from caminantes.coordination.fivew.engine.reference import Reference
from caminantes.coordination.fivew.engine.workbook import read_workbook

from .test_engine_consolidate import ROWS
from .test_engine_workbook import SAMPLE_2022

LOCAL = InputOptions(allow_local=True)


def _validate(path: Path) -> list[str]:
    errors: list[str] = []
    schema = hxl.schema(
        hxl.data(str(SCHEMA), LOCAL), callback=lambda e: errors.append(f"{e.column}: {e}")
    )
    assert schema.validate(hxl.data(str(path), LOCAL)) is (not errors)
    return errors


def test_it_writes_rows_that_libhxl_validates(tmp_path: Path) -> None:
    path = tmp_path / "5w_hxl.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        assert write_hxl(ROWS, fh, Reference.default()) == len(ROWS)
    assert _validate(path) == []
    lines = list(csv.reader(path.open(encoding="utf-8")))
    assert lines[1] == TAGS
    first = dict(zip(lines[1], lines[2], strict=True))
    assert first["#country+code"] == "COL"
    assert first["#adm1+code"] == "CO81"  # Arauca's OCHA P-code
    assert first["#adm1+code+iso"] == "CO-ARA"
    assert first["#reached+new"] == "10" and first["#reached+f+children"] == "4"
    assert first["#indicator+type"] == "Direct Assistance"
    peru = next(dict(zip(lines[1], line, strict=True)) for line in lines[2:] if "Tumbes" in line)
    assert peru["#country+name"] == "Peru" and peru["#country+code"] == "PER"


def test_the_real_2022_sample_exports_and_validates(tmp_path: Path) -> None:
    path = tmp_path / "sample_hxl.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        write_hxl(read_workbook(SAMPLE_2022).rows, fh, Reference.default())
    assert _validate(path) == []


def test_the_schema_refuses_a_bad_month_and_a_negative_count(tmp_path: Path) -> None:
    bad = [{**ROWS[0], "month": "enero", "pop_in_transit": -2}]
    buffer = io.StringIO()
    write_hxl(bad, buffer, Reference.default())
    path = tmp_path / "bad.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    errors = _validate(path)
    assert any("#date+month" in e for e in errors)
    assert any("#reached+transit" in e for e in errors)
