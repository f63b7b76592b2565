"""The API's door to corrections after registration and to undoing a consent withdrawal."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from caminantes.audit.models import AuditEvent
from caminantes.lib.undo import UNDO_MINUTES
from caminantes.registry import actions
from caminantes.registry.models import Consent, Document, FieldChange, Phone
from caminantes.registry.tests.test_api import RegistryApiTestCase


class DocumentCorrectionTest(RegistryApiTestCase):
    def document(self) -> Document:
        return Document.objects.get(person=self.focal_person())

    def test_it_corrects_a_number_and_keeps_the_history(self) -> None:
        document = self.document()
        body = {"version": 1, "reason": "Typed a digit twice", "number": "V-12.345.679"}
        response = self.call("PATCH", f"/documents/{document.uuid}", self.alice, body)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual((response.json()["last4"], response.json()["version"]), ("5679", 2))
        self.assertNotIn("12345679", response.content.decode())
        change = FieldChange.objects.get(object_uuid=document.uuid, field="number")
        self.assertEqual(change.reason, "Typed a digit twice")

    def test_it_answers_409_to_a_stale_version(self) -> None:
        document = self.document()
        body = {"version": 5, "reason": "Expired", "status": "expired"}
        response = self.call("PATCH", f"/documents/{document.uuid}", self.alice, body)
        self.assertEqual(response.status_code, 409, response.content)
        self.assertEqual(response.json()["current_version"], 1)
        self.assertEqual(self.document().status, "valid")

    def test_it_answers_422_to_reversed_dates_and_a_missing_reason(self) -> None:
        path = f"/documents/{self.document().uuid}"
        body = {"version": 1, "reason": "x", "issued_on": "2024-05-01", "expires_on": "2020-01-01"}
        response = self.call("PATCH", path, self.alice, body)
        self.assertEqual(response.status_code, 422, response.content)
        self.assertIn("expires_on", response.json()["errors"])
        response = self.call("PATCH", path, self.alice, {"version": 1, "status": "expired"})
        self.assertEqual(response.status_code, 422, response.content)
        self.assertIn("reason", response.json()["errors"])

    def test_it_refuses_a_reader_and_hides_a_foreign_document(self) -> None:
        body = {"version": 1, "reason": "r", "status": "expired"}
        path = f"/documents/{self.document().uuid}"
        self.assertEqual(self.call("PATCH", path, self.bob, body).status_code, 403)
        self.assertEqual(self.call("PATCH", path, self.ramona, "not json").status_code, 404)
        self.assertEqual(self.call("PATCH", path, self.alice, body, scopes="read").status_code, 403)
        self.assertEqual(self.document().status, "valid")


class PhoneCorrectionTest(RegistryApiTestCase):
    def phone(self) -> Phone:
        return Phone.objects.get(household=self.family)

    def test_it_adds_a_phone_showing_only_its_last_digits(self) -> None:
        body = {"number": "310 555 0199", "whatsapp": True}
        response = self.call("POST", f"/households/{self.family.uuid}/phones", self.alice, body)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual((response.json()["last4"], response.json()["whatsapp"]), ("0199", True))
        self.assertEqual(self.family.phones.count(), 2)

    def test_it_answers_422_to_a_number_that_is_not_one(self) -> None:
        path = f"/households/{self.family.uuid}/phones"
        response = self.call("POST", path, self.alice, {"number": "12"})
        self.assertEqual(response.status_code, 422, response.content)
        self.assertIn("number", response.json()["errors"])

    def test_it_corrects_a_phone_and_answers_409_when_stale(self) -> None:
        path = f"/phones/{self.phone().uuid}"
        body = {"version": 1, "reason": "She changed SIM", "number": "301 555 0142"}
        response = self.call("PATCH", path, self.alice, body)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual((response.json()["last4"], response.json()["version"]), ("0142", 2))
        stale = self.call("PATCH", path, self.alice, {**body, "whatsapp": True})
        self.assertEqual(stale.status_code, 409, stale.content)
        self.assertEqual(stale.json()["current_version"], 2)

    def test_it_hides_a_foreign_phone_whatever_the_body(self) -> None:
        path = f"/phones/{self.phone().uuid}"
        self.assertEqual(self.call("PATCH", path, self.ramona, {"x": 1}).status_code, 404)
        self.assertEqual(self.call("POST", path + "/reveal", self.ramona).status_code, 404)

    def test_it_reveals_the_full_number_to_staff_who_call_families_and_audits_it(self) -> None:
        path = f"/phones/{self.phone().uuid}/reveal"
        response = self.call("POST", path, self.alice)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["number"], "+573001234567")
        self.assertTrue(
            AuditEvent.objects.filter(action=actions.PHONE_REVEALED, actor=self.alice).exists()
        )
        refused = self.call("POST", path, self.bob)
        self.assertEqual(refused.status_code, 403, refused.content)
        self.assertNotIn("1234567", refused.content.decode())
        self.assertEqual(self.call("GET", path, self.alice).status_code, 405)


class ConsentWithdrawUndoApiTest(RegistryApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.consent = Consent.objects.get(person=self.focal_person(), purpose="family_tracing")
        self.path = f"/consents/{self.consent.uuid}/withdraw"

    def withdraw(self, minutes_ago: int = 0) -> None:
        self.assertEqual(self.call("POST", self.path, self.alice, {"version": 1}).status_code, 200)
        Consent.objects.filter(pk=self.consent.pk).update(
            withdrawn_at=timezone.now() - timedelta(minutes=minutes_ago)
        )

    def test_it_takes_a_withdrawal_back_within_the_window(self) -> None:
        self.withdraw(minutes_ago=UNDO_MINUTES - 1)
        stale = self.call("POST", self.path + "/undo", self.alice, {"version": 1})
        self.assertEqual(stale.status_code, 409, stale.content)
        response = self.call("POST", self.path + "/undo", self.alice, {"version": 2})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual((response.json()["active"], response.json()["version"]), (True, 3))
        self.assertIsNone(Consent.objects.get(pk=self.consent.pk).withdrawn_on)

    def test_it_refuses_in_words_once_the_window_has_passed(self) -> None:
        self.withdraw(minutes_ago=UNDO_MINUTES + 1)
        response = self.call("POST", self.path + "/undo", self.alice, {"version": 2})
        self.assertEqual(response.status_code, 422, response.content)
        self.assertIn("10", response.json()["detail"])
        self.assertIsNotNone(Consent.objects.get(pk=self.consent.pk).withdrawn_on)

    def test_it_refuses_a_consent_that_is_not_withdrawn_and_hides_foreign_ones(self) -> None:
        response = self.call("POST", self.path + "/undo", self.alice)
        self.assertEqual(response.status_code, 422, response.content)
        self.assertNotEqual(response.json()["detail"], "")
        self.assertEqual(self.call("POST", self.path + "/undo", self.ramona).status_code, 404)
