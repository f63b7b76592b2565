from __future__ import annotations

import uuid
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from caminantes.assistance.errors import Refused
from caminantes.assistance.models import ServiceDelivery
from caminantes.assistance.shelter import selectors, services
from caminantes.assistance.shelter.models import (
    BedAssignment,
    StayExtension,
    StayStatus,
    WaitingEntry,
)
from caminantes.assistance.shelter.tests.base import ShelterTestCase
from caminantes.audit.models import AuditEvent
from caminantes.registry.models import TimelineEntry


class CheckInTests(ShelterTestCase):
    def test_it_checks_a_family_in_and_writes_one_delivery_on_its_timeline(self) -> None:
        f = self.family
        written = self.check_in(
            [
                (self.mother, self.bed(f, "F1")),
                (self.father, self.bed(f, "F2")),
                (self.girl, self.bed(f, "F3")),
                (self.baby, self.bed(f, "F4")),
            ]
        )
        stay = written.stay
        self.assertEqual(stay.status, StayStatus.CHECKED_IN)
        self.assertEqual(stay.nights, 3)
        served = ServiceDelivery.objects.get(ref_uuid=stay.uuid)
        self.assertEqual(
            (served.sector, served.indicator, served.quantity),
            ("shelter", "people_in_temporary_accommodation", 4),
        )
        self.assertEqual(served.people.count(), 4)
        self.assertTrue(TimelineEntry.objects.filter(household=self.perez).exists())
        board = selectors.board(self.site)
        self.assertEqual((board.beds, board.occupied), (8, 4))

    def test_it_refuses_a_man_in_a_women_only_room(self) -> None:
        with self.assertRaises(Refused) as refused:
            self.check_in([(self.luis, self.bed(self.women, "M1"))])
        self.assertEqual(refused.exception.refusal_code, "room_women_only")
        self.assertIn("Luis", refused.exception.detail)
        self.assertFalse(BedAssignment.objects.exists())

    def test_it_lets_a_mother_and_her_baby_boy_into_the_women_only_room(self) -> None:
        self.check_in(
            [(self.mother, self.bed(self.women, "M1")), (self.baby, self.bed(self.women, "M2"))]
        )
        self.assertEqual(BedAssignment.objects.filter(released_at__isnull=True).count(), 2)

    def test_it_keeps_the_family_room_for_families_with_children(self) -> None:
        with self.assertRaises(Refused) as refused:
            self.check_in([(self.luis, self.bed(self.family, "F1"))])
        self.assertEqual(refused.exception.refusal_code, "room_families_only")

    def test_it_keeps_the_cot_for_a_baby(self) -> None:
        with self.assertRaises(Refused) as refused:
            self.check_in([(self.father, self.bed(self.family, "F4"))])
        self.assertEqual(refused.exception.refusal_code, "bed_wrong_kind")

    def test_it_refuses_a_bed_already_taken(self) -> None:
        self.check_in([(self.luis, self.bed(self.general, "G1"))])
        with self.assertRaises(Refused) as refused:
            self.check_in([(self.father, self.bed(self.general, "G1"))])
        self.assertEqual(refused.exception.refusal_code, "bed_taken")

    def test_it_never_gives_one_person_two_beds(self) -> None:
        self.check_in([(self.luis, self.bed(self.general, "G1"))])
        other_site = services.site_create(
            actor=self.sara, organization=self.iom, country=self.co, name="Tránsito", kind="transit"
        )
        room = services.room_create(actor=self.sara, site=other_site, name="A", beds=1)
        with self.assertRaises(Refused) as refused:
            services.stay_check_in(
                actor=self.sara,
                site=other_site,
                household=self.luis_household,
                placements=[(self.luis, room.beds.get())],
                nights=1,
            )
        self.assertEqual(refused.exception.refusal_code, "person_already_in_bed")

    def test_it_holds_one_bed_per_person_in_the_database_too(self) -> None:
        stay = self.check_in([(self.luis, self.bed(self.general, "G1"))]).stay
        with self.assertRaises(IntegrityError), transaction.atomic():
            BedAssignment.objects.create(
                stay=stay,
                bed=self.bed(self.general, "G2"),
                person=self.luis,
                assigned_at=timezone.now(),
            )
        with self.assertRaises(IntegrityError), transaction.atomic():
            BedAssignment.objects.create(
                stay=stay,
                bed=self.bed(self.general, "G1"),
                person=self.father,
                assigned_at=timezone.now(),
            )

    def test_it_refuses_more_nights_than_the_site_allows(self) -> None:
        with self.assertRaises(Refused) as refused:
            self.check_in([(self.luis, self.bed(self.general, "G1"))], nights=6)
        self.assertEqual(refused.exception.refusal_code, "stay_too_long")
        with self.assertRaises(ValidationError):
            self.check_in([(self.luis, self.bed(self.general, "G1"))], nights=0)

    def test_it_refuses_an_empty_or_mixed_placement(self) -> None:
        with self.assertRaises(ValidationError):
            services.stay_check_in(
                actor=self.sara, site=self.site, household=self.perez, placements=[], nights=1
            )
        with self.assertRaises(ValidationError):
            services.stay_check_in(
                actor=self.sara,
                site=self.site,
                household=self.perez,
                placements=[(self.luis, self.bed(self.general, "G1"))],
                nights=1,
            )

    def test_it_refuses_another_organisations_officer(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.stay_check_in(
                actor=self.fabi,
                site=self.site,
                household=self.luis_household,
                placements=[(self.luis, self.bed(self.general, "G1"))],
                nights=1,
            )

    def test_it_answers_a_resent_check_in_once_and_refuses_a_reused_id(self) -> None:
        rid = uuid.uuid4()
        first = self.check_in([(self.luis, self.bed(self.general, "G1"))], request_id=rid)
        again = self.check_in([(self.luis, self.bed(self.general, "G1"))], request_id=rid)
        self.assertTrue(again.replayed)
        self.assertEqual(again.stay, first.stay)
        with self.assertRaises(Refused) as refused:
            self.check_in([(self.luis, self.bed(self.general, "G2"))], request_id=rid)
        self.assertEqual(refused.exception.refusal_code, "request_id_reused")
        self.assertEqual(ServiceDelivery.objects.count(), 1)


class StayTests(ShelterTestCase):
    def test_it_extends_with_a_reason_and_audits_it(self) -> None:
        stay = self.check_in([(self.luis, self.bed(self.general, "G1"))], nights=5).stay
        with self.assertRaises(ValidationError):
            services.stay_extend(actor=self.sara, stay=stay, nights=2, reason="  ")
        with self.assertRaises(Refused) as refused:
            services.stay_extend(actor=self.sara, stay=stay, nights=9, reason="Sick")
        self.assertEqual(refused.exception.refusal_code, "stay_too_long")
        services.stay_extend(actor=self.sara, stay=stay, nights=2, reason="Waiting for a bus")
        stay.refresh_from_db()
        self.assertEqual(stay.nights, 7)
        self.assertEqual(StayExtension.objects.get(stay=stay).reason, "Waiting for a bus")
        self.assertTrue(AuditEvent.objects.filter(action="update", object_uuid=stay.uuid).exists())

    def test_it_checks_out_and_frees_the_beds(self) -> None:
        stay = self.check_in([(self.luis, self.bed(self.general, "G1"))]).stay
        services.stay_check_out(actor=self.sara, stay=stay)
        stay.refresh_from_db()
        self.assertEqual(stay.status, StayStatus.CHECKED_OUT)
        self.assertFalse(BedAssignment.objects.filter(released_at__isnull=True).exists())
        with self.assertRaises(Refused) as refused:
            services.stay_check_out(actor=self.sara, stay=stay)
        self.assertEqual(refused.exception.refusal_code, "stay_closed")
        self.check_in([(self.father, self.bed(self.general, "G1"))])  # the bed is free again

    def test_it_holds_a_reservation_until_its_time_then_a_no_show_frees_it(self) -> None:
        until = timezone.now() + timedelta(hours=3)
        stay = self.check_in([(self.luis, self.bed(self.general, "G1"))], reserved_until=until).stay
        self.assertEqual(stay.status, StayStatus.RESERVED)
        self.assertFalse(ServiceDelivery.objects.exists())
        with self.assertRaises(Refused) as refused:
            services.stay_no_show(actor=self.sara, stay=stay)
        self.assertEqual(refused.exception.refusal_code, "reservation_still_held")
        type(stay).objects.filter(pk=stay.pk).update(
            reserved_until=timezone.now() - timedelta(minutes=1)
        )
        self.assertEqual(selectors.board(self.site).no_shows, [stay])
        services.stay_no_show(actor=self.sara, stay=stay)
        stay.refresh_from_db()
        self.assertEqual(stay.status, StayStatus.NO_SHOW)
        self.assertFalse(BedAssignment.objects.filter(released_at__isnull=True).exists())

    def test_it_takes_up_a_reservation_on_arrival(self) -> None:
        until = timezone.now() + timedelta(hours=3)
        stay = self.check_in([(self.luis, self.bed(self.general, "G1"))], reserved_until=until).stay
        services.stay_arrive(actor=self.sara, stay=stay)
        stay.refresh_from_db()
        self.assertEqual(stay.status, StayStatus.CHECKED_IN)
        self.assertTrue(ServiceDelivery.objects.filter(ref_uuid=stay.uuid).exists())

    def test_it_shows_who_is_due_out_today_and_who_is_overdue(self) -> None:
        stay = self.check_in([(self.luis, self.bed(self.general, "G1"))], nights=1).stay
        tomorrow = timezone.localdate() + timedelta(days=1)
        self.assertEqual(selectors.board(self.site, tomorrow).due_today, [stay])
        self.assertEqual(selectors.board(self.site, tomorrow + timedelta(days=1)).overdue, [stay])


class WaitingListTests(ShelterTestCase):
    def test_it_removes_the_entry_when_the_household_checks_in(self) -> None:
        entry = services.waiting_add(
            actor=self.sara,
            site=self.site,
            household=self.luis_household,
            needs="Needs a lower bunk",
            priority=1,
        ).waiting
        self.assertEqual(entry.size, 1)
        with self.assertRaises(Refused) as refused:
            services.waiting_add(actor=self.sara, site=self.site, household=self.luis_household)
        self.assertEqual(refused.exception.refusal_code, "already_waiting")
        stay = self.check_in([(self.luis, self.bed(self.general, "G1"))]).stay
        entry.refresh_from_db()
        self.assertEqual((entry.closed_reason, entry.stay), (WaitingEntry.Closed.CHECKED_IN, stay))
        self.assertEqual(list(selectors.waiting_list(self.site)), [])

    def test_it_refuses_a_wrong_priority_or_size(self) -> None:
        for priority, size in ((0, 1), (4, 1), (2, 0), (2, 999)):
            with self.subTest(priority=priority, size=size), self.assertRaises(ValidationError):
                services.waiting_add(
                    actor=self.sara,
                    site=self.site,
                    household=self.perez,
                    priority=priority,
                    size=size,
                )


class HeadcountTests(ShelterTestCase):
    def test_it_records_tonights_presence_and_flags_the_absent(self) -> None:
        self.check_in(
            [(self.mother, self.bed(self.family, "F1")), (self.girl, self.bed(self.family, "F2"))]
        )
        self.check_in([(self.luis, self.bed(self.general, "G1"))])
        today = timezone.localdate()
        count = services.headcount_record(
            actor=self.sara, site=self.site, night=today, present=[self.mother, self.girl]
        ).headcount
        absent = [ln.person for ln in count.lines.filter(present=False)]
        self.assertEqual(absent, [self.luis])
        again = services.headcount_record(
            actor=self.sara,
            site=self.site,
            night=today,
            present=[self.mother, self.girl, self.luis],
        )
        self.assertEqual(again.headcount, count)
        self.assertFalse(count.lines.filter(present=False).exists())
        board = selectors.board(self.site, today + timedelta(days=1))
        self.assertEqual(board.headcount, count)

    def test_it_refuses_a_night_in_the_future_or_a_stranger(self) -> None:
        tomorrow = timezone.localdate() + timedelta(days=1)
        with self.assertRaises(ValidationError):
            services.headcount_record(actor=self.sara, site=self.site, night=tomorrow, present=[])
        with self.assertRaises(ValidationError):
            services.headcount_record(
                actor=self.sara, site=self.site, night=timezone.localdate(), present=[self.luis]
            )


class OccupancyTests(ShelterTestCase):
    def test_it_counts_beds_and_occupied_beds_per_night(self) -> None:
        today = timezone.localdate()
        self.check_in([(self.luis, self.bed(self.general, "G1"))])
        stay = self.check_in([(self.mother, self.bed(self.women, "M1"))]).stay
        services.stay_check_out(actor=self.sara, stay=stay)  # left the same day: no night
        nights = selectors.occupancy_by_night(self.site, today - timedelta(days=1), today)
        self.assertEqual([(n.beds, n.occupied) for n in nights], [(0, 0), (8, 1)])
        self.assertEqual(nights[1].rate, 1 / 8)
        bars = selectors.chart_bars(nights)
        self.assertEqual(bars[1].percent, 12)
