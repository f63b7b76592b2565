from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from caminantes.assistance.casework import services, services_records
from caminantes.assistance.casework.models import (
    LivelihoodActivity,
    RelocationCase,
    ServiceRecord,
    Stage,
)
from caminantes.assistance.casework.tests.base import CaseworkTestCase
from caminantes.audit.models import AuditEvent


class CaseworkPageTests(CaseworkTestCase):
    def page(self) -> str:
        return f"/assistance/casework/households/{self.rojas.uuid}/"

    def post(self, url: str, data: dict[str, Any], user: Any = None) -> Any:
        self.login(user or self.alice)
        return self.client.post(url, data, HTTP_ACCEPT_LANGUAGE="es")

    def record_data(self, **extra: Any) -> dict[str, Any]:
        data = {
            "form": "record",
            "request_id": str(uuid.uuid4()),
            "kind": "food_voucher",
            "served_on": timezone.localdate().isoformat(),
            "quantity": "1",
            "value": "120000",
            "currency": "COP",
            "mechanism": "voucher",
        }
        data.update(extra)
        return data

    def test_it_shows_the_household_s_casework_in_spanish(self) -> None:
        services_records.service_record(
            actor=self.alice,
            household=self.rojas,
            kind="multipurpose_cash",
            served_on=timezone.localdate(),
            value=Decimal(200),
            currency="COP",
            mechanism="cash_in_hand",
        )
        self.login(self.alice)
        response = self.client.get(self.page(), HTTP_ACCEPT_LANGUAGE="es")
        self.assertEqual(response.status_code, 200)
        text = response.content.decode()
        for expected in (
            "Reubicación voluntaria",
            "Salud, alimentación y efectivo",
            "Efectivo multipropósito",
            "Efectivo en mano",
            "registrado, no pagado",
            "Inscribir en una actividad",
            'name="viewport"',
        ):
            self.assertIn(expected, text)
        self.assertTrue(
            AuditEvent.objects.filter(
                action="read_personal", object_type="casework.servicerecord"
            ).exists()
        )

    def test_it_records_a_voucher_through_the_form(self) -> None:
        response = self.post(self.page(), self.record_data())
        self.assertRedirects(response, self.page(), fetch_redirect_response=False)
        record = ServiceRecord.objects.get()
        self.assertEqual(
            (record.kind, record.currency, record.mechanism, record.delivery.value),
            ("food_voucher", "COP", "voucher", 120000),
        )

    def test_it_answers_wrong_input_with_form_errors_not_server_errors(self) -> None:
        future = (timezone.localdate() + timedelta(days=3)).isoformat()
        cases: list[tuple[dict[str, Any], str]] = [
            ({"served_on": future}, "La fecha no puede estar en el futuro"),
            ({"value": "-50"}, "0.01"),
            ({"currency": "XYZ"}, "XYZ"),
            ({"mechanism": ""}, "Elija el mecanismo de entrega"),
            ({"kind": "consultation"}, "Solo el efectivo y los bonos se registran con un valor"),
            ({"quantity": "0"}, "quantity"),
        ]
        for extra, expected in cases:
            with self.subTest(extra=extra):
                response = self.post(self.page(), self.record_data(**extra))
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "error-summary")
                if expected != "quantity":
                    self.assertContains(response, expected)
        self.assertEqual(ServiceRecord.objects.count(), 0)
        future_start = {
            "form": "livelihood",
            "request_id": str(uuid.uuid4()),
            "person": str(self.marta.uuid),
            "kind": "training",
            "title": "Costura",
            "started_on": future,
        }
        response = self.post(self.page(), future_start)
        self.assertContains(response, "La fecha no puede estar en el futuro")
        self.assertEqual(LivelihoodActivity.objects.count(), 0)

    def test_it_lets_distribution_staff_record_food_but_not_health(self) -> None:
        self.login(self.dora)
        text = self.client.get(self.page(), HTTP_ACCEPT_LANGUAGE="es").content.decode()
        self.assertIn('value="food_kit"', text)
        self.assertNotIn('value="consultation"', text)
        self.assertNotIn("Abrir un caso de reubicación", text)
        response = self.post(
            self.page(),
            self.record_data(kind="consultation", value="", currency="", mechanism=""),
            self.dora,
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(ServiceRecord.objects.count(), 0)

    def test_it_opens_a_case_and_refuses_travel_without_consent_on_the_page(self) -> None:
        response = self.post(
            self.page(),
            {
                "form": "relocation",
                "request_id": str(uuid.uuid4()),
                "modality": "social_reunion",
                "destination": "medellín",
                "host_name": "Tía Carmen",
                "host_contact": "3001234567",
            },
        )
        case = RelocationCase.objects.get()
        self.assertRedirects(
            response,
            f"/assistance/casework/relocations/{case.uuid}/",
            fetch_redirect_response=False,
        )
        self.assertEqual(case.destination, self.medellin)
        url = f"/assistance/casework/relocations/{case.uuid}/"
        page = self.client.get(url, HTTP_ACCEPT_LANGUAGE="es")
        self.assertContains(page, "Lista de verificación de elegibilidad")
        self.assertContains(page, "Sofía Rojas")
        advance = {
            "action": "advance",
            "stage": "pre_departure",
            "request_id": str(uuid.uuid4()),
            "on": timezone.localdate().isoformat(),
        }
        refused = self.post(url, advance)
        self.assertEqual(refused.status_code, 200)
        self.assertContains(refused, "No hay consentimiento válido para la reubicación voluntaria")
        self.make_eligible(case)
        self.assertEqual(self.post(url, advance).status_code, 302)
        case.refresh_from_db()
        self.assertEqual(case.stage, Stage.PRE_DEPARTURE)
        self.sofia.consents.update(withdrawn_on=timezone.localdate())
        travel = {**advance, "stage": "travel", "request_id": str(uuid.uuid4())}
        self.assertContains(self.post(url, travel), "Sofía Rojas")
        case.refresh_from_db()
        self.assertEqual(case.stage, Stage.PRE_DEPARTURE)

    def test_it_refuses_a_health_check_in_the_future_on_the_page(self) -> None:
        case = services.relocation_open(
            actor=self.alice,
            household=self.rojas,
            modality="job_offer",
            destination=self.medellin,
            host_name="X",
            host_contact="Y",
        ).case
        url = f"/assistance/casework/relocations/{case.uuid}/"
        future = (timezone.localdate() + timedelta(days=2)).isoformat()
        response = self.post(url, {"action": "health_check", "on": future})
        self.assertContains(response, "La fecha no puede estar en el futuro")
        case.refresh_from_db()
        self.assertIsNone(case.health_check_on)

    def test_it_lists_the_follow_ups_due(self) -> None:
        activity = services_records.livelihood_enrol(
            actor=self.alice,
            person=self.marta,
            kind="job_placement",
            title="Panadería",
            started_on=timezone.localdate() - timedelta(days=95),
        ).activity
        self.login(self.alice)
        response = self.client.get("/assistance/casework/due/", HTTP_ACCEPT_LANGUAGE="es")
        self.assertContains(response, f"/assistance/casework/livelihoods/{activity.uuid}/")
        self.assertContains(response, "Panadería")
        outcome = self.post(
            f"/assistance/casework/livelihoods/{activity.uuid}/",
            {"outcome": "employed", "on": timezone.localdate().isoformat(), "months_employed": ""},
        )
        self.assertContains(outcome, "Indique después de cuántos meses")
        self.post(
            f"/assistance/casework/livelihoods/{activity.uuid}/",
            {"outcome": "employed", "on": timezone.localdate().isoformat(), "months_employed": "2"},
        )
        activity.refresh_from_db()
        self.assertEqual(activity.months_employed, 2)
        response = self.client.get("/assistance/casework/due/", HTTP_ACCEPT_LANGUAGE="es")
        self.assertContains(response, "No hay seguimientos pendientes")

    def test_it_hides_everything_from_another_organisation(self) -> None:
        case = services.relocation_open(
            actor=self.alice,
            household=self.rojas,
            modality="job_offer",
            destination=self.medellin,
            host_name="X",
            host_contact="Y",
        ).case
        activity = services_records.livelihood_enrol(
            actor=self.alice,
            person=self.marta,
            kind="training",
            title="Costura",
            started_on=timezone.localdate() - timedelta(days=95),
        ).activity
        self.login(self.charlie)
        for url in (
            self.page(),
            f"/assistance/casework/relocations/{case.uuid}/",
            f"/assistance/casework/livelihoods/{activity.uuid}/",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
        self.assertNotContains(self.client.get("/assistance/casework/due/"), "Costura")
        self.login(self.eve)
        self.assertEqual(self.client.get("/assistance/casework/due/").status_code, 403)

    def test_it_links_the_registry_s_household_page_to_its_casework(self) -> None:
        self.login(self.alice)
        response = self.client.get(f"/registry/households/{self.rojas.uuid}/")
        self.assertContains(response, self.page())
