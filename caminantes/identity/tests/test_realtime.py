"""The engine behind the registry's duplicate check, as a registration officer sees it."""

from __future__ import annotations

from datetime import date
from unittest import mock

from caminantes.identity import realtime
from caminantes.identity.models import MatchKey
from caminantes.registry import duplicates, hooks, rights, services
from caminantes.registry.inputs import DocumentInput, HouseholdInput
from caminantes.registry.models import Person
from caminantes.registry.tests.base import RegistryTestCase, child, focal


class RealTimeCandidatesTest(RegistryTestCase):
    def register_again(self, *members: object) -> services.Registration:
        return services.household_register(
            user=self.alice,
            organization=self.iom,
            country=self.co,
            household=HouseholdInput(population_type="in_transit", admin_area="CO-NSA"),
            members=list(members),  # type: ignore[arg-type]
        )

    def test_the_engine_is_the_fuzzy_finder(self) -> None:
        self.assertEqual(
            hooks.duplicate_finders(), [duplicates.exact_document, realtime.engine_finder]
        )

    def test_each_registration_keeps_hashed_keys_only(self) -> None:
        maria = self.focal_person()
        keys = list(MatchKey.objects.filter(person=maria).values_list("key", flat=True))
        self.assertGreaterEqual(len(keys), 4)
        self.assertFalse([k for k in keys if "12345678" in k or "maria" in k.lower()])

    def test_an_abbreviated_misspelt_name_born_a_year_off_is_offered(self) -> None:
        result = self.register_again(
            focal(
                given_names="Ma. José",
                first_surname="Peres",
                second_surname="Gonzales",
                birth_date=date(1991, 3, 14),
            )
        )
        self.assertIsNone(result.household)
        [candidate] = [c for c in result.candidates[0] if c.person_id == self.focal_person().pk]
        self.assertIn("name", candidate.reasons)

    def test_a_twin_brother_is_not_offered_as_his_sister(self) -> None:
        luis = Person.objects.get(household=self.family, given_names="Luis Ángel")
        result = self.register_again(
            focal(given_names="Ana Karina", first_surname="Blanco", second_surname="",
                  birth_date=date(1979, 5, 5)),
            child(given_names="Carlos Andrés", birth_date=luis.birth_date),
        )  # fmt: skip
        ids = [c.person_id for found in result.candidates.values() for c in found]
        self.assertNotIn(luis.pk, ids)

    def test_another_organisations_person_is_never_offered(self) -> None:
        yusmary = focal(
            given_names="Yusmary",
            first_surname="Rodríguez",
            second_surname="",
            birth_date=date(1985, 1, 20),
        )
        held = Person.objects.get(household=self.ffs_family, given_names="Yusmary")
        # Her own organisation's registrar, registering her again, is offered her: the
        # same search does find her when the searcher may see her.
        at_ffs = services.household_register(
            user=self.ramona,
            organization=self.ffs,
            country=self.co,
            household=HouseholdInput(population_type="in_transit", admin_area="CO-NSA"),
            members=[yusmary],
        )
        self.assertIsNone(at_ffs.household)
        self.assertIn(held.pk, [c.person_id for c in at_ffs.candidates[0]])

        result = self.register_again(yusmary)
        self.assertIsNotNone(result.household)  # FFS holds her: IOM's registrar is not told

    def test_an_import_asks_the_engine_in_bulk(self) -> None:
        document = DocumentInput(type="cedula", number="99.888.777")
        rows = [
            focal(given_names="Maria Jose", first_surname="Perez", second_surname="Gonzalez",
                  documents=[document]),
            child(given_names="Nadie Nuevo", first_surname="Zzyzx", second_surname=""),
        ]  # fmt: skip
        answers = duplicates.find_candidates_bulk(
            [r.as_candidate() for r in rows], Person.objects.all()
        )
        self.assertIn(self.focal_person().pk, [c.person_id for c in answers[0]])
        self.assertEqual(answers[1], [])

    def test_the_household_page_offers_to_look_for_a_relative(self) -> None:
        self.login(self.alice)
        page = self.client.get(f"/registry/households/{self.family.uuid}/")
        self.assertContains(page, f"/identity/tracing/new/?person={self.focal_person().uuid}")

    def test_erasure_removes_the_keys(self) -> None:
        luis = Person.objects.get(household=self.family, given_names="Luis Ángel")
        self.assertTrue(MatchKey.objects.filter(person=luis).exists())
        rights.person_erase(user=self.carla, person=luis)
        self.assertFalse(MatchKey.objects.filter(person=luis).exists())

    def test_a_name_correction_rewrites_the_keys(self) -> None:
        maria = self.focal_person()
        before = set(MatchKey.objects.filter(person=maria).values_list("key", flat=True))
        services.person_update(
            user=self.alice, person=maria, version=maria.version,
            changes={"given_names": "Mariela"}, reason="typo at registration",
        )  # fmt: skip
        after = set(MatchKey.objects.filter(person=maria).values_list("key", flat=True))
        self.assertNotEqual(before, after)

    def test_a_crowded_block_does_not_push_the_person_sought_out_of_the_shortlist(self) -> None:
        # Many Pérez González born in 1990 share blocks with Yoselin, registered after them;
        # when the shortlist is full, those sharing the most keys with her come first.
        for i, given in enumerate(["Ana", "Carla", "Diana", "Elena", "Flor", "Gisela"]):
            self.register_again(
                focal(given_names=given, first_surname="Pérez", second_surname="González",
                      birth_date=date(1990, 1 + i, 1))
            )  # fmt: skip
        self.register_again(
            focal(given_names="Yoselin", first_surname="Pérez", second_surname="González",
                  birth_date=date(1990, 7, 7))
        )  # fmt: skip
        yoselin = Person.objects.get(given_names="Yoselin")
        candidate = {"given_names": "Yoselin", "first_surname": "Pérez",
                     "second_surname": "González", "sex": yoselin.sex,
                     "birth_date": yoselin.birth_date, "documents": [], "phone": "",
                     "nationalities": ["VE"]}  # fmt: skip
        with mock.patch.object(realtime, "MAX_CANDIDATES", 2):
            found = realtime.engine_finder(candidate, Person.objects.all())
            [bulk] = realtime.engine_finder.bulk([candidate], Person.objects.all())  # type: ignore[attr-defined]
        self.assertIn(yoselin.pk, [c.person_id for c in found])
        self.assertIn(yoselin.pk, [c.person_id for c in bulk])
