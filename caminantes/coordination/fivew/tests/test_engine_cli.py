"""`caminantes fivew check|consolidate`: files written, exit codes, no database needed."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from .test_engine_workbook import SAMPLE_2022


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("fivew", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_checks_a_workbook_and_writes_problems_and_hxl(tmp_path: Path) -> None:
    errors, hxl_out = tmp_path / "errors.csv", tmp_path / "out.csv"
    out, _ = _run("check", str(SAMPLE_2022), "--errors", str(errors), "--hxl", str(hxl_out))
    lines = list(csv.DictReader(errors.open(encoding="utf-8")))
    assert out.strip() == f"rows=125 errors={len(lines)}"
    assert len(lines) > 0
    assert list(lines[0]) == ["row", "column", "rule", "message"]
    admin1 = next(line for line in lines if line["rule"] == "admin1_unknown")
    assert admin1 == {
        "row": "82",
        "column": "admin1",
        "rule": "admin1_unknown",
        "message": "«Bolivia» no es un admin1 de Bolivia (nivel nacional: «Country level»).",
    }
    hxl_lines = hxl_out.read_text(encoding="utf-8").splitlines()
    assert hxl_lines[1].startswith("#country+name,#country+code")
    assert len(hxl_lines) == 2 + 125


def test_it_speaks_english_when_asked(tmp_path: Path) -> None:
    errors = tmp_path / "errors.csv"
    _run("check", str(SAMPLE_2022), "--errors", str(errors), "--lang", "en")
    assert "is not an admin1 of Bolivia" in errors.read_text(encoding="utf-8")


def test_it_consolidates_people_reached(tmp_path: Path) -> None:
    totals = tmp_path / "totals.csv"
    out, _ = _run("consolidate", str(SAMPLE_2022), "--out", str(totals))
    rows = list(csv.DictReader(totals.open(encoding="utf-8")))
    assert list(rows[0]) == ["country", "sector", "monthly_beneficiaries", "people_reached"]
    assert {"country": "Argentina", "sector": "Protection", "monthly_beneficiaries": "557",
            "people_reached": "96"} in rows  # fmt: skip
    assert out.startswith("rows=125 counted=84 ")


def test_it_exits_2_with_a_clear_message_when_the_file_cannot_be_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bogus = tmp_path / "notes.xlsx"
    bogus.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))
    errors = tmp_path / "errors.csv"
    err = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("fivew", "check", str(bogus), "--errors", str(errors), stderr=err)
    assert exited.value.code == 2
    assert "protegido con contraseña" in err.getvalue()
    assert not errors.exists()
    with pytest.raises(SystemExit) as exited:
        call_command("fivew", "consolidate", str(tmp_path / "missing.xlsx"), "--out",
                     str(tmp_path / "t.csv"), stderr=io.StringIO())  # fmt: skip
    assert exited.value.code == 2


def test_it_exits_3_when_it_cannot_write_its_output(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        call_command("fivew", "check", str(SAMPLE_2022), "--errors",
                     str(tmp_path / "no" / "such" / "dir.csv"), stderr=io.StringIO())  # fmt: skip
    assert exited.value.code == 3


def test_it_runs_on_a_fresh_machine_without_a_database_or_the_servers_secrets(
    tmp_path: Path,
) -> None:
    secrets = ("DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "FIELD_ENCRYPTION_KEYS",
               "FIELD_ENCRYPTION_KEYS_FILE", "CAMINANTES_DEMO")  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k not in secrets}
    env["DATABASE_URL"] = "sqlite:////nonexistent/dir/db.sqlite3"
    errors = tmp_path / "errors.csv"
    done = subprocess.run(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "caminantes", "fivew", "check", str(SAMPLE_2022),
         "--errors", str(errors)],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("rows=125 errors=")
    assert errors.read_text(encoding="utf-8").startswith("row,column,rule,message")  # no BOM
