"""DTM files headed in Spanish or Portuguese are read; a consent column we do not know or a
typo of one of ours stops the check; errors name the column as the file does."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

from django.urls import reverse

from caminantes.dtm.imports import columns, import_commit, import_create
from caminantes.dtm.models import DtmImport, FlowCount, SurveySubmission
from caminantes.dtm.tests.base import DtmTestCase, sheet

# our column -> the header of a partner's Spanish tally sheet
SPANISH_FLOW = {
    "uuid": "uuid", "point": "Punto de monitoreo", "date": "Fecha",
    "shift_start": "Inicio del turno", "shift_end": "Fin del turno", "direction": "Sentido",
    "flow_type": "Tipo de flujo", "individuals": "Personas",
    "groups": "Grupos", "unaccompanied_children": "NNA no acompañados",
    "female_0_5": "Mujeres 0-5", "female_6_17": "Mujeres 6-17", "female_18_59": "Mujeres 18-59",
    "male_6_17": "Hombres 6-17", "male_18_59": "Hombres 18-59", "male_60_plus": "Hombres 60+",
    "nationality_VE": "nacionalidad_VE", "nationality_CO": "nacionalidad_CO",
    "transport_on_foot": "transporte_on_foot", "transport_bus": "transporte_bus",
    "destination_CO": "destino_CO", "destination_PE": "destino_PE",
}  # fmt: skip
PORTUGUESE_SURVEY = {
    "uuid": "uuid", "point": "Ponto de monitoramento", "date": "Data",
    "consent": "Consentimento", "nationality": "Nacionalidade", "sex": "Sexo", "age": "Idade",
    "origin_country": "País de origem", "group_size": "Tamanho do grupo",
    "children_in_group": "Crianças no grupo", "destination_country": "País de destino",
}  # fmt: skip


def table(columns: dict[str, str], rows: list[dict[str, Any]], extra: str = "") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*columns.values(), *([extra] if extra else [])])
    for r in rows:
        writer.writerow([*(r.get(c, "") for c in columns), *(["sí"] if extra else [])])
    return out.getvalue().encode()


class DtmImportLanguageTest(DtmTestCase):
    def upload(self, content: bytes, kind: str, name: str = "planilla.csv") -> DtmImport:
        return import_create(user=self.eve, operation=self.operation, country=self.co,
                             kind=kind, file_name=name, chunks=[content])  # fmt: skip

    def test_it_reads_a_tally_sheet_headed_in_spanish(self) -> None:
        rows = [
            sheet(point="simon-bolivar", female_0_5=0, female_6_17=2, flow_type=word)
            for word in ("Pendular", "Tránsito", "Vocación de permanencia", "Retorno")
        ]
        batch = self.upload(table(SPANISH_FLOW, rows), "flow_counts")
        self.assertEqual(batch.status, "validated", batch.file_errors)
        self.assertEqual(batch.columns_ignored, [])
        import_commit(user=self.eve, batch=batch)
        self.assertEqual(
            sorted(FlowCount.objects.values_list("flow_type", flat=True)),
            ["pendular", "return", "stay", "transit"],
        )

    def test_it_reads_a_survey_headed_in_portuguese(self) -> None:
        row = {"uuid": str(uuid.uuid4()), "point": "simon-bolivar", "date": "2025-03-10",
               "consent": "sim", "nationality": "VEN", "sex": "female", "age": "34",
               "origin_country": "VE", "group_size": "3", "children_in_group": "1",
               "destination_country": "PE"}  # fmt: skip
        batch = self.upload(table(PORTUGUESE_SURVEY, [row]), "survey")
        self.assertEqual(batch.status, "validated", [r.errors for r in batch.rows.all()])
        import_commit(user=self.eve, batch=batch)
        self.assertEqual(SurveySubmission.objects.get().age, 34)

    def test_it_stops_a_survey_at_a_consent_column_it_does_not_know(self) -> None:
        columns = {k: v for k, v in PORTUGUESE_SURVEY.items() if k != "consent"}
        row = {"uuid": str(uuid.uuid4()), "point": "simon-bolivar"}
        batch = self.upload(table(columns, [row], extra="Consentimiento verbal dado"), "survey")
        self.assertEqual(batch.status, "rejected")
        self.assertIn("“Consentimiento verbal dado” looks like a consent", batch.file_errors[0])
        self.assertEqual(batch.rows.count(), 0)

    def test_it_stops_at_a_typo_of_one_of_its_columns(self) -> None:
        columns = dict(SPANISH_FLOW, individuals="Persnoas")
        batch = self.upload(table(columns, [sheet(point="simon-bolivar")]), "flow_counts")
        self.assertEqual(batch.status, "rejected")
        self.assertIn("“Persnoas”", batch.file_errors[0])
        self.assertIn("individuals", batch.file_errors[0])

    def test_it_names_the_column_as_the_file_does_in_its_errors(self) -> None:
        rows = [sheet(point="no-such-point")]
        batch = self.upload(table(SPANISH_FLOW, rows), "flow_counts")
        self.assertEqual(batch.status, "rejected")
        error = batch.rows.get().errors[0]
        self.assertEqual((error["column"], error["header"]), ("point", "Punto de monitoreo"))
        self.login(self.eve)
        page = self.client.get(reverse("dtm_import", args=[batch.uuid]))
        self.assertContains(page, "<strong>Punto de monitoreo</strong>", html=False)
        self.assertContains(page, 'data-label="')

    def test_it_lists_the_spanish_and_portuguese_names_of_each_column(self) -> None:
        self.login(self.eve)
        page = self.client.get(reverse("dtm_imports"))
        self.assertContains(page, "point (Punto de monitoreo, Ponto de monitoramento)")
        self.assertContains(page, "nationality_… (nacionalidad_…, nacionalidade_…)")

    def test_it_reads_no_name_as_two_columns(self) -> None:
        from caminantes.dtm.imports.headers import ALIASES
        from caminantes.lib.headers import header_key

        for kind, (fields, _prefixes) in columns.COLUMNS.items():
            seen: dict[str, str] = {}
            for name in fields:
                for alias in (name, *ALIASES.get(name, ())):
                    with self.subTest(kind=kind, alias=alias):
                        self.assertEqual(seen.setdefault(header_key(alias), name), name)
