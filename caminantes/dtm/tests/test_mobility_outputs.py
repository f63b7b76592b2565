"""Mobility tracking outputs (issue 16 §3): dashboard, map, exports; figures known by hand.

Andrés (DTM analyst, IOM, Colombia only) sees:
                           round 1   round 2
Norte de Santander (adm1)    1000      1200   (Cúcuta 600 → 900, Villa del Rosario 400 → 300)
La Guajira (adm1)             500         —   (not assessed in round 2)
Tumbes, Peru                    —      2000   (not his country)
Sites, round 2: Albergue A 120 people for 100 places (over capacity), Centro B 50/200;
Tumbes site 90/50 (Peru, hidden). Round 1: Albergue A 80.
Needs, round 2: food 5 (Cúcuta) and 4 (Villa): two severe areas, 1200 people; health 2 and 3.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import hxl
from django.test import SimpleTestCase
from django.urls import reverse
from openpyxl import load_workbook

from caminantes.accounts.models import Membership, User
from caminantes.accounts.permissions import Role
from caminantes.audit.models import AuditEvent
from caminantes.dtm.hxl import MOBILITY_SCHEMA
from caminantes.dtm.intake import submit_baseline, submit_site_assessment
from caminantes.dtm.mapping.svg import features_of
from caminantes.dtm.models import CollectiveSite, DtmApiFigure, Round
from caminantes.dtm.tests.base import DtmTestCase
from caminantes.dtm.tests.test_exports import csv_of
from caminantes.geo.models import AdminArea


def people(n: int, **extra: Any) -> dict[str, Any]:
    women = n // 2
    return {"female_18_59": women, "male_18_59": n - women - n // 10, "male_6_17": n // 10,
            **extra}  # fmt: skip


def hxl_errors(rows: list[list[str]]) -> list[str]:
    errors: list[str] = []
    schema = hxl.schema(
        hxl.data(str(MOBILITY_SCHEMA), hxl.InputOptions(allow_local=True)),
        callback=lambda e: errors.append(f"{e.message} {e.value}"),
    )
    valid = schema.validate(hxl.data(rows))
    return [] if valid else (errors or ["invalid"])


class MobilityWorld(DtmTestCase):
    round2: Round
    cucuta: AdminArea
    villa: AdminArea
    guajira: AdminArea
    tumbes: AdminArea

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.round2 = Round.objects.create(
            operation=cls.operation, number=2, starts_on=date(2025, 4, 1), ends_on=date(2025, 4, 30)
        )
        cls.cucuta = AdminArea.objects.create(country=cls.co, parent=cls.nsa, level=2,
                                              pcode="CO54001", name_es="Cúcuta",
                                              name_en="Cúcuta", name_pt="Cúcuta")  # fmt: skip
        cls.villa = AdminArea.objects.create(country=cls.co, parent=cls.nsa, level=2,
                                             pcode="CO54874", name_es="Villa del Rosario",
                                             name_en="Villa del Rosario",
                                             name_pt="Villa del Rosario")  # fmt: skip
        cls.guajira = AdminArea.objects.create(
            country=cls.co, level=1, pcode="CO44", iso_code="CO-LAG", name_es="La Guajira",
            name_en="La Guajira", name_pt="La Guajira",
        )  # fmt: skip
        cls.tumbes = AdminArea.objects.create(country=cls.pe, level=1, pcode="PE24",
                                              name_es="Tumbes", name_en="Tumbes",
                                              name_pt="Tumbes")  # fmt: skip
        op = cls.operation
        for rnd, area, n, needs in [
            (1, "CO54001", 600, {}), (1, "CO54874", 400, {}), (1, "CO44", 500, {}),
            (2, "CO54001", 900, {"need_food": 5, "need_health": 2}),
            (2, "CO54874", 300, {"need_food": 4, "need_health": 3}),
            (2, "PE24", 2000, {"need_food": 5}),
        ]:  # fmt: skip
            day = "2025-03-20" if rnd == 1 else "2025-04-20"
            submit_baseline({"round": rnd, "admin_area": area, "date": day, "households": n // 4,
                             **people(n), **needs}, operation=op)  # fmt: skip
        for code, name, country, site_area, lat in [
            ("albergue-a", "Albergue A", cls.co, cls.cucuta, "7.89"),
            ("centro-b", "Centro B", cls.co, cls.guajira, "11.5"),
            ("tumbes-site", "Tumbes site", cls.pe, cls.tumbes, "-3.56"),
        ]:
            CollectiveSite.objects.create(
                organization=cls.iom, country=country, admin_area=site_area, name=name,
                code=code, site_type="shelter", latitude=lat, longitude="-72.5",
            )  # fmt: skip
        for rnd, site, capacity, n in [
            (1, "albergue-a", 100, 80),
            (2, "albergue-a", 100, 120),
            (2, "centro-b", 200, 50),
            (2, "tumbes-site", 50, 90),
        ]:
            day = "2025-03-25" if rnd == 1 else "2025-04-25"
            submit_site_assessment({"round": rnd, "site": site, "date": day,
                                    "capacity": capacity, **people(n)}, operation=op)  # fmt: skip
        for day, idps in (("2025-01-31", 5000), ("2025-03-31", 6000)):
            DtmApiFigure.objects.create(
                admin_level=1, api_id=f"co-54-{day}", operation="Colombia IDPs",
                country=cls.co, admin0_name="Colombia", admin0_pcode="COL",
                admin1_name="Norte de Santander", admin1_pcode="CO54", idps=idps,
                reporting_date=date.fromisoformat(day), round_number=1 + (day > "2025-02"),
            )  # fmt: skip

    def url(self, name: str = "dtm_dashboard_mobility") -> str:
        return reverse(name, args=[self.operation.uuid])


class MobilityDashboardTest(MobilityWorld):
    def test_it_shows_people_by_area_and_the_change_between_rounds(self) -> None:
        self.login(self.andres)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        fig = response.context["fig"]
        rows = {a.area.name: (a.by_round, a.change, a.change_percent) for a in fig.areas}
        self.assertEqual(rows["Norte de Santander"], ({1: 1000, 2: 1200}, 200, 20.0))
        self.assertEqual(rows["La Guajira"], ({1: 500}, None, None))
        self.assertNotIn("Tumbes", rows)
        self.assertEqual(
            (fig.current_total, fig.compared_areas, fig.compared_change), (1200, 1, 200)
        )
        self.assertContains(response, "sin evaluar")  # La Guajira in round 2
        self.assertContains(response, "+20,0 %")

    def test_at_admin_2_the_municipalities_change_on_their_own(self) -> None:
        self.login(self.andres)
        fig = self.client.get(self.url() + "?level=2").context["fig"]
        rows = {a.area.name: (a.change, a.change_percent) for a in fig.areas}
        self.assertEqual(rows["Cúcuta"], (300, 50.0))
        self.assertEqual(rows["Villa del Rosario"], (-100, -25.0))

    def test_round_one_has_nothing_to_compare_with(self) -> None:
        self.login(self.andres)
        url = self.url() + f"?round={self.round1.uuid}"
        fig = self.client.get(url).context["fig"]
        self.assertIsNone(fig.previous_round)
        self.assertEqual(fig.current_total, 1500)

    def test_it_flags_sites_over_capacity(self) -> None:
        self.login(self.andres)
        response = self.client.get(self.url())
        sites = {s.assessment.site.name: (s.occupancy, s.over_capacity, s.previous)
                 for s in response.context["fig"].sites}  # fmt: skip
        self.assertEqual(sites, {"Albergue A": (120.0, True, 80), "Centro B": (25.0, False, None)})
        self.assertContains(response, "sobre la capacidad")
        self.assertEqual(response.context["fig"].sites_over_capacity, 1)

    def test_it_gives_needs_by_sector_with_severity(self) -> None:
        self.login(self.andres)
        fig = self.client.get(self.url()).context["fig"]
        sectors = {s.sector: (s.areas_by_severity, s.severe_areas, s.people_severe)
                   for s in fig.sectors}  # fmt: skip
        self.assertEqual(sectors["food"], ({1: 0, 2: 0, 3: 0, 4: 1, 5: 1}, 2, 1200))
        self.assertEqual(sectors["health"], ({1: 0, 2: 1, 3: 1, 4: 0, 5: 0}, 0, 0))

    def test_it_shows_the_dtm_api_figures_with_their_change(self) -> None:
        self.login(self.andres)
        fig = self.client.get(self.url()).context["fig"]
        self.assertEqual([(r.name, r.current, r.change) for r in fig.api_rows],
                         [("Norte de Santander", 6000, 1000)])  # fmt: skip

    def test_the_map_shades_areas_and_draws_sites_from_local_files(self) -> None:
        self.login(self.andres)
        response = self.client.get(self.url())
        svg = str(response.context["map"])
        self.assertIn('fill="#08519c" stroke="#fff" stroke-width="0.8"><title>Norte de Santander',
                      svg)  # the darkest shade: the area with most people  # fmt: skip
        self.assertIn('fill="#D55E00"', svg)  # Albergue A, over capacity
        self.assertIn("Centro B", svg)
        self.assertNotIn("http", svg.replace("http://www.w3.org/2000/svg", ""))
        self.assertNotIn("Tumbes site", svg)

    def test_it_hides_the_operation_from_another_organisation(self) -> None:
        fiona = User.objects.create_user("fiona@example.org", "x", full_name="Fiona")
        m = Membership.objects.create(user=fiona, organization=self.ffs, role=Role.DTM_ANALYST)
        m.countries.set([self.co])
        self.login(fiona)
        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_it_refuses_an_enumerator(self) -> None:
        self.login(self.eve)
        self.assertEqual(self.client.get(self.url()).status_code, 403)

    def test_a_round_that_does_not_exist_is_a_form_error_not_a_500(self) -> None:
        self.login(self.andres)
        response = self.client.get(self.url() + "?round=nope&level=9")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["fig"].filters.round, self.round2)


class MobilityExportTest(MobilityWorld):
    def export(self, table: str, file_format: str = "hxl") -> Any:
        self.login(self.andres)
        query = f"?table={table}&file_format={file_format}"
        return self.client.get(self.url("dtm_export_mobility") + query)

    def test_every_table_validates_against_the_shipped_hxl_schema(self) -> None:
        for table in ("areas", "needs", "sites"):
            rows = csv_of(self.export(table))
            self.assertEqual(rows[1][0], "#country+code", table)
            self.assertEqual(hxl_errors(rows), [], table)

    def test_the_areas_table_has_people_by_area_and_round(self) -> None:
        rows = csv_of(self.export("areas"))
        tags = rows[1]
        data = {(r[tags.index("#adm2+name")], r[tags.index("#date+round")]):
                r[tags.index("#affected+ind")] for r in rows[2:]}  # fmt: skip
        self.assertEqual(data, {("Cúcuta", "1"): "600", ("Cúcuta", "2"): "900",
                                ("Villa del Rosario", "1"): "400",
                                ("Villa del Rosario", "2"): "300", ("", "1"): "500"})  # fmt: skip
        self.assertEqual({r[0] for r in rows[2:]}, {"COL"})
        self.assertEqual({r[tags.index("#adm1+code")] for r in rows[2:]}, {"CO54", "CO44"})
        event = AuditEvent.objects.filter(action="export",
                                          object_type="dtm.baselineassessment").get()  # fmt: skip
        self.assertEqual(event.context["rows"], 5)

    def test_the_needs_and_sites_tables(self) -> None:
        needs = csv_of(self.export("needs"))
        tags = needs[1]
        severities = sorted((r[tags.index("#adm2+name")], r[tags.index("#sector+code")],
                             r[tags.index("#severity")]) for r in needs[2:])  # fmt: skip
        self.assertEqual(severities, [("Cúcuta", "food", "5"), ("Cúcuta", "health", "2"),
                                      ("Villa del Rosario", "food", "4"),
                                      ("Villa del Rosario", "health", "3")])  # fmt: skip
        sites = csv_of(self.export("sites", "csv"))
        self.assertEqual(len(sites), 4)  # header + A round 1, A round 2, B round 2
        over = [r for r in sites[1:] if r[-1] == "yes"]
        self.assertEqual([(r[4], r[-2]) for r in over], [("Albergue A", "120.0")])

    def test_it_exports_xlsx_with_notes(self) -> None:
        response = self.export("sites", "xlsx")
        book = load_workbook(__import__("io").BytesIO(b"".join(response.streaming_content)))
        self.assertEqual(book["sites"].max_row, 5)  # header, hashtags, three rows
        self.assertIn("notes", book.sheetnames)

    def test_the_schema_catches_a_broken_file(self) -> None:
        rows = [["Country", "Round", "Severity", "Occupancy"],
                ["#country+code", "#date+round", "#severity", "#indicator+occupancy+pct"],
                ["CO", "1", "7", "-5"]]  # fmt: skip
        self.assertTrue(hxl_errors(rows))

    def test_an_enumerator_may_not_export(self) -> None:
        self.login(self.eve)
        response = self.client.get(self.url("dtm_export_mobility") + "?table=areas")
        self.assertEqual(response.status_code, 403)


class BoundaryNamesTest(SimpleTestCase):
    def test_it_finds_the_shipped_boundary_of_an_area_however_its_name_is_spelt(self) -> None:
        self.assertEqual(features_of("CO", "Bogotá, D.C."), features_of("CO", "Bogota"))
        self.assertTrue(features_of("CO", "Distrito Capital de Bogotá"))
        self.assertTrue(features_of("co", "NORTE DE SANTANDER"))
        self.assertEqual(features_of("PE", "Norte de Santander"), [])
