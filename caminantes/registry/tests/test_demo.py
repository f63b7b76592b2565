from __future__ import annotations

from collections import Counter

from django.test import TestCase

from caminantes.accounts import demo as accounts_demo
from caminantes.accounts import policies
from caminantes.accounts.models import Organization, User
from caminantes.accounts.permissions import Perm
from caminantes.audit.models import AuditEvent
from caminantes.geo.services import places_load
from caminantes.lib import names
from caminantes.lib.fakenames import FakeNames
from caminantes.registry import demo, duplicates, selectors, services
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

    def test_it_writes_the_same_rows_as_the_registration_service(self) -> None:
        """The bulk path and `household_register` agree, table by table."""
        today = Household.objects.first().registered_on  # type: ignore[union-attr]
        family = next(
            f for f in demo.plan_families(SMALL, today=today) if len(f.family.members) > 2
        )
        fake = FakeNames(1, today=today)
        build = demo._Builder(fake.rng, fake, today)
        org = Organization.objects.get(acronym=family.org)
        user = next(
            u
            for u in User.objects.filter(is_demo=True)
            if policies.has_perm(
                u,
                Perm.REGISTER_HOUSEHOLDS,
                organization_id=org.pk,
                country_id=demo._Places().countries[family.country].pk,
            )
        )
        registration = demo._Registration(
            family=family,
            user=user,
            organization=org,
            country=demo._Places().countries[family.country],
            household=build.household(family),
            members=build.members(family, "IOM" if family.org != "IOM" else None),
        )
        (bulk,) = demo._register([registration], demo._Places())
        served = services.household_register(
            user=user,
            organization=org,
            country=registration.country,
            household=registration.household,
            members=registration.members,
            confirmed_new=True,
        ).household
        assert served is not None

        def picture(h: Household) -> dict[str, object]:
            h.refresh_from_db()
            people = Person.objects.filter(household=h).order_by("id")
            return {
                "household": (
                    h.population_type,
                    h.admin_area_id,
                    h.current_area_id,
                    h.address,
                    h.arrival_date,
                    h.destination_area_id,
                    h.registered_by_id,
                    h.focal_point.given_names if h.focal_point else None,
                ),
                "people": [
                    (
                        p.given_names,
                        p.first_surname,
                        p.second_surname,
                        p.sex,
                        p.birth_date,
                        p.birth_area_id,
                        p.search_name,
                        sorted(p.specific_needs),
                        p.wg_walking,
                        sorted(p.nationalities.values_list("iso2", flat=True)),
                        sorted(p.search_tokens),
                        sorted(p.documents.values_list("type", "number_hash", "number_last4")),
                        sorted(p.consents.values_list("purpose", "given_by", "recipient__acronym")),
                    )
                    for p in people
                ],
                "phones": sorted(Phone.objects.filter(household=h).values_list("number_hash")),
                "timeline": list(TimelineEntry.objects.filter(household=h).values_list("summary")),
                "audit": Counter(
                    AuditEvent.objects.filter(
                        object_uuid__in=[h.uuid, *people.values_list("uuid", flat=True)]
                    ).values_list("action", "object_type")
                ),
            }

        self.assertEqual(picture(bulk), picture(served))
