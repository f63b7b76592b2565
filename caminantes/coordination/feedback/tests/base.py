"""The feedback world: the personas (tests/personas.py) and three PSEA focal points: IOM's in
Colombia (the designated one for IOM's Colombian complaints), FFS's in Colombia (another
organisation) and IOM's in Peru (another country)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from caminantes.accounts.models import Membership, User
from caminantes.accounts.permissions import Role
from caminantes.coordination.feedback import services
from caminantes.coordination.feedback.models import FeedbackItem
from tests.personas import PASSWORD, PersonaTestCase


class FeedbackTestCase(PersonaTestCase):
    psea: User
    psea_ffs: User
    psea_pe: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()

        def member(name: str, org: Any, role: Role, countries: list[Any]) -> User:
            user = User.objects.create_user(f"{name}@example.org", PASSWORD, full_name=name)
            Membership.objects.create(user=user, organization=org, role=role).countries.set(
                countries
            )
            return user

        cls.psea = member("psea", cls.iom, Role.PSEA_FOCAL_POINT, [cls.co])
        cls.psea_ffs = member("psea_ffs", cls.ffs, Role.PSEA_FOCAL_POINT, [cls.co])
        cls.psea_pe = member("psea_pe", cls.iom, Role.PSEA_FOCAL_POINT, [cls.pe])

    @classmethod
    def record(cls, category: str = "complaint", days_ago: int = 0, **extra: Any) -> FeedbackItem:
        values: dict[str, Any] = {
            "actor": cls.alice, "organization": cls.iom, "country": cls.co,
            "channel": "hotline", "category": category,
            "received_on": timezone.localdate() - timedelta(days=days_ago),
            "description": "La entrega de kits empezó tarde.",
        }  # fmt: skip
        values.update(extra)
        return services.feedback_create(**values)
