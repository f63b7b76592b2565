"""A sensitive complaint (sexual exploitation and abuse, fraud, staff misconduct) exists only
for the organisation's focal points in its country: everyone else gets what they would get
if it did not exist, in lists, detail pages, counts, dashboards, the API, exports and the
audit trail."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from caminantes.accounts import policies
from caminantes.accounts.services import api_token_create
from caminantes.audit.models import AuditEvent
from caminantes.coordination.feedback import selectors
from caminantes.coordination.feedback.models import FeedbackItem
from caminantes.coordination.feedback.tests.base import FeedbackTestCase

SECRET_WORDS = "Yurimaguasquetzal"  # in the description: found nowhere else


class SensitiveComplaintTests(FeedbackTestCase):
    ordinary: FeedbackItem

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.ordinary = cls.record("complaint")

    def _intake_sensitive(self) -> FeedbackItem:
        client = self.login(self.alice)
        page = client.post("/coordination/feedback/new/", {
            "country": "CO", "channel": "whatsapp", "category": "sea",
            "received_on": "2026-12-01", "description": f"{SECRET_WORDS} pidió favores.",
            "anonymous": "on",
        }, follow=True)  # fmt: skip
        item = FeedbackItem.objects.get(category="sea")
        # The intake officer gets the reference and the words "focal point", then loses it.
        self.assertContains(page, item.reference)
        self.assertContains(page, "punto focal")
        self.assertEqual(page.redirect_chain[-1][0], "/coordination/feedback/")
        self.assertNotContains(page, f"/coordination/feedback/{item.uuid}/")
        return item

    def _api(self, user: object) -> dict[str, str]:
        secret = api_token_create(user=user, name="t", scopes=["read", "write"]).secret  # type: ignore[arg-type]
        return {"Authorization": f"Bearer {secret}"}

    def test_it_shows_a_sensitive_complaint_to_the_focal_point_only(self) -> None:
        item = self._intake_sensitive()
        ref, url = item.reference, f"/coordination/feedback/{item.uuid}/"
        outsiders = [self.alice, self.carla, self.admin, self.audrey, self.psea_ffs, self.psea_pe]
        for user in outsiders:
            with self.subTest(user=user.email):
                client = self.login(user, client=Client())
                self.assertFalse(selectors.items_for(user).filter(pk=item.pk).exists())
                self.assertEqual(selectors.dashboard(selectors.items_for(user)).total,
                                 selectors.items_for(user).count())  # fmt: skip
                self.assertNotIn("sea", [
                    c for c in selectors.items_for(user).values_list("category", flat=True)
                ])  # fmt: skip
                listing = client.get("/coordination/feedback/")
                self.assertNotContains(listing, ref, status_code=listing.status_code)
                detail = client.get(url)
                missing = client.get("/coordination/feedback/00000000-0000-4000-8000-000000000000/")
                self.assertEqual(detail.status_code, missing.status_code)
                self.assertIn(detail.status_code, (403, 404))
                self.assertIn("no-store", detail.headers["Cache-Control"])
                for address in (
                    "/coordination/feedback/dashboard/",
                    "/coordination/feedback/export.csv",
                ):
                    answer: Any = client.get(address)
                    body = (
                        b"".join(answer.streaming_content) if answer.streaming else answer.content
                    )
                    self.assertNotIn(ref.encode(), body)
                    self.assertNotIn(str(item.uuid).encode(), body)
                headers = self._api(user)
                api_list = self.client.get("/api/v1/coordination/feedback/items", headers=headers)
                self.assertNotIn(ref, api_list.content.decode())
                api_item = self.client.get(f"/api/v1/coordination/feedback/items/{item.uuid}",
                                           headers=headers)  # fmt: skip
                self.assertEqual(api_item.status_code, 404)
                board = self.client.get("/api/v1/coordination/feedback/dashboard", headers=headers)
                if board.status_code == 200:
                    self.assertNotIn("Explotación", board.content.decode())
                    self.assertEqual(board.json()["total"], selectors.items_for(user).count())
        # The audit trail: not one event about it, for the auditor, the admin or the manager.
        self.assertTrue(AuditEvent.objects.filter(object_uuid=item.uuid).exists())
        for reader in (self.audrey, self.admin, self.carla):
            trail = policies.visible(reader, AuditEvent)
            self.assertFalse(trail.filter(object_uuid=item.uuid).exists())
            contexts = [json.dumps(c) for c in trail.values_list("context", flat=True)]
            self.assertFalse([c for c in contexts if str(item.uuid) in c])
        trail_page = self.login(self.audrey, client=Client()).get("/audit/")
        self.assertNotContains(trail_page, str(item.uuid))
        self.assertNotContains(trail_page, "feedback.sensitive")
        # The focal point sees it, its description and its trail, and handles it.
        client = self.login(self.psea, client=Client())
        self.assertContains(client.get("/coordination/feedback/"), ref)
        page = client.get(url)
        self.assertContains(page, SECRET_WORDS)
        self.assertIn("no-store", page.headers["Cache-Control"])
        self.assertContains(page, "psea@example.org")  # the trail names who opened it
        self.assertEqual(selectors.dashboard(selectors.items_for(self.psea)).total, 2)
        client.post(f"{url}take/")
        client.post(f"{url}respond/", {"response": "Caso remitido a investigación.",
                                       "responded_on": "2026-12-02"})  # fmt: skip
        client.post(f"{url}close/", {"reach": "not_reached", "reach_on": "2026-12-03"})
        item.refresh_from_db()
        self.assertEqual((item.status, item.taken_by, item.responded_by),
                         ("closed", self.psea, self.psea))  # fmt: skip
        self.assertContains(
            self.client.get(f"/api/v1/coordination/feedback/items/{item.uuid}",
                            headers=self._api(self.psea)), SECRET_WORDS,
        )  # fmt: skip

    def test_it_lets_only_the_focal_point_recategorise_a_sensitive_complaint(self) -> None:
        item = self.record("fraud")
        url = f"/coordination/feedback/{item.uuid}/category/"
        self.assertEqual(self.login(self.carla).post(url, {"category": "complaint"}).status_code,
                         404)  # fmt: skip
        self.assertEqual(self.login(self.psea, client=Client()).post(
            url, {"category": "complaint"}).status_code, 302)  # fmt: skip
        item.refresh_from_db()
        self.assertEqual((item.category, item.sensitive), ("complaint", False))
        # Handlers may escalate an ordinary complaint: it then leaves their view.
        page = self.login(self.alice, client=Client()).post(
            f"/coordination/feedback/{self.ordinary.uuid}/category/", {"category": "misconduct"},
            follow=True,
        )  # fmt: skip
        self.assertContains(page, self.ordinary.reference)
        self.assertFalse(selectors.items_for(self.alice).filter(pk=self.ordinary.pk).exists())
        self.assertTrue(selectors.items_for(self.psea).filter(pk=self.ordinary.pk).exists())

    def test_it_answers_an_api_intake_of_a_sensitive_complaint_with_the_reference_only(
        self,
    ) -> None:
        answer = self.client.post(
            "/api/v1/coordination/feedback/items", content_type="application/json",
            headers=self._api(self.alice),
            data={"organization": "IOM", "country": "CO", "channel": "hotline",
                  "category": "misconduct", "received_on": "2026-12-01",
                  "description": "Un funcionario cobró por el kit."},
        )  # fmt: skip
        self.assertEqual(answer.status_code, 201)
        self.assertEqual(answer.json()["transmitted"], True)
        self.assertIsNone(answer.json()["uuid"])
