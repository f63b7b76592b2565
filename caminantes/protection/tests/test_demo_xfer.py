"""The protection demo's referral and transfer: who sees them, loaded once."""

from __future__ import annotations

from django.test import TestCase

from caminantes.accounts import demo as accounts_demo
from caminantes.accounts.models import User
from caminantes.geo.models import Country
from caminantes.protection import demo, selectors_xfer
from caminantes.protection.models import IncomingReferral, Transfer


def quiet(_: str) -> None:
    pass


class DemoTransfersTest(TestCase):
    def test_it_leaves_a_referral_in_the_inbox_and_a_transfer_proposed(self) -> None:
        for iso in ("CO", "PE", "EC", "BR"):
            Country.objects.create(iso2=iso, iso3=iso + "X", name_es=iso, name_pt=iso,
                                   name_en=iso, pcode=iso)  # fmt: skip
        accounts_demo.load(quiet)
        demo.load(quiet)
        demo.load(quiet)  # idempotent
        by = {u.email.split("@")[0]: u for u in User.objects.filter(is_demo=True)}
        inbox = {
            login: selectors_xfer.inbox(by[login]).count()
            for login in ("vbg.co", "vbg2.co", "trata.pe", "registro.co", "admin")
        }
        self.assertEqual(inbox, {"vbg.co": 1, "vbg2.co": 1, "trata.pe": 0, "registro.co": 0,
                                 "admin": 0})  # fmt: skip
        self.assertEqual(IncomingReferral.objects.count(), 1)
        transfer = Transfer.objects.get()
        self.assertEqual((transfer.status, transfer.to_organization.acronym,
                          transfer.proposed_by.email.split("@")[0]),
                         ("proposed", "FFS", "vbg.co"))  # fmt: skip
        self.assertTrue(transfer.contents()["consent"])
