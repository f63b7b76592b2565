from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.signals import post_save, pre_save
from django.test import TestCase

from caminantes.geo.models import Country, Place
from caminantes.lib.compiled import Compiled, insert, update

BY_SLUG: Compiled[Place] = Compiled(
    lambda slug: (
        Place.objects.filter(slug=slug)
        .select_related("country")
        .annotate(country_code=F("country__iso3"))
    ),
    slug=str,
)


class CompiledTest(TestCase):
    country: Country
    place: Place

    @classmethod
    def setUpTestData(cls) -> None:
        cls.country = Country.objects.create(
            iso2="ZX", iso3="ZXX", name_es="Zeta", name_pt="Zeta", name_en="Zeta"
        )
        cls.place = Place.objects.create(
            kind="city", name="Ciudad", slug="zx-ciudad", country=cls.country,
            latitude=Decimal("4.123456"), longitude=Decimal("-74.5"),
        )  # fmt: skip

    def test_it_reads_what_the_orm_reads_without_compiling_again(self) -> None:
        BY_SLUG.first(slug="warm-up")  # compiled here, once
        with self.assertNumQueries(1):
            found = BY_SLUG.first(slug="zx-ciudad")
            assert found is not None
            self.assertEqual(found.country.iso2, "ZX")  # select_related: no second query
        orm = Place.objects.get(slug="zx-ciudad")
        for field in Place._meta.concrete_fields:
            self.assertEqual(getattr(found, field.attname), getattr(orm, field.attname), field)
        self.assertEqual(found.uuid, self.place.uuid)  # converted: a UUID on every database
        self.assertEqual(found.latitude, Decimal("4.123456"))
        self.assertEqual(found.country_code, "ZXX")  # type: ignore[attr-defined]
        self.assertFalse(found._state.adding)
        self.assertIsNone(BY_SLUG.first(slug="nowhere"))

    def test_constants_stay_and_each_value_is_a_parameter(self) -> None:
        kind: Compiled[Place] = Compiled(
            lambda name: Place.objects.filter(name=name, kind="city", population__isnull=True),
            name=str,
        )
        self.assertEqual([p.pk for p in kind.all(name="Ciudad")], [self.place.pk])
        self.assertEqual(kind.all(name="Ciudad' OR '1'='1"), [])

    def test_a_placeholder_changed_on_its_way_or_left_out_is_refused(self) -> None:
        wrapped: Compiled[Place] = Compiled(
            lambda name: Place.objects.filter(name__icontains=name), name=str
        )
        with self.assertRaisesMessage(ValueError, "changed"):
            wrapped.first(name="Ciu")
        unused: Compiled[Place] = Compiled(lambda name: Place.objects.all(), name=str)
        with self.assertRaisesMessage(ValueError, "not in its SQL"):
            unused.first(name="x")
        values: Compiled[Any] = Compiled(
            lambda pk: Place.objects.filter(pk=pk).values("name"), pk=int
        )
        with self.assertRaisesMessage(ValueError, "model instances"):
            values.first(pk=1)


class InsertUpdateTest(TestCase):
    country: Country

    @classmethod
    def setUpTestData(cls) -> None:
        cls.country = Country.objects.create(
            iso2="ZY", iso3="ZYY", name_es="Ye", name_pt="Ye", name_en="Ye"
        )

    def place(self, slug: str, **kw: Any) -> Place:
        return Place(
            kind="city", name="Pueblo", slug=slug, country=self.country,
            latitude=Decimal("1.5"), longitude=Decimal("-2.25"), **kw,
        )  # fmt: skip

    def test_insert_writes_what_save_writes_and_sends_the_signals(self) -> None:
        sent: list[tuple[str, bool]] = []

        def pre(sender: Any, instance: Place, **kw: Any) -> None:
            sent.append(("pre", instance._state.adding))

        def post(sender: Any, instance: Place, created: bool, **kw: Any) -> None:
            sent.append(("post", created))

        pre_save.connect(pre, sender=Place)
        post_save.connect(post, sender=Place)
        try:
            fast, orm = self.place("zy-fast"), self.place("zy-orm")
            insert(fast)
            orm.save(force_insert=True)
        finally:
            pre_save.disconnect(pre, sender=Place)
            post_save.disconnect(post, sender=Place)
        self.assertEqual(sent, [("pre", True), ("post", True), ("pre", True), ("post", True)])
        self.assertIsInstance(fast.pk, int)
        self.assertFalse(fast._state.adding)
        self.assertEqual(fast._state.db, "default")
        stored = Place.objects.get(pk=fast.pk)
        for field in Place._meta.concrete_fields:
            if field.attname not in ("id", "slug", "uuid"):
                self.assertEqual(getattr(stored, field.attname), getattr(orm, field.attname))
        self.assertEqual(stored.uuid, fast.uuid)

    def test_a_value_that_is_an_expression_goes_the_orms_way(self) -> None:
        place = self.place("zy-expr", population=Value(7))
        insert(place)
        self.assertEqual(Place.objects.get(pk=place.pk).population, 7)
        with self.assertRaises(IntegrityError), transaction.atomic():
            insert(self.place("zy-expr"))  # the unique slug: the database's refusal, as save()

    def test_update_is_the_querysets_update(self) -> None:
        place = self.place("zy-upd")
        insert(place)
        self.assertEqual(update(Place, place.pk, name="Villa", latitude=Decimal("3.25")), 1)
        self.assertEqual(update(Place, place.pk + 1000, name="Nadie"), 0)
        self.assertEqual(update(Place, place.pk, population=F("geonameid")), 1)  # expression
        stored = Place.objects.get(pk=place.pk)
        self.assertEqual(
            (stored.name, stored.latitude, stored.population), ("Villa", Decimal("3.25"), None)
        )
