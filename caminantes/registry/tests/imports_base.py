"""What the registry's import tests share: the files they upload (CSV or XLSX, as a person
or a KoboToolbox/ODK export would write them), the families in them, and the base case."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from typing import Any

import openpyxl
from django.test import override_settings
from django.utils import translation

from caminantes.registry import imports
from caminantes.registry.models import (
    Consent,
    Document,
    Household,
    ImportBatch,
    ImportRow,
    Person,
    Phone,
    TimelineEntry,
)
from caminantes.registry.tests.base import RegistryTestCase

MEDIA = tempfile.mkdtemp(prefix="caminantes-imports-")

HEADER = [
    "household_id", "relationship", "given_names", "first_surname", "second_surname", "sex",
    "birth_date", "birth_date_estimated", "nationality", "document_type", "document_number",
    "phone", "whatsapp", "population_type", "admin1", "arrival_date", "consent_registration",
    "consent_family_tracing",
]  # fmt: skip


def person(**kw: Any) -> dict[str, Any]:
    """Carmen of HH-1, or someone else of the same age in another household."""
    household = kw.get("household_id", "HH-1")
    row: dict[str, Any] = {
        "household_id": "HH-1",
        "relationship": "focal_point",
        "given_names": "Carmen Elena" if household == "HH-1" else f"Carmen {household}",
        "first_surname": "Rojas",
        "second_surname": "Medina",
        "sex": "F",
        "birth_date": "1988-05-21",
        "birth_date_estimated": "no",
        "nationality": "VE",
        "document_type": "cedula",
        "document_number": "V-20.111.222",
        "phone": "300 555 0101",
        "whatsapp": "sí",
        "population_type": "en tránsito",
        "admin1": "CO-NSA",
        "arrival_date": "2024-10-01",
        "consent_registration": "sí",
        "consent_family_tracing": "sí",
    }
    row.update(kw)
    return row


def families() -> list[dict[str, Any]]:
    """Two households: Carmen with her husband and daughter; Pedro alone, no document."""
    return [
        person(),
        person(relationship="cónyuge", given_names="José Gregorio", first_surname="Blanco",
               second_surname="Páez", sex="M", birth_date="14/02/1985",
               document_number="20333444", phone="", whatsapp="", population_type="",
               admin1="", arrival_date="", consent_family_tracing="no"),
        person(relationship="hija", given_names="Sofía", first_surname="Blanco",
               second_surname="Rojas", birth_date="2016-09-30", document_type="",
               document_number="", phone="", whatsapp="", population_type="", admin1="",
               arrival_date=""),
        person(household_id="HH-2", given_names="Pedro Luis", first_surname="Guerra",
               second_surname="", sex="masculino", birth_date="1975-01-05",
               document_type="", document_number="", phone="+58 412 555 0199", whatsapp="no",
               population_type="in_destination", admin1="CO54", arrival_date="02/03/2023"),
    ]  # fmt: skip


def to_csv(
    rows: list[dict[str, Any]],
    header: list[str] | None = None,
    *,
    names: dict[str, str] | None = None,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> bytes:
    header = header or HEADER
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow([(names or {}).get(h, h) for h in header])
    for r in rows:
        writer.writerow([r.get(h, "") for h in header])
    return out.getvalue().encode(encoding)


def to_xlsx(rows: list[dict[str, Any]], header: list[str] | None = None) -> bytes:
    header = header or HEADER
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for r in rows:
        sheet.append([r.get(h) for h in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def registry_counts() -> dict[str, int]:
    return {
        m.__name__: m.objects.count()
        for m in (Household, Person, Document, Phone, Consent, TimelineEntry)
    }


@override_settings(MEDIA_ROOT=MEDIA)
class ImportTestCase(RegistryTestCase):
    """Messages are asserted in English, the msgids, so translations can change freely."""

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    def setUp(self) -> None:
        super().setUp()
        self.enterContext(translation.override("en"))

    def stage(
        self, content: bytes, *, user: Any = None, name: str = "hogares.csv", language: str = "en"
    ) -> ImportBatch:
        """Stage and check a file; messages in English (the msgids) for stable assertions."""
        batch = imports.batch_create(
            user=user or self.alice,
            organization=self.iom,
            country=self.co,
            file_name=name,
            chunks=[content],
        )
        return imports.batch_validate(batch, language=language)

    def errors(self, batch: ImportBatch) -> dict[int, list[tuple[str, str]]]:
        return {
            row.row_number: [(e["column"], e["message"]) for e in row.errors]
            for row in ImportRow.objects.filter(batch=batch)
            if row.errors
        }

    def merge(self, batch: ImportBatch, *, include_duplicates: bool = False) -> ImportBatch:
        imports.batch_approve(user=self.carla, batch=batch, include_duplicates=include_duplicates)
        return imports.batch_merge(batch, user=self.carla)
