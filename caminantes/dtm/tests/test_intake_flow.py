from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied, ValidationError

from caminantes.audit.models import AuditEvent
from caminantes.dtm import rollup
from caminantes.dtm.intake import Conflict, submit_flow_count
from caminantes.dtm.models import FlowCount, FlowDaily, FlowDailyBreakdown
from caminantes.dtm.tests.base import DAY, DtmTestCase, sheet


def errors_of(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict


class FlowIntakeTest(DtmTestCase):
    def test_it_stores_a_sheet_and_its_breakdowns_and_rolls_up(self) -> None:
        result = submit_flow_count(sheet(point=self.point.code), source="tally", user=self.eve)
        self.assertTrue(result.created)
        count = result.obj
        self.assertEqual(count.individuals, 10)
        self.assertEqual(count.children, 3)
        self.assertEqual(count.organization, self.iom)
        nat = dict(
            count.breakdowns.filter(dimension="nationality").values_list("code", "individuals")
        )
        self.assertEqual(nat, {"VE": 8, "CO": 2})
        daily = FlowDaily.objects.get(point=self.point, day=DAY, direction="incoming")
        self.assertEqual((daily.individuals, daily.sheets, daily.groups), (10, 1, 3))
        self.assertEqual(
            FlowDailyBreakdown.objects.get(point=self.point, day=DAY, dimension="transport",
                                           code="bus").individuals, 4)  # fmt: skip
        self.assertTrue(AuditEvent.objects.filter(action="create", object_uuid=count.uuid).exists())

    def test_it_sums_two_shifts_in_the_rollup(self) -> None:
        submit_flow_count(sheet(point=self.point.code), user=self.eve)
        submit_flow_count(sheet(point=self.point.code, shift_start="13:00", shift_end="17:00"),
                          user=self.eve)  # fmt: skip
        daily = FlowDaily.objects.get(point=self.point, day=DAY, direction="incoming")
        self.assertEqual((daily.individuals, daily.sheets), (20, 2))
        ve = FlowDailyBreakdown.objects.get(point=self.point, day=DAY, code="VE")
        self.assertEqual(ve.individuals, 16)

    def test_it_ignores_a_resend_of_the_same_submission(self) -> None:
        data = sheet(point=self.point.code)
        first = submit_flow_count(data, user=self.eve)
        again = submit_flow_count(dict(data), user=self.eve)
        self.assertFalse(again.created)
        self.assertEqual(again.obj.pk, first.obj.pk)
        self.assertEqual(FlowCount.objects.count(), 1)
        self.assertEqual(FlowDaily.objects.get(point=self.point).individuals, 10)

    def test_it_refuses_the_same_id_with_other_figures(self) -> None:
        data = sheet(point=self.point.code)
        submit_flow_count(data, user=self.eve)
        changed = sheet(point=self.point.code, uuid=data["uuid"], groups=4)
        with self.assertRaises(Conflict):
            submit_flow_count(changed, user=self.eve)

    def test_it_accepts_odk_instance_ids(self) -> None:
        key = uuid.uuid4()
        result = submit_flow_count(sheet(point=self.point.code, uuid=f"uuid:{key}"), user=self.eve)
        self.assertEqual(result.obj.uuid, key)

    def test_it_explains_a_shift_that_ends_before_it_starts(self) -> None:
        with self.assertRaises(ValidationError) as cm:
            submit_flow_count(sheet(point=self.point.code, shift_start="12:00", shift_end="08:00"),
                              user=self.eve)  # fmt: skip
        self.assertIn("The shift must end after it starts.", errors_of(cm.exception)["shift_end"])
        self.assertEqual(FlowCount.objects.count(), 0)

    def test_it_refuses_negative_numbers(self) -> None:
        with self.assertRaises(ValidationError) as cm:
            submit_flow_count(sheet(point=self.point.code, groups="-2"), user=self.eve)
        self.assertIn("Cannot be negative.", errors_of(cm.exception)["groups"])

    def test_it_refuses_breakdowns_that_do_not_add_up(self) -> None:
        bad = sheet(point=self.point.code, nationality_VE=7, female_18_59=4)
        with self.assertRaises(ValidationError) as cm:
            submit_flow_count(bad, user=self.eve)
        errors = errors_of(cm.exception)
        self.assertIn("The sex and age groups add up to 11, but the total is 10.",
                      errors["individuals"])  # fmt: skip
        self.assertIn("Nationality adds up to 9, but the total is 10.", errors["nationality"])

    def test_it_refuses_more_unaccompanied_than_children(self) -> None:
        with self.assertRaises(ValidationError) as cm:
            submit_flow_count(sheet(point=self.point.code, unaccompanied_children=4), user=self.eve)
        self.assertIn("unaccompanied_children", errors_of(cm.exception))

    def test_it_speaks_the_users_language(self) -> None:
        from django.utils import translation

        with translation.override("es"), self.assertRaises(ValidationError) as cm:
            submit_flow_count(sheet(point=self.point.code, shift_end="07:00"), user=self.eve)
        self.assertIn("El turno debe terminar después de empezar.",
                      errors_of(cm.exception)["shift_end"])  # fmt: skip

    def test_it_does_not_let_another_organisation_count_at_a_point(self) -> None:
        with self.assertRaises(ValidationError) as cm:
            submit_flow_count(sheet(point=str(self.ffs_point.uuid)), user=self.eve)
        self.assertIn("point", errors_of(cm.exception))
        with self.assertRaises(PermissionDenied):
            submit_flow_count(sheet(point=self.ffs_point), user=self.eve)

    def test_it_refuses_a_registration_officer(self) -> None:
        with self.assertRaises(PermissionDenied):
            submit_flow_count(sheet(point=self.point), user=self.alice)

    def test_it_rebuilds_the_rollup_to_the_same_figures(self) -> None:
        submit_flow_count(sheet(point=self.point.code), user=self.eve)
        submit_flow_count(sheet(point=self.point.code, direction="outgoing"), user=self.eve)
        before = sorted(FlowDaily.objects.values_list("direction", "individuals", "female_0_5"))
        parts = FlowDailyBreakdown.objects.count()
        rollup.rebuild()
        after = sorted(FlowDaily.objects.values_list("direction", "individuals", "female_0_5"))
        self.assertEqual(before, after)
        self.assertEqual(FlowDailyBreakdown.objects.count(), parts)
