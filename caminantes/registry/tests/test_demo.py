from __future__ import annotations

from django.test import TestCase

from caminantes.accounts import demo as accounts_demo
from caminantes.accounts import policies
from caminantes.accounts.models import User
from caminantes.accounts.permissions import Perm
from caminantes.audit.models import AuditEvent
from caminantes.geo.services import places_load
from caminantes.lib import names
from caminantes.registry import demo, duplicates, selectors
from caminantes.registry.models import (
    Consent,
    Document,
    Household,
    Person,
    Phone,
    TimelineEntry,
)

SMALL = 60  # households: enough to reach every country, fast enough for every run


def quiet(_: str) -> None:
    pass


class DemoTest(TestCase):
    said: list[str]

    @classmethod
    def setUpTestData(cls) -> None:
        places_load(towns_min_population=10**9)  # countries and areas; no towns needed
        accounts_demo.load(quiet, password="x" * 12)
        cls.said = []
        demo.load(cls.said.append, password="x" * 12, households=SMALL)

    def demo_households(self) -> list[Household]:
        return list(
            Household.objects.filter(registered_by__is_demo=True).select_related(
                "country", "organization", "registered_by", "admin_area"
            )
        )

    def test_it_registers_the_households_asked_for_in_the_four_countries(self) -> None:
        households = self.demo_households()
        self.assertEqual(len(households), SMALL)
        self.assertEqual({h.country.iso2 for h in households}, {"CO", "PE", "EC", "BR"})
        people = Person.objects.filter(household__in=households).count()
        self.assertGreater(people, 2.4 * SMALL)
        self.assertLess(people, 3.6 * SMALL)
        self.assertIn(f"Registry: {SMALL} demo households", self.said[-1])

    def test_it_uses_the_demo_organisations_where_they_work(self) -> None:
        where = {(h.organization.acronym, h.country.iso2) for h in self.demo_households()}
        for org, iso in where:
            self.assertIn(iso, {"CO", "PE", "EC", "BR"})
            if org == "FFS":
                self.assertEqual(iso, "CO")
            if org == "AMA":
                self.assertEqual(iso, "PE")
        self.assertTrue({"IOM", "UNHCR"} <= {org for org, _ in where})

    def test_it_registers_each_family_as_a_registration_officer_allowed_to(self) -> None:
        for h in self.demo_households():
            assert h.registered_by is not None and h.admin_area is not None
            self.assertTrue(
                policies.has_perm(
                    h.registered_by,
                    Perm.REGISTER_HOUSEHOLDS,
                    organization_id=h.organization_id,
                    country_id=h.country_id,
                )
            )
            self.assertEqual(h.admin_area.country_id, h.country_id)

    def test_it_leaves_about_four_in_ten_people_without_any_document(self) -> None:
        people = Person.objects.filter(household__registered_by__is_demo=True)
        without = people.filter(documents__isnull=True).distinct().count()
        self.assertAlmostEqual(without / people.count(), demo.NO_DOCUMENT_SHARE, delta=0.1)

    def test_it_is_idempotent(self) -> None:
        counts = (Household.objects.count(), Person.objects.count(), AuditEvent.objects.count())
        users = User.objects.count()
        said: list[str] = []
        demo.load(said.append, password="x" * 12, households=SMALL)
        self.assertEqual(
            (Household.objects.count(), Person.objects.count(), AuditEvent.objects.count()),
            counts,
        )
        self.assertEqual(User.objects.count(), users)
        self.assertIn("0 added now", said[-1])

    def test_it_tops_up_to_a_larger_count(self) -> None:
        demo.load(quiet, password="x" * 12, households=SMALL + 5)
        self.assertEqual(len(self.demo_households()), SMALL + 5)

    def test_it_leaves_what_a_registration_leaves(self) -> None:
        """Found by the search, numbers encrypted with their look-up hash, consent, audit,
        timeline: everything a registrar's registration would have written."""
        household = next(h for h in self.demo_households() if h.members.count() >= 2)
        focal = household.focal_point
        assert focal is not None
        registrar = household.registered_by
        typed = f"{focal.first_surname} {focal.given_names}"
        self.assertIn(focal, selectors.search_people(user=registrar, text=typed))
        self.assertIn("~" + names.phonetic(focal.first_surname.split()[0]), focal.search_tokens)
        for person in household.members.all():
            self.assertTrue(Consent.objects.filter(person=person, purpose="registration").exists())
            self.assertTrue(
                AuditEvent.objects.filter(action="create", object_uuid=person.uuid).exists()
            )
        self.assertTrue(
            AuditEvent.objects.filter(
                action="create", object_uuid=household.uuid, actor=registrar
            ).exists()
        )
        self.assertEqual(
            TimelineEntry.objects.get(household=household, kind="registration").actor,
            registrar,
        )
        document = Document.objects.filter(person__household__registered_by__is_demo=True)[0]
        self.assertEqual(document.number_hash, duplicates.document_hash(document.number))
        self.assertNotIn(document.number, document.number_encrypted)
        phone = Phone.objects.filter(household__registered_by__is_demo=True)[0]
        self.assertTrue(phone.number.startswith("+"))
