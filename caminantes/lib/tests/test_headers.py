from __future__ import annotations

from django.test import SimpleTestCase

from caminantes.lib import headers


class HeaderKeyTest(SimpleTestCase):
    def test_it_gives_one_key_however_the_header_is_typed(self) -> None:
        for typed in ("Fecha de nacimiento", "FECHA_NACIMIENTO", "fecha de nacimiento (dd/mm/aaaa)",
                      "Fecha-de-Nacimiento", "  fecha  de   nacimiento "):  # fmt: skip
            with self.subTest(typed):
                self.assertEqual(headers.header_key(typed), "fecha_nacimiento")

    def test_it_reads_the_ways_of_writing_number(self) -> None:
        for typed in ("Número de documento", "N° de documento", "Nº documento", "Nro. documento",
                      "No. de documento", "N.º de documento"):  # fmt: skip
            with self.subTest(typed):
                self.assertEqual(headers.header_key(typed), "numero_documento")
        self.assertEqual(headers.header_key("Data de chegada no Brasil"), "data_chegada_brasil")

    def test_it_keeps_a_bracket_that_names_another_unit(self) -> None:
        self.assertEqual(headers.header_key("Edad (años)"), "edad")
        self.assertEqual(headers.header_key("Edad (meses)"), "edad_meses")
        self.assertEqual(headers.header_key("Hombres 60+"), headers.header_key("hombres_60_plus"))

    def test_it_strips_group_prefixes_after_trying_the_whole_header(self) -> None:
        self.assertEqual(
            headers.prefixed_parts("group_members/Nombres"), ["group_members_nombres", "nombres"]
        )

    def test_it_knows_the_columns_collection_tools_add(self) -> None:
        for system in ("_uuid", "_submission_time", "meta/instanceID", "KEY", "SubmitterName",
                       "formhub/uuid", "deviceid", "start"):  # fmt: skip
            with self.subTest(system):
                self.assertTrue(headers.is_system_column(system))
        self.assertFalse(headers.is_system_column("Nombres"))

    def test_it_sees_consent_in_any_of_our_languages(self) -> None:
        for header in ("Consentimiento RCF", "consentimento_imagem", "Consent given",
                       "Acepta contacto", "aceita_mensagens", "Autoriza datos"):  # fmt: skip
            with self.subTest(header):
                self.assertTrue(headers.looks_like_consent(header))
        self.assertFalse(headers.looks_like_consent("Observaciones"))

    def test_it_guesses_typos_but_not_numbered_or_longer_columns(self) -> None:
        known = ["fecha_nacimiento", "nacionalidad", "telefono", "employment_before"]
        self.assertEqual(headers.near_miss("fecha_nacimeinto", known), "fecha_nacimiento")
        self.assertEqual(headers.near_miss("nacionalidda", known), "nacionalidad")
        self.assertEqual(headers.near_miss("telefno", known), "telefono")
        self.assertIsNone(headers.near_miss("telefono_2", known))
        self.assertIsNone(headers.near_miss("employment_before_other", known))
        self.assertIsNone(headers.near_miss("sexo", ["sex"]))
