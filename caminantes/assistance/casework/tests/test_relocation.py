from __future__ import annotations

from datetime import time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from caminantes.assistance.casework import rules, selectors, services
from caminantes.assistance.casework.models import RelocationCase, Stage
from caminantes.assistance.casework.tests.base import CaseworkTestCase
from caminantes.assistance.errors import Refused
from caminantes.assistance.models import ServiceDelivery
from caminantes.assistance.transport.models import Route, Trip
from caminantes.registry.models import Consent, Document, TimelineEntry


class RelocationTests(CaseworkTestCase):
    def advance(self, case: RelocationCase, stage: str, days_ago: int = 0, **extra: object) -> None:
        services.relocation_advance(
            actor=self.alice,
            case=case,
            stage=stage,
            on=timezone.localdate() - timedelta(days=days_ago),
            **extra,  # type: ignore[arg-type]
        )
        case.refresh_from_db()

    def test_it_opens_a_case_at_eligibility_on_the_timeline(self) -> None:
        case = self.open_case()
        self.assertEqual(case.stage, Stage.ELIGIBILITY)
        entry = TimelineEntry.objects.get(household=self.rojas, kind="relocation")
        with translation.override("es"):
            self.assertEqual(
                entry.text, "Caso de reubicación voluntaria abierto (Oferta de empleo señalada)"
            )

    def test_it_lists_what_the_checklist_misses(self) -> None:
        case = self.open_case()
        check = rules.checklist(case, timezone.localdate())
        self.assertTrue(check.documents_ok)
        self.assertEqual(check.without_consent, [self.sofia])
        self.assertFalse(check.health_ok)
        self.make_eligible(case)
        case.refresh_from_db()
        self.assertTrue(rules.checklist(case, timezone.localdate()).complete)

    def test_it_refuses_pre_departure_without_everyone_s_consent(self) -> None:
        case = self.open_case()
        services.relocation_health_check(actor=self.alice, case=case, on=timezone.localdate())
        with self.assertRaises(Refused) as caught:
            self.advance(case, Stage.PRE_DEPARTURE)
        self.assertEqual(caught.exception.refusal_code, "consent_missing")
        self.assertIn("Sofía Rojas", caught.exception.detail)
        case.refresh_from_db()
        self.assertEqual(case.stage, Stage.ELIGIBILITY)

    def test_it_refuses_travel_once_a_consent_is_withdrawn(self) -> None:
        case = self.open_case()
        self.make_eligible(case)
        self.advance(case, Stage.PRE_DEPARTURE)
        Consent.objects.filter(person=self.marta, purpose="relocation").update(
            withdrawn_on=timezone.localdate()
        )
        with self.assertRaises(Refused) as caught:
            self.advance(case, Stage.TRAVEL)
        self.assertEqual(caught.exception.refusal_code, "consent_missing")
        self.assertIn("Marta Rojas", caught.exception.detail)
        case.refresh_from_db()
        self.assertEqual((case.stage, case.departed_on), (Stage.PRE_DEPARTURE, None))

    def test_it_refuses_travel_without_a_valid_document(self) -> None:
        case = self.open_case()
        self.make_eligible(case)
        self.advance(case, Stage.PRE_DEPARTURE)
        Document.objects.filter(person=self.marta).update(status=Document.Status.LOST)
        with self.assertRaises(Refused) as caught:
            self.advance(case, Stage.TRAVEL)
        self.assertEqual(caught.exception.refusal_code, "documents_missing")
        self.assertIn("Marta Rojas", caught.exception.detail)
        Document.objects.filter(person=self.marta).update(
            status=Document.Status.VALID, expires_on=timezone.localdate() - timedelta(days=1)
        )
        with self.assertRaises(Refused) as expired:
            self.advance(case, Stage.TRAVEL)
        self.assertEqual(expired.exception.refusal_code, "documents_missing")
        Document.objects.filter(person=self.marta).update(type=Document.Type.OTHER, expires_on=None)
        with self.assertRaises(Refused):
            self.advance(case, Stage.TRAVEL)

    def test_it_refuses_pre_departure_without_the_health_check(self) -> None:
        case = self.open_case()
        self.make_eligible(case)
        RelocationCase.objects.filter(pk=case.pk).update(health_check_on=None)
        case.refresh_from_db()
        with self.assertRaises(Refused) as caught:
            self.advance(case, Stage.PRE_DEPARTURE)
        self.assertEqual(caught.exception.refusal_code, "health_check_missing")

    def test_it_refuses_skipping_a_stage(self) -> None:
        case = self.open_case()
        self.make_eligible(case)
        with self.assertRaises(Refused) as caught:
            self.advance(case, Stage.TRAVEL)
        self.assertEqual(caught.exception.refusal_code, "stage_not_allowed")

    def test_it_goes_all_the_way_and_writes_the_arrival_as_a_delivery(self) -> None:
        case = self.open_case()
        self.make_eligible(case)
        self.advance(case, Stage.PRE_DEPARTURE, days_ago=120)
        self.advance(case, Stage.TRAVEL, days_ago=100)
        self.advance(case, Stage.ARRIVED, days_ago=99)
        assert case.delivery is not None
        served = ServiceDelivery.objects.get(pk=case.delivery.pk)
        self.assertEqual(
            (served.sector, served.indicator, served.quantity, served.modality),
            ("integration", "people_relocated", 2, "service"),
        )
        self.assertEqual(served.place, self.medellin)
        self.assertEqual({p.person_id for p in served.people.all()}, {self.marta.pk, self.sofia.pk})
        self.assertEqual(served.ref_uuid, case.uuid)
        self.advance(case, Stage.FOLLOW_UP_30, days_ago=69, outcome="settled_working")
        self.advance(case, Stage.FOLLOW_UP_90, days_ago=9, outcome="settled")
        self.advance(case, Stage.CLOSED)
        self.assertEqual(case.stage, Stage.CLOSED)
        kinds = list(
            TimelineEntry.objects.filter(household=self.rojas).values_list("kind", flat=True)
        )
        self.assertEqual(kinds.count("relocation"), 6)  # all but the arrival
        self.assertEqual(kinds.count("assistance"), 1)  # the arrival, as a delivery
        self.assertEqual(
            list(case.steps.values_list("stage", flat=True)),
            [
                "eligibility",
                "pre_departure",
                "travel",
                "arrived",
                "follow_up_30",
                "follow_up_90",
                "closed",
            ],
        )

    def test_it_dates_the_visits_30_and_90_days_after_the_arrival(self) -> None:
        case = self.open_case()
        self.make_eligible(case)
        self.advance(case, Stage.PRE_DEPARTURE, days_ago=30)
        self.advance(case, Stage.TRAVEL, days_ago=26)
        self.advance(case, Stage.ARRIVED, days_ago=25)
        today = timezone.localdate()
        arrived = today - timedelta(days=25)
        self.assertEqual(case.follow_up_30_due, arrived + timedelta(days=30))
        self.assertEqual(case.follow_up_90_due, arrived + timedelta(days=90))
        due = selectors.due_follow_ups(user=self.alice, today=today)
        self.assertEqual(
            [(d.kind, d.due_on) for d in due], [("relocation_30", today + timedelta(days=5))]
        )
        self.assertEqual(
            selectors.due_follow_ups(user=self.alice, today=today - timedelta(days=3)), []
        )
        self.advance(case, Stage.FOLLOW_UP_30, outcome="settled")
        self.assertEqual(selectors.due_follow_ups(user=self.alice, today=today), [])
        later = today + timedelta(days=60)
        self.assertEqual(
            [d.kind for d in selectors.due_follow_ups(user=self.alice, today=later)],
            ["relocation_90"],
        )
        self.assertEqual(selectors.due_follow_ups(user=self.charlie, today=later), [])

    def test_it_refuses_a_visit_without_what_it_found_or_before_the_arrival(self) -> None:
        case = self.open_case()
        self.make_eligible(case)
        self.advance(case, Stage.PRE_DEPARTURE, days_ago=5)
        self.advance(case, Stage.TRAVEL, days_ago=4)
        self.advance(case, Stage.ARRIVED, days_ago=3)
        with self.assertRaises(ValidationError) as no_outcome:
            self.advance(case, Stage.FOLLOW_UP_30)
        self.assertIn("outcome", no_outcome.exception.message_dict)
        with self.assertRaises(ValidationError) as early:
            self.advance(case, Stage.FOLLOW_UP_30, days_ago=4, outcome="settled")
        self.assertIn("on", early.exception.message_dict)

    def test_it_refuses_dates_in_the_future(self) -> None:
        case = self.open_case()
        with self.assertRaises(ValidationError) as caught:
            services.relocation_health_check(
                actor=self.alice, case=case, on=timezone.localdate() + timedelta(days=1)
            )
        self.assertIn("on", caught.exception.message_dict)
        self.make_eligible(case)
        with self.assertRaises(ValidationError):
            self.advance(case, Stage.PRE_DEPARTURE, days_ago=-2)

    def test_it_cancels_with_a_reason_and_then_a_new_case_may_open(self) -> None:
        case = self.open_case()
        with self.assertRaises(Refused) as twice:
            self.open_case()
        self.assertEqual(twice.exception.refusal_code, "case_open")
        with self.assertRaises(ValidationError):
            self.advance(case, Stage.CANCELLED)
        self.advance(case, Stage.CANCELLED, reason="host_withdrew")
        self.assertEqual((case.stage, case.cancel_reason), (Stage.CANCELLED, "host_withdrew"))
        entry = TimelineEntry.objects.filter(household=self.rojas).order_by("-pk").first()
        assert entry is not None
        with translation.override("pt"):
            self.assertIn("O anfitrião ou o empregador desistiu", entry.text)
        self.assertNotEqual(self.open_case().pk, case.pk)

    def test_it_travels_on_a_humanitarian_transport_trip_of_its_organisation(self) -> None:
        route = Route.objects.create(
            organization=self.iom,
            country=self.co,
            name="Cúcuta-Bogotá",
            origin=self.bogota,
            destination=self.medellin,
        )
        trip = Trip.objects.create(
            route=route,
            departs_on=timezone.localdate(),
            departs_at=time(6),
            vehicle="Bus",
            seats=30,
            created_by=self.alice,
        )
        foreign_route = Route.objects.create(
            organization=self.ffs,
            country=self.co,
            name="F",
            origin=self.bogota,
            destination=self.medellin,
        )
        foreign = Trip.objects.create(
            route=foreign_route,
            departs_on=timezone.localdate(),
            departs_at=time(6),
            vehicle="Bus",
            seats=30,
            created_by=self.charlie,
        )
        case = self.open_case()
        self.make_eligible(case)
        self.advance(case, Stage.PRE_DEPARTURE)
        with self.assertRaises(ValidationError):
            self.advance(case, Stage.TRAVEL, trip=foreign)
        self.advance(case, Stage.TRAVEL, trip=trip)
        self.assertEqual(case.trip, trip)

    def test_it_refuses_another_organisation_and_a_city_abroad(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.relocation_open(
                actor=self.charlie,
                household=self.rojas,
                modality="social_reunion",
                destination=self.bogota,
                host_name="X",
                host_contact="Y",
            )
        with self.assertRaises(PermissionDenied):
            services.relocation_open(
                actor=self.dora,
                household=self.rojas,
                modality="social_reunion",
                destination=self.bogota,
                host_name="X",
                host_contact="Y",
            )
        with self.assertRaises(ValidationError) as abroad:
            services.relocation_open(
                actor=self.alice,
                household=self.rojas,
                modality="social_reunion",
                destination=self.lima,
                host_name=" ",
                host_contact="Y",
            )
        self.assertEqual(set(abroad.exception.message_dict), {"destination", "host_name"})
        case = self.open_case()
        with self.assertRaises(PermissionDenied):
            services.relocation_advance(
                actor=self.charlie, case=case, stage="cancelled", reason="other"
            )
