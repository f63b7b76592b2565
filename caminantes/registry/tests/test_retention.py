from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from django.core.management import call_command
from django.utils import timezone, translation

from caminantes.audit.models import AuditEvent
from caminantes.registry import rights, services
from caminantes.registry.inputs import HouseholdInput
from caminantes.registry.models import Household, Person, RetentionPolicy
from caminantes.registry.tests.base import RegistryTestCase, focal

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


class RetentionTest(RegistryTestCase):
    lima_recent: Household
    lima_old: Household

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        RetentionPolicy.objects.create(country=cls.co, months_inactive=12)

        def peru(name: str) -> Household:
            result = services.household_register(
                user=cls.pablo,
                organization=cls.iom,
                country=cls.pe,
                household=HouseholdInput(population_type="in_transit", address="Av. Lima 1"),
                members=[focal(given_names=name, first_surname="Quispe")],
                confirmed_new=True,
            )
            assert result.household is not None
            return result.household

        cls.lima_recent = peru("Rosa")  # no policy for Peru: 36 months
        cls.lima_old = peru("Carmen")

    def setUp(self) -> None:
        def inactive(household: Household, days: int) -> None:
            Household.objects.filter(pk=household.pk).update(
                last_activity_at=NOW - timedelta(days=days)
            )

        inactive(self.family, 400)  # Colombia: more than 12 months
        inactive(self.ffs_family, 300)  # Colombia: less than 12 months
        inactive(self.lima_recent, 30 * 30)  # Peru: 30 months, less than 36
        inactive(self.lima_old, 40 * 31)  # Peru: more than 36 months

    def test_it_counts_without_changing_anything_on_a_dry_run(self) -> None:
        result = rights.retention_apply(now=NOW, dry_run=True)
        lines = {line.country: (line.months, line.households, line.people) for line in result.lines}
        self.assertEqual(lines, {"CO": (12, 1, 2), "PE": (36, 1, 1)})
        self.assertFalse(Household.objects.exclude(anonymised_at=None).exists())
        self.assertFalse(AuditEvent.objects.filter(context__reason="retention").exists())

    def test_it_anonymises_households_inactive_longer_than_their_countrys_period(self) -> None:
        result = rights.retention_apply(now=NOW)
        self.assertEqual((result.households, result.people), (2, 3))
        anonymised = set(Household.objects.exclude(anonymised_at=None).values_list("pk", flat=True))
        self.assertEqual(anonymised, {self.family.pk, self.lima_old.pk})
        for household in Household.objects.filter(pk__in=anonymised):
            self.assertEqual((household.address, household.status), ("", "closed"))
            self.assertEqual(household.anonymised_at, NOW)
        people = Person.objects.filter(household__in=anonymised)
        self.assertEqual(set(people.values_list("given_names", flat=True)), {""})
        self.assertEqual(set(people.values_list("sex", flat=True)), {"F", "M"})
        kept = Person.objects.get(household=self.lima_recent)
        self.assertEqual(kept.given_names, "Rosa")
        audited = AuditEvent.objects.filter(action="delete", context__reason="retention")
        self.assertEqual(audited.exclude(object_uuid=None).count(), 2)
        summary = audited.get(object_uuid=None)
        self.assertEqual((summary.context["households"], summary.context["people"]), (2, 3))

    def test_it_does_nothing_the_second_time(self) -> None:
        rights.retention_apply(now=NOW)
        again = rights.retention_apply(now=NOW)
        self.assertEqual((again.households, again.people), (0, 0))

    def test_it_uses_the_default_period_where_a_country_has_no_policy(self) -> None:
        RetentionPolicy.objects.all().delete()
        result = rights.retention_apply(now=NOW, dry_run=True)
        self.assertEqual([(line.country, line.households) for line in result.lines], [("PE", 1)])

    def test_it_counts_months_on_the_calendar(self) -> None:
        self.assertEqual(
            rights.months_before(datetime(2024, 3, 31, tzinfo=UTC), 1),
            datetime(2024, 2, 29, tzinfo=UTC),
        )
        self.assertEqual(
            rights.months_before(datetime(2026, 1, 15, tzinfo=UTC), 36),
            datetime(2023, 1, 15, tzinfo=UTC),
        )

    @translation.override("en")
    def test_it_runs_from_the_command_line(self) -> None:
        Household.objects.update(last_activity_at=timezone.now())
        Household.objects.filter(pk=self.family.pk).update(
            last_activity_at=timezone.now() - timedelta(days=800)
        )
        out = io.StringIO()
        call_command("retention", "apply", "--dry-run", stdout=out)
        self.assertIn("CO: 1", out.getvalue())
        self.assertIsNone(Household.objects.get(pk=self.family.pk).anonymised_at)
        out = io.StringIO()
        call_command("retention", "apply", stdout=out)
        self.assertIn("CO: 1", out.getvalue())
        self.assertIsNotNone(Household.objects.get(pk=self.family.pk).anonymised_at)
