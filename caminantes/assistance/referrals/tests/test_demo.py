from __future__ import annotations

from caminantes.accounts import demo as accounts_demo
from caminantes.accounts.models import User
from caminantes.assistance.referrals import demo, selectors
from caminantes.assistance.referrals.models import Notice, Referral, Service, Status
from caminantes.geo.models import Country
from caminantes.registry.models import Household, Person
from tests.personas import PersonaTestCase


class DemoTests(PersonaTestCase):
    def test_it_loads_a_directory_and_referrals_a_partner_user_receives_once(self) -> None:
        for iso2, iso3, name in (("EC", "ECU", "Ecuador"), ("BR", "BRA", "Brasil")):
            Country.objects.create(iso2=iso2, iso3=iso3, name_es=name, name_pt=name,
                                   name_en=name, is_host=True, pcode=iso2)  # fmt: skip
        self.iom.countries.add(*Country.objects.all())
        accounts_demo.load(lambda _: None, password="x" * 16)
        for i in range(6):
            hh = Household.objects.create(organization=self.iom, country=self.co,
                                          population_type="in_transit")  # fmt: skip
            hh.focal_point = Person.objects.create(household=hh, relationship="focal_point",
                                                   given_names=f"Madre{i}", sex="F")  # fmt: skip
            hh.save()
        said: list[str] = []
        demo.load(said.append)
        demo.load(said.append)
        self.assertEqual(Service.objects.filter(country__iso2__in=["CO", "PE", "EC"]).count(),
                         len(demo.DIRECTORY))  # fmt: skip
        self.assertEqual(Referral.objects.count(), 5)
        receiver = User.objects.get(email=demo.RECEIVER)
        inbox = selectors.inbox(user=receiver, open_only=True)
        self.assertEqual(inbox.count(), 3)  # sent, received, accepted: completed is done
        statuses = set(Referral.objects.values_list("status", flat=True))
        self.assertEqual(statuses, {Status.SENT, Status.ACCEPTED, Status.COMPLETED})
        self.assertTrue(Referral.objects.filter(delivery__isnull=False).exists())
        self.assertTrue(Notice.objects.filter(user__email=demo.SENDER,
                                              message__contains="overdue").exists())  # fmt: skip
        self.assertIn(demo.RECEIVER, said[-1])
        self.assertIn("already there", said[-2])
