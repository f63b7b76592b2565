"""The persona base every test starts from.

IOM works in Colombia and Peru; FFS is a partner NGO in Colombia only.
- alice: registration officer, IOM, Colombia (the registrar)
- bob: GBV officer, IOM, Colombia (the protection officer)
- carla: country manager, IOM, Colombia
- charlie: partner focal point, FFS, Colombia (another organisation)
- pablo: registration officer, IOM, Peru (same organisation, other country)
- audrey: auditor, IOM
- admin: platform administrator
- eve: DTM enumerator, IOM, Colombia (no personal data, no two-factor)
- nobody: an account with no membership at all
"""

from __future__ import annotations

from typing import Any

from django.test import Client, TestCase
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from caminantes.accounts.decorators import SUDO_UNTIL
from caminantes.accounts.models import Membership, Organization, User
from caminantes.accounts.permissions import Role
from caminantes.geo.models import AdminArea, Country

PASSWORD = "correct horse battery staple"


def make_world(cls: Any) -> None:
    cls.co = Country.objects.create(
        iso2="CO",
        iso3="COL",
        name_es="Colombia",
        name_pt="Colômbia",
        name_en="Colombia",
        is_host=True,
        pcode="CO",
    )
    cls.pe = Country.objects.create(
        iso2="PE",
        iso3="PER",
        name_es="Perú",
        name_pt="Peru",
        name_en="Peru",
        is_host=True,
        pcode="PE",
    )
    cls.ve = Country.objects.create(
        iso2="VE",
        iso3="VEN",
        name_es="Venezuela",
        name_pt="Venezuela",
        name_en="Venezuela",
        is_origin=True,
        pcode="VE",
    )
    cls.nsa = AdminArea.objects.create(
        country=cls.co,
        iso_code="CO-NSA",
        pcode="CO54",
        name_es="Norte de Santander",
        name_pt="Norte de Santander",
        name_en="Norte de Santander",
    )
    cls.iom = Organization.objects.create(
        name="International Organization for Migration", acronym="IOM", type="un_agency"
    )
    cls.iom.countries.set([cls.co, cls.pe])
    cls.ffs = Organization.objects.create(
        name="Fundación Frontera Solidaria", acronym="FFS", type="national_ngo"
    )
    cls.ffs.countries.set([cls.co])

    def person(
        name: str,
        org: Organization | None,
        role: Role | None,
        countries: list[Country] | None = None,
    ) -> User:
        user = User.objects.create_user(f"{name}@example.org", PASSWORD, full_name=name.title())
        if org is not None and role is not None:
            m = Membership.objects.create(user=user, organization=org, role=role)
            m.countries.set(countries or [])
        return user

    cls.alice = person("alice", cls.iom, Role.REGISTRATION_OFFICER, [cls.co])
    cls.bob = person("bob", cls.iom, Role.GBV_OFFICER, [cls.co])
    cls.carla = person("carla", cls.iom, Role.COUNTRY_MANAGER, [cls.co])
    cls.charlie = person("charlie", cls.ffs, Role.PARTNER_FOCAL_POINT, [cls.co])
    cls.pablo = person("pablo", cls.iom, Role.REGISTRATION_OFFICER, [cls.pe])
    cls.audrey = person("audrey", cls.iom, Role.AUDITOR)
    cls.admin = person("admin", cls.iom, Role.PLATFORM_ADMIN)
    cls.eve = person("eve", cls.iom, Role.DTM_ENUMERATOR, [cls.co])
    cls.nobody = person("nobody", None, None)


class PersonaTestCase(TestCase):
    co: Country
    pe: Country
    ve: Country
    nsa: AdminArea
    iom: Organization
    ffs: Organization
    alice: User
    bob: User
    carla: User
    charlie: User
    pablo: User
    audrey: User
    admin: User
    eve: User
    nobody: User

    @classmethod
    def setUpTestData(cls) -> None:
        make_world(cls)

    def login(self, user: User, *, client: Client | None = None, sudo: bool = False) -> Client:
        """Log in as if password and second factor had both been given."""
        client = client or self.client
        client.force_login(user)
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        if sudo:
            import time

            session[SUDO_UNTIL] = time.time() + 600
        session.save()
        return client
