from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from caminantes.accounts import policies
from caminantes.audit.models import AuditEvent
from caminantes.coordination.fivew import selectors, services
from caminantes.coordination.fivew.engine import fields as F
from caminantes.coordination.fivew.models import Activity, Report, Status
from caminantes.coordination.fivew.tests.base import MONTH, FivewTestCase, row


class RowsTest(FivewTestCase):
    def test_it_stores_a_valid_row_in_the_months_draft(self) -> None:
        report = self.add()
        self.assertEqual(report.status, Status.DRAFT)
        self.assertEqual(report.month, MONTH)
        a = report.activities.get()
        self.assertEqual(
            (a.admin1.name, a.indicator.code, a.new_beneficiaries),
            ("Norte de Santander", "HEA-02", 6),
        )

    def test_it_refuses_the_whole_batch_when_one_row_breaks_a_rule(self) -> None:
        with self.assertRaises(services.RowsInvalid) as caught:
            services.activities_add(
                actor=self.charlie,
                organization=self.ffs,
                rows=[
                    row(),
                    row(**{F.ACTIVITY_NAME: "Otra", F.POP_IN_DESTINATION: 9}),
                ],
            )
        self.assertEqual(list(caught.exception.problems), [2])
        self.assertTrue(caught.exception.problems[2])
        self.assertFalse(Activity.objects.exists())

    def test_it_checks_the_quality_rules_in_the_users_language(self) -> None:
        cases: dict[str, dict[str, Any]] = {
            "cva": {F.CVA: True, F.VALUE_USD: None, F.DELIVERY_MECHANISM: ""},
            "new_over_total": {
                F.NEW_BENEFICIARIES: 11,
                F.POP_IN_DESTINATION: 9,
                F.WOMEN_OVER18: 8,
            },
            "adults": {
                F.SECTOR: "Protection",
                F.SUBSECTOR: "Child Protection",
                F.INDICATOR: "PRO-05",
            },
            "unknown_admin1": {F.ADMIN1: "Atlántida"},
        }
        for name, changes in cases.items():
            with self.subTest(name), self.assertRaises(services.RowsInvalid) as caught:
                services.activities_add(
                    actor=self.charlie, organization=self.ffs, rows=[row(**changes)], language="pt"
                )
            self.assertTrue(caught.exception.problems[1])
        with self.assertRaises(services.RowsInvalid) as caught:
            services.activities_add(
                actor=self.charlie,
                organization=self.ffs,
                rows=[row(**{F.ADMIN1: "Atlántida"})],
                language="es",
            )
        self.assertIn("Atlántida", " ".join(caught.exception.problems[1]))

    def test_it_refuses_a_future_month_and_another_organisations_name(self) -> None:
        with self.assertRaises(services.RowsInvalid):
            services.activities_add(
                actor=self.charlie, organization=self.ffs, rows=[row(**{F.MONTH: "2099-01"})]
            )
        with self.assertRaises(services.RowsInvalid):
            services.activities_add(
                actor=self.charlie, organization=self.ffs, rows=[row(**{F.APPEALING_ORG: "IOM"})]
            )
        with self.assertRaises(ValidationError):
            services.activities_add(actor=self.charlie, organization=self.ffs, rows=[])

    def test_a_member_without_5w_permission_cannot_report(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.report_open(
                actor=self.alice, organization=self.iom, country=self.co, month=MONTH
            )


class WorkflowTest(FivewTestCase):
    def test_it_goes_draft_submitted_returned_submitted_validated(self) -> None:
        report = self.add()
        with self.assertRaises(PermissionDenied):
            services.report_transition(actor=self.charlie, report=report, action="validate")
        report = services.report_transition(actor=self.charlie, report=report, action="submit")
        self.assertEqual(report.status, Status.SUBMITTED)
        # read-only for the partner once submitted
        with self.assertRaises(ValidationError):
            self.add()
        with self.assertRaises(ValidationError):
            services.report_transition(actor=self.ines, report=report, action="return")
        report = services.report_transition(
            actor=self.ines, report=report, action="return", comment="Revise los desgloses"
        )
        self.assertEqual((report.status, report.comment), (Status.RETURNED, "Revise los desgloses"))
        self.add(activity_name="Corrección")  # editable again
        report = services.report_transition(actor=self.charlie, report=report, action="submit")
        report = services.report_transition(actor=self.ines, report=report, action="validate")
        self.assertEqual(report.status, Status.VALIDATED)
        self.assertEqual(
            list(report.events.values_list("action", flat=True)),
            ["submit", "return", "submit", "validate"],
        )
        transitions = AuditEvent.objects.filter(context__transition__isnull=False).count()
        self.assertEqual(transitions, 4)

    def test_an_empty_report_cannot_be_submitted(self) -> None:
        report = services.report_open(
            actor=self.charlie, organization=self.ffs, country=self.co, month=MONTH
        )
        with self.assertRaises(ValidationError):
            services.report_transition(actor=self.charlie, report=report, action="submit")

    def test_a_row_drafted_wrong_blocks_the_submission_with_the_rules_messages(self) -> None:
        report = self.add()
        Activity.objects.filter(report=report).update(new_beneficiaries=12)
        with self.assertRaises(services.RowsInvalid) as caught:
            services.report_transition(actor=self.charlie, report=report, action="submit")
        self.assertIn(1, caught.exception.problems)


class ScopeTest(FivewTestCase):
    def test_a_partner_cannot_see_another_organisations_draft(self) -> None:
        iom_report = self.add(user=self.carla, org=self.iom)
        ffs_report = self.add()
        self.assertEqual(list(selectors.reports(user=self.charlie)), [ffs_report])
        with self.assertRaises(Http404):
            selectors.get_report(user=self.charlie, uuid=iom_report.uuid)
        self.assertFalse(
            policies.visible(self.charlie, Activity).filter(report=iom_report).exists()
        )
        # the IMO sees FFS's report only once submitted
        self.assertNotIn(ffs_report, selectors.reports(user=self.ines))
        services.report_transition(actor=self.charlie, report=ffs_report, action="submit")
        self.assertIn(ffs_report, selectors.reports(user=self.ines))
        # nobody else: the platform admin, a registrar
        self.assertFalse(selectors.reports(user=self.admin).exists())
        self.assertFalse(selectors.reports(user=self.alice).exists())
        self.assertEqual(Report.objects.count(), 2)
