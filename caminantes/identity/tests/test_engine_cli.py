from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from caminantes.identity.engine import default_model
from caminantes.identity.engine.io import read_records

HEADER = (
    "record_id,given_names,family_names,sex,birth_date,nationality,document_type,"
    "document_number,phone,birth_place\n"
)
ROWS = (
    "1,María José,González Pérez,F,1990-05-12,VEN,cedula,V-12.345.678,,Zulia\n"
    "2,MAJO,GONZALEZ,F,1990-12-05,VEN,,12345678,,\n"
    "3,María Gabriela,González Pérez,F,1990-05-12,VEN,,,,Zulia\n"
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "in.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_it_writes_one_cluster_per_record(tmp_path):
    out = tmp_path / "out.csv"
    call_command("dedupe", str(write(tmp_path, HEADER + ROWS)), out=str(out))
    with out.open() as fh:
        rows = list(csv.DictReader(fh))
    assert [r["record_id"] for r in rows] == ["1", "2", "3"]
    assert rows[0]["cluster_id"] == rows[1]["cluster_id"] != rows[2]["cluster_id"]


def test_it_trains_and_saves_a_model_when_asked(tmp_path):
    out, model = tmp_path / "out.csv", tmp_path / "model.json"
    src = write(tmp_path, HEADER + ROWS)
    call_command("dedupe", str(src), out=str(out), train=True, save_model=str(model))
    call_command("dedupe", str(src), out=str(out), model=str(model), threshold=0.5)
    assert out.read_text().count("\n") == 4
    # the model saved is the one trained on the input, not the shipped one it started from
    saved = json.loads(model.read_text())
    assert saved["u"] != json.loads(default_model().to_json())["u"]


def test_it_estimates_m_and_u_on_the_input_unless_told_not_to(tmp_path, monkeypatch):
    """By default (from TRAIN_MIN records: 2,000) the model is fitted to the input, as the
    issue asks; --no-train and --model score with a model as it is."""
    from caminantes.identity.engine import batch

    monkeypatch.setattr(batch, "TRAIN_MIN", 3)
    out, model = tmp_path / "out.csv", tmp_path / "model.json"
    src = write(tmp_path, HEADER + ROWS)
    shipped = json.loads(default_model().to_json())
    call_command("dedupe", str(src), out=str(out), save_model=str(model))
    assert json.loads(model.read_text())["u"] != shipped["u"]
    call_command("dedupe", str(src), out=str(out), no_train=True, save_model=str(model))
    assert json.loads(model.read_text())["u"] == shipped["u"]
    monkeypatch.setattr(batch, "TRAIN_MIN", 4)  # one record short: the shipped model
    call_command("dedupe", str(src), out=str(out), save_model=str(model))
    assert json.loads(model.read_text())["u"] == shipped["u"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (HEADER.replace(",phone", "") + "1,a,b,F,,,,,\n", "missing column(s): phone"),
        (HEADER + ROWS + "2,Ana,Díaz,F,,,,,,\n", "repeated record_id '2'"),
    ],
)
def test_it_refuses_a_bad_file_clearly(tmp_path, text, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("dedupe", str(write(tmp_path, text)), out=str(tmp_path / "o.csv"))


def test_it_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("dedupe", str(tmp_path / "nope.csv"), out=str(tmp_path / "o.csv"))


def test_the_registry_mode_wants_a_country_code():
    # The run itself (registry_dedupe.run, review tickets) is tested in test_review.py.
    with pytest.raises(CommandError, match="ISO 3166"):
        call_command("dedupe", registry=True, country="Colombia")


# the environment of a fresh machine: no server secrets, production settings, no database
SECRETS = ("DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "FIELD_ENCRYPTION_KEYS",
           "FIELD_ENCRYPTION_KEYS_FILE", "CAMINANTES_DEMO")  # fmt: skip


def run(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in SECRETS}
    env["DATABASE_URL"] = "sqlite:////nonexistent/dir/db.sqlite3"
    return subprocess.run(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "caminantes", "dedupe", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_it_runs_as_a_command_without_a_database_or_the_servers_secrets(tmp_path):
    out = tmp_path / "out.csv"
    done = run(str(write(tmp_path, HEADER + ROWS)), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_text().startswith("record_id,cluster_id\n")


def test_it_exits_non_zero_on_a_bad_file(tmp_path):
    (tmp_path / "bin.csv").write_bytes(b"\xff\xfe\x00garbage")
    done = run(str(tmp_path / "bin.csv"), "--out", str(tmp_path / "o.csv"))
    assert done.returncode != 0
    assert "CommandError" in done.stderr or "Error" in done.stderr


def test_the_registry_mode_still_needs_the_servers_secrets():
    done = run("--registry", "--country", "CO")
    assert done.returncode != 0
    assert "SECRET_KEY is not set" in done.stderr
    assert "Traceback" not in done.stderr  # one line saying what is missing


def test_it_reads_a_csv_saved_by_a_spreadsheet_in_windows_1252_with_semicolons(tmp_path):
    src = tmp_path / "excel.csv"
    text = HEADER + "1,María José,Pérez,F,1990-03-14,VEN,,,,\n"
    src.write_bytes(text.replace(",", ";").encode("cp1252"))
    out = tmp_path / "out.csv"
    call_command("dedupe", str(src), out=str(out))
    assert read_records(src)[0].given_names == "María José"
    assert out.read_text().count("\n") == 2
