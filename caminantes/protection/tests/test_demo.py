"""The protection demo: who holds which cases, and nothing in clear."""

from __future__ import annotations

from django.db import connection
from django.test import TestCase

from caminantes.accounts import demo as accounts_demo
from caminantes.accounts.models import User
from caminantes.geo.models import Country
from caminantes.protection import demo, selectors
from caminantes.protection.models import ProtectionCase


def quiet(_: str) -> None:
    pass


class DemoTest(TestCase):
    def test_it_loads_cases_for_the_demo_protection_users_only(self) -> None:
        for iso in ("CO", "PE", "EC", "BR"):  # the demo users' countries
            Country.objects.create(iso2=iso, iso3=iso + "X", name_es=iso, name_pt=iso,
                                   name_en=iso, pcode=iso)  # fmt: skip
        accounts_demo.load(quiet)
        demo.load(quiet)
        demo.load(quiet)  # idempotent
        by = {u.email.split("@")[0]: u for u in User.objects.filter(is_demo=True)}
        counts = {login: selectors.cases_for(by[login]).count()
                  for login in ("vbg.co", "vbg.supervisora.co", "vbg2.co", "trata.pe",
                                "gerente.co", "admin", "registro.co")}  # fmt: skip
        self.assertEqual(counts, {"vbg.co": 6, "vbg.supervisora.co": 4, "vbg2.co": 0,
                                  "trata.pe": 3, "gerente.co": 0, "admin": 0,
                                  "registro.co": 0})  # fmt: skip
        self.assertEqual(ProtectionCase.objects.filter(status="closed").count(), 1)
        names = [c.contents()["name"] for c in ProtectionCase.objects.all() if c.contents()["name"]]
        self.assertTrue(names)
        with connection.cursor() as cursor:
            cursor.execute("SELECT sealed FROM protection_protectioncase")
            raw = " ".join(row[0] for row in cursor.fetchall())
        for name in names:
            self.assertNotIn(name.split()[0], raw)
        self.assertNotIn("demostración", raw)
