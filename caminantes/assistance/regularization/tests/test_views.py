from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from caminantes.assistance.regularization import services_appointments
from caminantes.assistance.regularization.models import Appointment, Enrolment, Slot
from caminantes.assistance.regularization.tests.base import RegularizationTestCase
from caminantes.audit.models import AuditEvent
from caminantes.registry.models import Document


@override_settings(LANGUAGE_CODE="es")
class PageTests(RegularizationTestCase):
    def page(self, name: str, *args: Any, user: Any = None, data: Any = None) -> Any:
        client = self.login(user or self.alice)
        if name in ("regularization_scheme", "regularization_step"):
            url = f"{reverse('regularization_schemes')}?{name.split('_')[1]}={args[0]}"
        else:
            url = reverse(name, args=args)
        headers = {"Accept-Language": "es"}
        if data is None:
            return client.get(url, headers=headers)
        return client.post(url, data, headers=headers)

    def test_it_enrols_a_person_from_their_page(self) -> None:
        answer = self.page("regularization_person", self.ana.uuid, data={"scheme": self.ppt.pk})
        enrolment = Enrolment.objects.get(person=self.ana)
        self.assertRedirects(answer, reverse("regularization_enrolment", args=[enrolment.uuid]))
        page = self.page("regularization_enrolment", enrolment.uuid)
        self.assertContains(page, "Pre-registro virtual en el RUMV")
        self.assertContains(page, "paso actual")

    def test_a_person_without_consent_gets_a_form_error_not_an_enrolment(self) -> None:
        answer = self.page("regularization_person", self.jorge.uuid, data={"scheme": self.ppt.pk})
        self.assertEqual(answer.status_code, 200)
        self.assertContains(answer, "consentimiento")
        self.assertFalse(Enrolment.objects.exists())

    def test_a_past_slot_cannot_be_booked_from_the_page(self) -> None:
        enrolment = self.enrol()
        past = Slot.objects.create(
            office=self.office, step=self.biometrics, starts_at=timezone.now() - timedelta(hours=2)
        )
        answer = self.page(
            "regularization_book",
            enrolment.uuid,
            data={"slot": past.pk, "request_id": "8c7b9a39-7a0c-4d34-9d0c-9a1b1a7a2f10"},
        )
        self.assertEqual(answer.status_code, 200)
        self.assertContains(answer, "errorlist")
        self.assertFalse(Appointment.objects.exists())

    def test_it_books_from_the_page_and_shows_the_day_at_the_office(self) -> None:
        enrolment = self.enrol()
        slot = self.slot(days=1, hour=8)
        answer = self.page(
            "regularization_book",
            enrolment.uuid,
            data={"slot": slot.pk, "request_id": "2f1c3a52-1111-4d34-9d0c-9a1b1a7a2f10"},
        )
        self.assertRedirects(answer, reverse("regularization_enrolment", args=[enrolment.uuid]))
        day = (timezone.localdate() + timedelta(days=1)).isoformat()
        calendar = self.client.get(
            reverse("regularization_office", args=[self.office.uuid]), {"day": day}
        )
        self.assertContains(calendar, "Ana Pérez")
        self.assertContains(calendar, "1/1")
        today = self.client.get(reverse("regularization_today"), {"day": day})
        self.assertContains(today, "Ana Pérez")
        self.assertTrue(
            AuditEvent.objects.filter(
                action="read_personal", object_type="registry.person"
            ).exists()
        )

    def test_todays_page_shows_my_reminders(self) -> None:
        services_appointments.appointment_book(
            actor=self.alice, enrolment=self.enrol(), slot=self.slot(days=1)
        )
        services_appointments.reminders_send()
        page = self.page("regularization_today")
        self.assertContains(page, "Recordatorios")
        self.assertContains(page, "se le puede enviar un mensaje")

    def test_opening_slots_refuses_a_backwards_range_and_the_past(self) -> None:
        today = timezone.localdate()
        data = {
            "step": self.biometrics.pk,
            "first_day": today + timedelta(days=5),
            "last_day": today + timedelta(days=2),
            "start": "08:00",
            "end": "10:00",
            "every_minutes": 30,
            "capacity": 1,
        }
        backwards = self.page("regularization_slots", self.office.uuid, data=data)
        self.assertContains(backwards, "El último día no puede ser anterior al primero.")
        past = self.page(
            "regularization_slots",
            self.office.uuid,
            data={
                **data,
                "first_day": today - timedelta(days=3),
                "last_day": today - timedelta(days=1),
            },
        )
        self.assertContains(past, "no en el pasado")
        self.assertFalse(Slot.objects.exists())
        opened = self.page(
            "regularization_slots",
            self.office.uuid,
            data={**data, "last_day": today + timedelta(days=6)},
        )
        self.assertEqual(opened.status_code, 302)
        self.assertEqual(Slot.objects.filter(office=self.office).count(), 8)  # 2 days x 4

    def test_the_delivery_step_completed_on_the_page_adds_the_document(self) -> None:
        enrolment = self.to_delivery(self.enrol())
        url = "regularization_advance"
        rid = "0b5e5f1c-2222-4d34-9d0c-9a1b1a7a2f10"
        empty = self.page(url, enrolment.uuid, data={"request_id": rid})
        self.assertContains(empty, "errorlist")
        future = (timezone.localdate() + timedelta(days=10)).isoformat()
        dated = self.page(
            url, enrolment.uuid, data={"request_id": rid, "number": "1234567", "issued_on": future}
        )
        self.assertContains(dated, "no puede estar en el futuro")
        done = self.page(url, enrolment.uuid, data={"request_id": rid, "number": "PPT 7654321"})
        self.assertEqual(done.status_code, 302)
        self.assertEqual(Document.objects.get(person=self.ana).number_last4, "4321")

    def test_the_waiting_counts_and_their_csv(self) -> None:
        self.enrol()
        page = self.page("regularization_waiting")
        self.assertContains(page, "Pre-registro virtual en el RUMV")
        csv = self.page("regularization_waiting_csv")
        body = b"".join(csv.streaming_content).decode()
        self.assertIn(
            "CO,Permiso por Protección Temporal (PPT),1,Pre-registro virtual en el RUMV,no,1,0",
            body,
        )
        self.assertNotIn("Ana", body)

    def test_a_country_manager_edits_a_scheme_and_a_caseworker_cannot(self) -> None:
        answer = self.page(
            "regularization_scheme",
            self.ppt.uuid,
            user=self.carla,
            data={"form": "new_step", "name": "Duplicado del PPT", "document_type": "ppt"},
        )
        self.assertEqual(answer.status_code, 302)
        self.assertEqual(self.ppt.steps.get(position=5).name, "Duplicado del PPT")
        self.assertEqual(self.page("regularization_step", self.rumv.uuid).status_code, 403)
        unchanged = self.page(
            "regularization_scheme",
            self.ppt.uuid,
            data={"form": "scheme", "name": "Hackeado", "description": ""},
        )
        self.assertEqual(unchanged.status_code, 200)
        self.ppt.refresh_from_db()
        self.assertNotEqual(self.ppt.name, "Hackeado")
        edit = self.page(
            "regularization_step",
            self.rumv.uuid,
            user=self.carla,
            data={"name": " ", "document_type": "passport"},
        )
        self.assertContains(edit, "errorlist")

    def test_another_organisation_reaches_none_of_it(self) -> None:
        enrolment = self.enrol()
        appointment = services_appointments.appointment_book(
            actor=self.alice, enrolment=enrolment, slot=self.slot()
        ).appointment
        for name, key in [
            ("regularization_person", self.ana.uuid),
            ("regularization_enrolment", enrolment.uuid),
            ("regularization_office", self.office.uuid),
            ("regularization_slots", self.office.uuid),
        ]:
            self.assertEqual(self.page(name, key, user=self.charlie).status_code, 404, name)
        cancel = self.page(
            "regularization_cancel",
            appointment.uuid,
            user=self.charlie,
            data={"request_id": "0b5e5f1c-3333-4d34-9d0c-9a1b1a7a2f10"},
        )
        self.assertEqual(cancel.status_code, 404)
        self.assertEqual(self.page("regularization_today", user=self.charlie).status_code, 200)
        self.assertNotContains(self.page("regularization_today", user=self.charlie), "Ana")
        self.assertEqual(self.page("regularization_today", user=self.eve).status_code, 403)

    def test_an_impossible_day_shows_today_instead(self) -> None:
        client = self.login(self.alice)
        for day in ("9999-12-31", "0001-01-01", "ayer", "2024-02-30"):
            for url in (reverse("regularization_today"),
                        reverse("regularization_office", args=[self.office.uuid])):  # fmt: skip
                self.assertEqual(client.get(url, {"day": day}).status_code, 200, (url, day))
        answer = client.post(reverse("regularization_today"), {"read": ["9" * 30, "٣"]})
        self.assertEqual(answer.status_code, 302)
