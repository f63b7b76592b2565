"""Protection personas on top of tests/personas.py: bob (GBV officer, IOM Colombia) is the
caseworker of a GBV case; vera is a GBV officer of IOM Colombia not assigned to it; sara is
the GBV supervisor; tom is IOM Colombia's anti-trafficking officer with a trafficking case."""

from __future__ import annotations

from datetime import date, timedelta

from caminantes.accounts.models import Membership, Organization, User
from caminantes.accounts.permissions import Role
from caminantes.geo.models import Country
from caminantes.protection import services
from caminantes.protection.models import ProtectionCase
from tests.personas import PASSWORD, PersonaTestCase

SURVIVOR = "Yuleidy Contreras Mora"
NARRATIVE = "Ocurrió cerca del puente, de noche"


def member(email: str, org: Organization, role: Role, countries: list[Country]) -> User:
    user = User.objects.create_user(email, PASSWORD, full_name=email.split("@")[0].title())
    Membership.objects.create(user=user, organization=org, role=role).countries.set(countries)
    return user


class ProtectionTestCase(PersonaTestCase):
    vera: User
    sara: User
    tom: User
    gbv: ProtectionCase
    tip: ProtectionCase

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.vera = member("vera@example.org", cls.iom, Role.GBV_OFFICER, [cls.co])
        cls.sara = member("sara@example.org", cls.iom, Role.GBV_OFFICER, [cls.co])
        cls.tom = member("tom@example.org", cls.iom, Role.ANTI_TRAFFICKING_OFFICER, [cls.co])
        cls.gbv = services.case_open(
            actor=cls.bob, organization=cls.iom, country=cls.co, kind="gbv",
            data={
                "name": SURVIVOR, "sex": "F", "age": 24, "age_group": "18-25",
                "incident_type": "sexual_assault",
                "incident_date": date.today() - timedelta(days=10),
                "incident_area": str(cls.nsa.uuid), "perpetrator": "unknown",
                "consent_reporting": True, "safety_plan": "Casa de la hermana",
                "narrative": NARRATIVE,
            },
        )  # fmt: skip
        cls.tip = services.case_open(
            actor=cls.tom, organization=cls.iom, country=cls.co, kind="trafficking",
            data={
                "name": "Dayana Ríos", "sex": "F", "age": 19, "age_group": "18-25",
                "exploitation": ["labour"], "route": ["VE", "CO"], "recruiter": "online",
                "tip_status": "presumed",
            },
        )  # fmt: skip
