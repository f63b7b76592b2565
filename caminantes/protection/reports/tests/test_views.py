"""The aggregate report as its readers and everyone else meet it: page, files and API."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from caminantes.accounts.models import Membership, User
from caminantes.accounts.permissions import Role
from caminantes.audit import actions
from caminantes.audit.models import AuditEvent
from caminantes.geo.models import AdminArea
from caminantes.protection import choices
from caminantes.protection.models import Assignment, CaseService, ProtectionCase
from caminantes.protection.models import new_survivor_code as code
from tests.personas import PASSWORD, PersonaTestCase

URL = "/protection/reports/"
API = "/api/v1/protection/reports/aggregate"


def es(choice: Any) -> str:
    """A coded value's label as the Spanish page shows it."""
    with translation.override("es"):
        return str(choice.label)


def april() -> date:
    """A day of last year's April: a whole year in the past, whatever the day."""
    return date(timezone.localdate().year - 1, 4, 10)


class ReportTest(PersonaTestCase):
    gina: User
    tom: User
    cases: list[ProtectionCase]
    cucuta: AdminArea

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()

        def officer(name: str, role: Role) -> User:
            user = User.objects.create_user(f"{name}@example.org", PASSWORD, full_name=name)
            Membership.objects.create(user=user, organization=cls.iom, role=role).countries.set(
                [cls.co]
            )
            return user

        cls.gina = officer("gina", Role.GBV_OFFICER)  # same organisation, assigned to nothing
        cls.tom = officer("tom", Role.ANTI_TRAFFICKING_OFFICER)
        cls.cucuta = AdminArea.objects.create(
            country=cls.co, parent=cls.nsa, level=2, pcode="CO54001", name_es="Cúcuta",
            name_pt="Cúcuta", name_en="Cúcuta",
        )  # fmt: skip
        now, before = april().isoformat(), date(april().year, 3, 10).isoformat()
        cls.cases = []
        plan = [("rape", now, True)] * 3 + [("physical_assault", now, True)] * 8
        plan += [("physical_assault", before, True)] * 9
        plan += [("psychological_abuse", before, True)] * 6
        plan += [("rape", now, False)] * 2  # no consent to be counted
        for incident_type, when, consent in plan:
            case = ProtectionCase(organization=cls.iom, country=cls.co, kind="gbv",
                                  survivor_code=code("gbv"))  # fmt: skip
            case.set_contents({
                "name": "Nombre Secreto", "sex": "F", "age_group": "18-25",
                "incident_type": incident_type, "incident_date": when,
                "incident_area": str(cls.cucuta.uuid), "consent_reporting": consent,
            })  # fmt: skip
            case.save()
            cls.cases.append(case)
        Assignment.objects.create(case=cls.cases[0], user=cls.bob, role="caseworker")
        service = CaseService(case=cls.cases[0])
        service.set_contents({"service": "health", "status": "received", "consent": True})
        service.save()
        tip = ProtectionCase(organization=cls.iom, country=cls.co, kind="trafficking",
                             survivor_code=code("trafficking"))  # fmt: skip
        tip.set_contents({"exploitation": ["labour", "begging"], "tip_status": "presumed",
                          "consent_reporting": True})  # fmt: skip
        tip.save()

    def query(self, **extra: str) -> dict[str, str]:
        return {"year": str(april().year), **extra}

    def tables(self, user: User) -> list[Any]:
        self.login(user)
        response = self.client.get(URL, self.query())
        self.assertEqual(response.status_code, 200)
        return response.context["report"].tables

    def cell(self, table: Any, row: str, column: str) -> str:
        columns = table.columns
        return next(cells for label, cells in table.rows if label == row)[columns.index(column)]

    def test_it_shows_a_cell_of_3_as_less_than_five_and_hides_its_complement(self) -> None:
        by_month = self.tables(self.bob)[0]
        this_month = by_month.columns[3]  # April
        self.assertEqual(len(by_month.columns), 13)  # twelve months and the total
        self.assertEqual(self.cell(by_month, es(choices.IncidentType.RAPE), this_month), "<5")
        # the smallest other count of the month (8 physical assaults) is hidden with it
        physical = es(choices.IncidentType.PHYSICAL_ASSAULT)
        self.assertEqual(self.cell(by_month, physical, this_month), "x")
        self.assertEqual(self.cell(by_month, "Total", "Total"), "26")  # 2 did not consent

    def test_an_unassigned_officer_of_the_organisation_sees_the_same_aggregate(self) -> None:
        self.assertEqual(self.tables(self.gina), self.tables(self.bob))

    def test_it_counts_only_consented_incidents_by_admin1(self) -> None:
        by_area = self.tables(self.gina)[1]
        self.assertEqual(self.cell(by_area, "Norte de Santander", "Total"), "26")
        self.assertEqual(self.cell(by_area, "No registrado", "Total"), "0")
        services = self.tables(self.gina)[3]
        self.assertEqual(self.cell(services, es(choices.ServiceType.HEALTH), "Total"), "<5")

    def test_an_incident_with_little_recorded_is_counted_as_not_recorded(self) -> None:
        case = ProtectionCase(organization=self.iom, country=self.co, kind="gbv",
                              survivor_code=code("gbv"))  # fmt: skip
        case.set_contents({"incident_date": april().isoformat(), "consent_reporting": True})
        case.save()
        by_month, by_area, by_age, _services = self.tables(self.gina)
        self.assertEqual(self.cell(by_month, "Total", "Total"), "27")
        self.assertEqual(self.cell(by_area, "No registrado", "Total"), "<5")
        self.assertEqual(self.cell(by_age, "No registrado", es(choices.Sex.UNKNOWN)), "<5")

    def test_the_page_names_no_case_and_is_not_cached(self) -> None:
        self.login(self.bob)
        response = self.client.get(URL, self.query())
        text = response.content.decode()
        for case in self.cases:
            self.assertNotIn(case.survivor_code, text)
        self.assertNotIn("Nombre Secreto", text)
        self.assertIn("no-store", response["Cache-Control"])
        self.assertIn("no solo los que tiene asignados", text)  # says why she sees them all
        self.assertIn("&lt;5", text)

    def test_others_are_refused(self) -> None:
        for user in (self.alice, self.admin, self.carla, self.audrey, self.charlie, self.pablo):
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.client.get(URL).status_code, 403)
                self.assertEqual(self.client.get(API, self.query()).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(URL).status_code, 302)

    def test_it_audits_each_showing_and_export_without_a_figure(self) -> None:
        self.login(self.gina)
        self.client.get(URL, self.query())
        self.client.get(URL, self.query(file_format="csv"))
        shown = AuditEvent.objects.filter(action=actions.PROTECTION_REPORT).get()
        self.assertEqual(shown.context["kind"], "gbv")
        self.assertEqual(shown.actor, self.gina)
        exported = AuditEvent.objects.filter(action=actions.PROTECTION_REPORT_EXPORT).get()
        self.assertEqual(exported.context["format"], "csv")
        self.assertFalse({"26", 26} & set(exported.context.values()))
        # like every protection event, off the general trail (kept in the chain)
        trail = self.login(self.audrey).get(reverse("audit_events"))
        self.assertEqual(trail.status_code, 200)
        self.assertNotContains(trail, "protection")
        self.assertNotContains(trail, "gina@example.org")

    def test_the_files_carry_the_same_suppressed_cells(self) -> None:
        self.login(self.bob)
        response = self.client.get(URL, self.query(file_format="csv"))
        self.assertIn("no-store", response["Cache-Control"])
        text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
        self.assertIn(es(choices.IncidentType.RAPE), text)
        self.assertIn("<5", text)
        response = self.client.get(URL, self.query(file_format="xlsx"))
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
        sheet = book["1"]
        rows = {r[0]: r[1:] for r in sheet.iter_rows(min_row=4, values_only=True)}
        self.assertEqual(rows[es(choices.IncidentType.RAPE)][3], "<5")  # April
        self.assertEqual(rows[es(choices.IncidentType.PHYSICAL_ASSAULT)][3], "x")
        self.assertEqual(rows["Total"][12], 26)

    def test_the_api_answers_the_same_tables(self) -> None:
        page = self.tables(self.bob)
        response = self.client.get(API, self.query(kind="gbv", country="co"))
        self.assertEqual(response.status_code, 200, response.content)
        self.assertIn("no-store", response["Cache-Control"])
        body = response.json()
        self.assertEqual(body["tables"][0]["rows"], [
            {"label": label, "cells": cells} for label, cells in page[0].rows
        ])  # fmt: skip
        self.assertEqual(body["legend"]["<5"].split()[0], "entre")
        wrong = self.client.get(API, self.query(kind="trafficking", country="CO"))
        self.assertEqual(wrong.status_code, 422)

    def test_a_trafficking_officer_counts_forms_of_exploitation(self) -> None:
        self.login(self.tom)
        response = self.client.get(URL)  # the running year: the case was opened today
        by_status = response.context["report"].tables[1]
        self.assertEqual(self.cell(by_status, es(choices.Exploitation.LABOUR), "Total"), "<5")
        self.assertEqual(len(response.context["report"].tables), 2)

    def test_a_wrong_year_or_country_is_a_form_error(self) -> None:
        self.login(self.bob)
        cases = [
            ({"year": str(timezone.localdate().year + 1)}, "opción válida"),
            ({"year": "1999"}, "opción válida"),
            ({"year": "dos mil"}, "opción válida"),
            ({"country": "PE"}, "opción válida"),  # bob works in Colombia only
        ]
        for query, words in cases:
            with self.subTest(query=query):
                response = self.client.get(URL, query)
                self.assertEqual(response.status_code, 200)
                self.assertIsNone(response.context.get("report"))
                self.assertContains(response, words)

    def test_the_url_name_resolves(self) -> None:
        self.assertEqual(reverse("protection_reports"), URL)
