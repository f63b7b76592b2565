from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import F
from django.test import TestCase

from caminantes.geo.models import Country, Place
from caminantes.lib.compiled import Compiled

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
