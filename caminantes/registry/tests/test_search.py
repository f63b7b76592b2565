"""The find-or-register search forgives the slips people make, and its keys can be rebuilt."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from caminantes.registry import selectors
from caminantes.registry.models import Document, Person
from caminantes.registry.shortlists import Branch, NameShortlists
from caminantes.registry.tests.base import RegistryTestCase, child


class TypoSearchTest(RegistryTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # A cousin one name away, so "found" means ranked, not merely alone.
        cls.register(cls.alice, [child(given_names="Mario José", relationship="focal_point")])

    def found(self, text: str) -> list[int]:
        return [p.pk for p in selectors.search_people(user=self.alice, text=text)]

    def test_it_finds_a_name_with_one_slip_in_any_word(self) -> None:
        maria = self.family.focal_point_id
        for text in [
            "Mraia José Pérez González",  # two letters swapped in a short word
            "Maria Jose Perez Gonzlez",  # a letter dropped
            "Maria Jose Perez Gonzalezz",  # a letter added
            "Maria Jode Perez Gonzalez",  # a letter changed
            "Marai Jsoe Pertez Gonzales",  # a slip in every word
            "María José Pérez Gonzáles ",  # a finished word, mistyped
        ]:
            with self.subTest(text=text):
                self.assertEqual(self.found(text)[:1], [maria])

    def test_it_finds_one_mistyped_word_by_its_index_keys(self) -> None:
        # One word: there is no other word to leave out, only the slip keys can find it.
        luis = Person.objects.get(household=self.family, given_names="Luis Ángel")
        for text in ["Lusi", "Luiss", "Gonzalex", "Gnzalez"]:
            with self.subTest(text=text):
                self.assertIn(luis.pk, self.found(text))
        self.assertEqual(self.found("Xyzwq"), [])

    def test_it_still_puts_the_closest_spelling_first(self) -> None:
        mario = Person.objects.get(given_names="Mario José")
        self.assertEqual(self.found("mario jose perez gonzalez")[0], mario.pk)
        self.assertEqual(self.found("maria jose perez gonzalez")[0], self.family.focal_point_id)

    def test_it_finds_a_cedula_written_with_a_leading_zero(self) -> None:
        for text in ["012345678", "V-012.345.678", "v 12 345 678"]:
            with self.subTest(text=text):
                self.assertEqual(self.found(text)[:1], [self.family.focal_point_id])


class SearchIndexTest(RegistryTestCase):
    def test_it_rebuilds_search_keys_and_document_hashes(self) -> None:
        maria = self.focal_person().pk
        Person.objects.filter(pk=maria).update(search_tokens=[], search_name="")
        Document.objects.filter(person_id=maria).update(number_hash="stale")
        self.assertEqual(selectors.search_people(user=self.alice, text="maria jose perez"), [])

        out = StringIO()
        call_command("search_index", stdout=out)

        self.assertIn("1 search keys rewritten", out.getvalue())
        self.assertIn("1 hashes rewritten", out.getvalue())
        for text in ["maria jose perez", "Mraia Jose Perez", "V-12.345.678"]:
            with self.subTest(text=text):
                found = selectors.search_people(user=self.alice, text=text)
                self.assertEqual([p.pk for p in found][:1], [maria])
        again = StringIO()
        call_command("search_index", stdout=again)
        self.assertIn(" 0 search keys rewritten", again.getvalue())
        self.assertIn(" 0 hashes rewritten", again.getvalue())


class ShortlistsTest(RegistryTestCase):
    """The strict and the forgiving name look-ups go in one statement; the forgiving one
    only answers when the strict one found fewer than asked."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.register(cls.alice, [child(given_names="Mraia José", relationship="focal_point")])

    def shortlists(self, words: str) -> tuple[NameShortlists, Branch, Branch]:
        people = selectors.people_for_user(user=self.alice)
        strict = selectors.query_words(words, typing=False)
        loose = [selectors.loosen(w) for w in strict]
        return (
            NameShortlists(people),
            Branch([w.keys for w in strict], 50),
            Branch([w.keys for w in loose], 50),
        )

    def test_the_forgiving_look_up_runs_only_when_too_few_were_found(self) -> None:
        shortlists, strict, loose = self.shortlists("maria jose")
        maria, mraia = self.family.focal_point_id, Person.objects.get(given_names="Mraia José").pk
        self.assertEqual(set(shortlists.fetch_unless(strict, loose, enough=1)), {maria})
        self.assertEqual(set(shortlists.fetch_unless(strict, loose, enough=5)), {maria, mraia})

    def test_each_word_left_out_in_turn_in_one_statement(self) -> None:
        shortlists, strict, _loose = self.shortlists("maria xyzwq")
        left_out = [Branch([keys], 50) for keys in strict.keys]
        with self.assertNumQueries(1):
            found = shortlists.fetch_all(left_out)
        self.assertIn(self.family.focal_point_id, found)
        self.assertEqual(shortlists.fetch_all([]), {})

    def test_a_foreign_organisation_finds_nobody(self) -> None:
        people = selectors.people_for_user(user=self.charlie)  # FFS: not IOM's families
        strict = selectors.query_words("maria jose", typing=False)
        found = NameShortlists(people).fetch(Branch([w.keys for w in strict], 50))
        self.assertEqual(found, {})

    def test_someone_who_may_see_nobody_finds_nobody(self) -> None:
        self.assertEqual(selectors.search_people(user=self.nobody, text="maria jose"), [])
        self.assertEqual(selectors.search_people(user=self.eve, text="maria jose"), [])
