"""Correcting a shelter's rooms and beds: a bed (or a room) out of use, a room renamed."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from caminantes.accounts.models import User
from caminantes.accounts.services import api_token_create
from caminantes.assistance.errors import Refused
from caminantes.assistance.shelter import selectors, services_beds
from caminantes.assistance.shelter.models import Bed, ShelterRequest
from caminantes.assistance.shelter.tests.base import ShelterTestCase
from caminantes.audit.models import AuditEvent

BASE = "/api/v1/assistance/shelter"


class BedServiceTests(ShelterTestCase):
    def test_a_free_bed_goes_out_of_use_and_is_no_longer_offered_nor_counted(self) -> None:
        bed = self.bed(self.general, "G1")
        before = selectors.board(self.site).beds
        services_beds.bed_deactivate(actor=self.sara, bed=bed)
        bed.refresh_from_db()
        self.assertFalse(bed.is_active)
        self.assertIsNotNone(bed.deactivated_at)
        self.assertNotIn(bed, list(selectors.beds_of(self.site)))
        self.assertEqual(selectors.board(self.site).beds, before - 1)
        today = timezone.localdate()
        nights = selectors.occupancy_by_night(self.site, today - timedelta(days=1), today)
        self.assertEqual([n.beds for n in nights], [0, before - 1])  # the beds were made today
        self.assertTrue(AuditEvent.objects.filter(object_uuid=bed.uuid, action="update").exists())

    def test_the_capacity_counts_the_bed_until_the_night_before(self) -> None:
        bed = self.bed(self.general, "G1")
        total = Bed.objects.filter(room__site=self.site).count()
        long_ago = timezone.now() - timedelta(days=10)
        Bed.objects.filter(room__site=self.site).update(created_at=long_ago)
        services_beds.bed_deactivate(actor=self.sara, bed=bed)
        Bed.objects.filter(pk=bed.pk).update(deactivated_at=timezone.now() - timedelta(days=3))
        today = timezone.localdate()
        nights = selectors.occupancy_by_night(self.site, today - timedelta(days=4), today)
        self.assertEqual([n.beds for n in nights],
                         [total, total - 1, total - 1, total - 1, total - 1])  # fmt: skip

    def test_a_bed_held_by_a_guest_is_refused_in_words(self) -> None:
        bed = self.bed(self.general, "G1")
        self.check_in([(self.luis, bed)])
        with self.assertRaises(Refused) as refused:
            services_beds.bed_deactivate(actor=self.sara, bed=bed)
        self.assertEqual(refused.exception.refusal_code, "bed_held")
        with self.assertRaises(Refused):
            services_beds.room_deactivate(actor=self.sara, room=self.general)
        self.assertEqual(Bed.objects.filter(room=self.general, is_active=True).count(), 2)

    def test_a_check_in_onto_a_bed_out_of_use_is_refused(self) -> None:
        bed = self.bed(self.general, "G2")
        services_beds.bed_deactivate(actor=self.sara, bed=bed)
        with self.assertRaises(Exception) as refused:
            self.check_in([(self.luis, bed)])
        self.assertIn("placements", getattr(refused.exception, "message_dict", {"placements": 1}))

    def test_a_room_goes_out_of_use_and_back(self) -> None:
        services_beds.room_deactivate(actor=self.sara, room=self.general)
        self.assertFalse(Bed.objects.filter(room=self.general, is_active=True).exists())
        with self.assertRaises(Refused):
            services_beds.room_deactivate(actor=self.sara, room=self.general)
        services_beds.bed_reactivate(actor=self.sara, bed=self.bed(self.general, "G1"))
        self.assertEqual(
            list(Bed.objects.filter(room=self.general, is_active=True).values_list("label",
                                                                                   flat=True)),
            ["G1"],
        )  # fmt: skip

    def test_another_organisation_may_not(self) -> None:
        from django.core.exceptions import PermissionDenied

        with self.assertRaises(PermissionDenied):
            services_beds.bed_deactivate(actor=self.fabi, bed=self.bed(self.general, "G1"))
        with self.assertRaises(PermissionDenied):
            services_beds.room_rename(actor=self.fabi, room=self.general, name="X")


class BedPageTests(ShelterTestCase):
    def setUp(self) -> None:
        self.login(self.sara)

    def test_the_room_page_lists_the_beds_and_takes_one_out_of_use(self) -> None:
        bed = self.bed(self.general, "G1")
        page = self.client.get(reverse("shelter_beds", args=[self.general.uuid]))
        self.assertContains(page, reverse("shelter_bed_deactivate", args=[bed.uuid]))
        answer = self.client.post(reverse("shelter_bed_deactivate", args=[bed.uuid]))
        self.assertRedirects(answer, reverse("shelter_beds", args=[self.general.uuid]))
        bed.refresh_from_db()
        self.assertFalse(bed.is_active)
        page = self.client.get(reverse("shelter_check_in", args=[self.site.uuid]))
        self.assertNotContains(page, f'value="{bed.pk}"')
        self.client.post(reverse("shelter_bed_reactivate", args=[bed.uuid]))
        bed.refresh_from_db()
        self.assertTrue(bed.is_active)

    def test_a_held_bed_and_a_held_room_are_refused_in_words(self) -> None:
        bed = self.bed(self.general, "G1")
        self.check_in([(self.luis, bed)])
        for url in (reverse("shelter_bed_deactivate", args=[bed.uuid]),
                    reverse("shelter_room_deactivate", args=[self.general.uuid])):  # fmt: skip
            with self.subTest(url=url):
                answer = self.client.post(url, follow=True)
                self.assertEqual(answer.status_code, 200)
                said = [(m.level_tag, str(m)) for m in answer.context["messages"]]
                self.assertEqual(said[-1][0], "error")
                self.assertIn("G1", said[-1][1])
        self.assertEqual(Bed.objects.filter(room=self.general, is_active=True).count(), 2)

    def test_a_room_is_renamed_and_wrong_names_refused(self) -> None:
        url = reverse("shelter_room_rename", args=[self.general.uuid])
        for wrong in ("", "   ", "Mujeres", "x" * 61):
            with self.subTest(wrong=wrong):
                answer = self.client.post(url, {"name": wrong})
                self.assertEqual(answer.status_code, 200)
                self.assertTrue(answer.context["rename"].errors)
        self.assertRedirects(self.client.post(url, {"name": "Hombres"}),
                             reverse("shelter_beds", args=[self.general.uuid]))  # fmt: skip
        self.general.refresh_from_db()
        self.assertEqual(self.general.name, "Hombres")

    def test_another_organisation_gets_404_a_registrar_403_and_get_is_405(self) -> None:
        bed = self.bed(self.general, "G1")
        urls = [reverse("shelter_bed_deactivate", args=[bed.uuid]),
                reverse("shelter_room_deactivate", args=[self.general.uuid]),
                reverse("shelter_room_rename", args=[self.general.uuid])]  # fmt: skip
        self.assertEqual(self.client.get(urls[0]).status_code, 405)
        self.login(self.fabi)
        for url in urls:
            self.assertEqual(self.client.post(url, {"name": "X"}).status_code, 404)
        self.login(self.alice)
        for url in urls:
            self.assertEqual(self.client.post(url, {"name": "X"}).status_code, 403)
        self.assertTrue(Bed.objects.get(pk=bed.pk).is_active)


class BedApiTests(ShelterTestCase):
    def call(self, user: User, bed: Bed, body: Any, scopes: tuple[str, ...] = ("read", "write")
             ) -> Any:  # fmt: skip
        secret = api_token_create(user=user, name="t", scopes=list(scopes)).secret
        return self.client.generic(
            "POST", f"{BASE}/beds/{bed.uuid}/deactivate", json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}", "Accept-Language": "es"},
        )  # fmt: skip

    def test_deactivate_resend_and_reuse(self) -> None:
        bed = self.bed(self.general, "G1")
        body = {"request_id": str(uuid.uuid4())}
        first = self.call(self.sara, bed, body)
        self.assertEqual(first.status_code, 200, first.content)
        self.assertFalse(first.json()["bed"]["is_active"])
        self.assertFalse(first.json()["replayed"])
        again = self.call(self.sara, bed, body)
        self.assertTrue(again.json()["replayed"])
        other = self.call(self.sara, self.bed(self.general, "G2"), body)
        self.assertEqual(other.status_code, 409)
        self.assertEqual(other.json()["code"], "request_id_reused")
        self.assertEqual(ShelterRequest.objects.count(), 1)

    def test_refusals_and_access(self) -> None:
        bed = self.bed(self.general, "G1")
        self.check_in([(self.luis, bed)])
        held = self.call(self.sara, bed, {"request_id": str(uuid.uuid4())})
        self.assertEqual(held.status_code, 409)
        self.assertEqual(held.json()["code"], "bed_held")
        self.assertEqual(self.call(self.sara, bed, {}).status_code, 422)
        self.assertEqual(self.call(self.sara, bed, {"request_id": "x"}).status_code, 422)
        free = self.bed(self.general, "G2")
        self.assertEqual(self.call(self.fabi, free, {"request_id": str(uuid.uuid4())}).status_code,
                         404)  # fmt: skip
        self.assertEqual(self.call(self.sara, free, {"request_id": str(uuid.uuid4())},
                                   scopes=("read",)).status_code, 403)  # fmt: skip
        self.assertTrue(Bed.objects.get(pk=free.pk).is_active)
