from __future__ import annotations

from caminantes.accounts.models import Membership, User
from caminantes.accounts.permissions import Role
from caminantes.assistance.regularization import demo, selectors
from caminantes.assistance.regularization.models import (
    Appointment,
    Enrolment,
    EnrolmentStatus,
    Office,
)
from caminantes.assistance.regularization.tests.base import consent_to
from caminantes.assistance.shelter.tests.base import household
from caminantes.registry.models import Consent, Document
from tests.personas import PersonaTestCase


class DemoTests(PersonaTestCase):
    def test_it_loads_people_at_every_step_once(self) -> None:
        rosa = User.objects.create_user(demo.OFFICER, "x" * 16, full_name="Rosa")
        Membership.objects.create(
            user=rosa, organization=self.iom, role=Role.REGISTRATION_OFFICER
        ).countries.set([self.co])
        for i in range(14):
            hh = household(self.iom, self.co, [(f"Adulta{i}", "F", 25 + i), (f"Hijo{i}", "M", 4)])
            for person in hh.members.all():
                consent_to(person, Consent.Purpose.REGISTRATION)
        said: list[str] = []
        demo.load(said.append)
        demo.load(said.append)
        self.assertEqual(Office.objects.count(), 1)
        self.assertEqual(Enrolment.objects.count(), demo.PEOPLE)
        self.assertFalse(Enrolment.objects.filter(person__given_names__startswith="Hijo").exists())
        done = Enrolment.objects.get(status=EnrolmentStatus.DONE)
        self.assertEqual(Document.objects.get(person=done.person).type, "ppt")
        self.assertGreaterEqual(Appointment.objects.filter(status="booked").count(), 4)
        waiting = {
            (r.step.position, r.waiting)
            for r in selectors.waiting_counts(user=rosa)
            if r.scheme.code == "ppt"
        }
        self.assertEqual(waiting, {(1, 4), (2, 2), (3, 4), (4, 1)})
        self.assertIn("already there", said[-1])
