from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from caminantes.assistance.shelter.models import BedAssignment, Headcount, Stay, WaitingEntry
from caminantes.assistance.shelter.tests.base import ShelterTestCase


class PageTests(ShelterTestCase):
    def setUp(self) -> None:
        self.login(self.sara)

    def test_it_shows_the_board_with_the_free_beds_and_the_chart(self) -> None:
        self.check_in([(self.luis, self.bed(self.general, "G1"))], nights=1)
        response = self.client.get(
            f"/assistance/shelter/{self.site.uuid}/", HTTP_ACCEPT_LANGUAGE="es"
        )
        self.assertContains(response, "Luis Pérez")
        self.assertContains(response, "<svg")
        self.assertContains(response, "<rect", count=30)

    def test_it_checks_a_household_in_from_the_page(self) -> None:
        url = f"/assistance/shelter/{self.site.uuid}/check-in/"
        found = self.client.get(url, {"q": "luis"})
        self.assertContains(found, str(self.luis_household.uuid))
        page = self.client.get(url, {"household": str(self.luis_household.uuid)})
        self.assertContains(page, f"bed_{self.luis.uuid}")
        g1 = self.bed(self.general, "G1")
        response = self.client.post(
            url,
            {
                "household": self.luis_household.uuid,
                "request_id": "7f1d7f8e-0000-4000-8000-000000000001",
                "nights": 2,
                f"bed_{self.luis.uuid}": g1.uuid,
            },
        )
        stay = Stay.objects.get()
        self.assertRedirects(response, f"/assistance/shelter/stays/{stay.uuid}/")
        self.assertEqual(BedAssignment.objects.get().bed, g1)

    def test_it_shows_the_refusals_as_form_errors_not_server_errors(self) -> None:
        url = f"/assistance/shelter/{self.site.uuid}/check-in/"
        m1 = self.bed(self.women, "M1")
        for data, words in (
            ({"nights": 2, f"bed_{self.luis.uuid}": m1.uuid}, "solo para mujeres"),
            ({"nights": 30, f"bed_{self.luis.uuid}": self.bed(self.general, "G1").uuid}, "5"),
            ({"nights": 2}, "al menos una persona"),
            ({"nights": "", f"bed_{self.luis.uuid}": "nope"}, "error"),
        ):
            with self.subTest(data=data):
                response = self.client.post(
                    url,
                    {
                        "household": self.luis_household.uuid,
                        "request_id": "7f1d7f8e-0000-4000-8000-000000000002",
                        **data,
                    },
                    HTTP_ACCEPT_LANGUAGE="es",
                )
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, words)
        self.assertFalse(Stay.objects.exists())

    def test_it_extends_and_checks_out_from_the_stay_page(self) -> None:
        stay = self.check_in([(self.luis, self.bed(self.general, "G1"))]).stay
        url = f"/assistance/shelter/stays/{stay.uuid}/"
        empty = self.client.post(url, {"request_id": "7f1d7f8e-0000-4000-8000-000000000003"})
        self.assertEqual(empty.status_code, 200)
        self.client.post(
            url,
            {
                "request_id": "7f1d7f8e-0000-4000-8000-000000000004",
                "nights": 2,
                "reason": "Bus on Monday",
            },
        )
        stay.refresh_from_db()
        self.assertEqual(stay.nights, 5)
        self.client.post(url + "check-out/")
        stay.refresh_from_db()
        self.assertEqual(stay.status, "checked_out")
        again = self.client.post(url + "check-out/", follow=True)
        self.assertEqual(again.status_code, 200)

    def test_it_keeps_a_waiting_list(self) -> None:
        url = f"/assistance/shelter/{self.site.uuid}/waiting/"
        bad = self.client.post(
            url,
            {
                "household": self.perez.uuid,
                "size": 0,
                "priority": 9,
                "request_id": "7f1d7f8e-0000-4000-8000-000000000005",
            },
        )
        self.assertEqual(bad.status_code, 200)
        self.client.post(
            url,
            {
                "household": self.perez.uuid,
                "size": 4,
                "priority": 1,
                "needs": "Cuna",
                "request_id": "7f1d7f8e-0000-4000-8000-000000000006",
            },
        )
        entry = WaitingEntry.objects.get()
        self.assertContains(self.client.get(url), "Cuna")
        self.client.post(f"/assistance/shelter/waiting/{entry.uuid}/remove/")
        entry.refresh_from_db()
        self.assertEqual(entry.closed_reason, "withdrawn")

    def test_it_records_a_headcount_and_refuses_a_future_night(self) -> None:
        self.check_in([(self.luis, self.bed(self.general, "G1"))])
        url = f"/assistance/shelter/{self.site.uuid}/headcount/"
        today = timezone.localdate()
        self.assertContains(self.client.get(url), "Luis Pérez")
        future = self.client.post(
            url,
            {
                "night": today + timedelta(days=2),
                "present": [],
                "request_id": "7f1d7f8e-0000-4000-8000-000000000007",
            },
        )
        self.assertEqual(future.status_code, 200)
        self.assertFalse(Headcount.objects.exists())
        self.client.post(
            url,
            {"night": today, "present": [], "request_id": "7f1d7f8e-0000-4000-8000-000000000008"},
        )
        self.assertFalse(Headcount.objects.get().lines.get().present)

    def test_it_adds_rooms_and_beds_and_refuses_a_nameless_room(self) -> None:
        url = f"/assistance/shelter/{self.site.uuid}/rooms/"
        self.assertEqual(
            self.client.post(url, {"name": "", "beds": 2, "bed_kind": "adult"}).status_code, 200
        )
        both = self.client.post(
            url, {"name": "X", "beds": 2, "bed_kind": "adult", "women_only": "on", "families": "on"}
        )
        self.assertEqual(both.status_code, 200)
        self.client.post(url, {"name": "Anexo", "beds": 2, "bed_kind": "adult"})
        room = self.site.rooms.get(name="Anexo")
        self.client.post(
            f"/assistance/shelter/rooms/{room.uuid}/beds/", {"count": 3, "kind": "cot"}
        )
        self.assertEqual(room.beds.count(), 5)

    def test_it_hides_a_shelter_from_another_organisation(self) -> None:
        self.login(self.fabi)
        self.assertEqual(self.client.get(f"/assistance/shelter/{self.site.uuid}/").status_code, 404)
        self.login(self.alice)  # a registrar: no shelter permission
        self.assertEqual(self.client.get("/assistance/shelter/").status_code, 403)


class SiteListTests(ShelterTestCase):
    def test_it_creates_a_shelter_and_refuses_wrong_input(self) -> None:
        self.login(self.sara)
        for wrong in (
            {},
            {"name": "X", "kind": "castle", "country": self.co.pk, "max_nights": 3},
            {"name": "X", "kind": "hotel", "country": self.co.pk, "max_nights": 0},
            {"name": "Albergue Cúcuta", "kind": "hotel", "country": self.co.pk, "max_nights": 3},
        ):
            with self.subTest(wrong=wrong):
                self.assertEqual(self.client.post("/assistance/shelter/", wrong).status_code, 200)
        response = self.client.post(
            "/assistance/shelter/",
            {
                "name": "Hotel Central",
                "kind": "hotel",
                "country": self.co.pk,
                "max_nights": 3,
            },
        )
        site = self.site.__class__.objects.get(name="Hotel Central")
        self.assertRedirects(response, f"/assistance/shelter/{site.uuid}/rooms/")
        self.assertContains(self.client.get("/assistance/shelter/"), "Hotel Central")
