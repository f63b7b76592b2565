"""`services.households_register`: many households at once, as imports and collect send them."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError

from caminantes.audit.models import AuditEvent
from caminantes.registry import services
from caminantes.registry.inputs import ConsentInput, HouseholdInput
from caminantes.registry.models import Consent, Household, Person
from caminantes.registry.tests.base import RegistryTestCase, child, focal


def newcomers(given: str, born: date) -> services.NewHousehold:
    return services.NewHousehold(
        HouseholdInput(population_type="in_transit", admin_area="CO-NSA"),
        [
            focal(given_names=given, first_surname="Quintero", second_surname="", birth_date=born),
            child(first_surname="Quintero", birth_date=date(2019, 1, 9)),
        ],
    )


class HouseholdsRegisterTest(RegistryTestCase):
    def register_all(self, *households: services.NewHousehold) -> list[services.Registration]:
        return services.households_register(
            user=self.alice, organization=self.iom, country=self.co, households=list(households)
        )

    def test_it_registers_several_households_in_order_with_their_audit_and_timeline(
        self,
    ) -> None:
        first, second = self.register_all(
            newcomers("Yoselin", date(1993, 4, 2)), newcomers("Wilmer", date(1988, 11, 30))
        )
        assert first.household is not None and second.household is not None
        self.assertEqual(first.household.focal_point.given_names, "Yoselin")  # type: ignore[union-attr]
        self.assertEqual(second.household.focal_point.given_names, "Wilmer")  # type: ignore[union-attr]
        for registration in (first, second):
            household = registration.household
            assert household is not None
            self.assertEqual(household.members.count(), 2)
            self.assertEqual(household.timeline.get().actor, self.alice)
            uuids = [household.uuid, *household.members.values_list("uuid", flat=True)]
            self.assertEqual(AuditEvent.objects.filter(object_uuid__in=uuids).count(), 3)

    def test_it_holds_back_only_the_household_with_a_possible_duplicate(self) -> None:
        known = services.NewHousehold(HouseholdInput(), [focal(given_names="Maria Jose")])
        held, written = self.register_all(known, newcomers("Yoselin", date(1993, 4, 2)))
        self.assertTrue(held.needs_review)
        self.assertEqual(held.candidates[0][0].person_id, self.family.focal_point_id)
        self.assertIsNotNone(written.household)

    def test_it_writes_nothing_when_one_household_is_wrong_and_says_which(self) -> None:
        before = Household.objects.count()
        wrong = services.NewHousehold(HouseholdInput(admin_area="PE-LIM"), [focal()])
        with self.assertRaises(ValidationError) as caught:
            self.register_all(newcomers("Yoselin", date(1993, 4, 2)), wrong)
        self.assertIn("households-1-admin_area", caught.exception.message_dict)
        self.assertEqual(Household.objects.count(), before)

    def test_it_records_sharing_with_a_named_partner_and_refuses_an_unknown_one(self) -> None:
        sharing = ConsentInput(purposes=["registration", "sharing"], share_with=["FFS"])
        new = newcomers("Yoselin", date(1993, 4, 2))
        new.members[0].consent = sharing
        (registration,) = self.register_all(new)
        person = Person.objects.get(household=registration.household, given_names="Yoselin")
        shared = Consent.objects.get(person=person, purpose="sharing")
        self.assertEqual(shared.recipient.acronym, "FFS")  # type: ignore[union-attr]
        unknown = newcomers("Wilmer", date(1988, 11, 30))
        unknown.members[0].consent = ConsentInput(
            purposes=["registration", "sharing"], share_with=["NOBODY"]
        )
        with self.assertRaises(ValidationError) as caught:
            self.register_all(unknown)
        self.assertIn("members-0-consent", caught.exception.message_dict)

    def test_it_refuses_someone_who_may_not_register_there(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.households_register(
                user=self.alice,
                organization=self.ffs,
                country=self.co,
                households=[newcomers("Yoselin", date(1993, 4, 2))],
            )

    def test_it_refuses_a_stale_edit_even_when_it_would_change_nothing(self) -> None:
        person = self.focal_person()
        with self.assertRaises(services.VersionConflict):
            services.person_update(
                user=self.alice,
                person=person,
                version=person.version + 1,
                changes={"given_names": person.given_names},
                reason="checked",
            )
