"""Deadlines per category, overdue flags, closing the loop, the dashboard's figures and the
intake form's errors (in words, never a 500)."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, override_settings
from django.utils import timezone

from caminantes.coordination.feedback import selectors, services
from caminantes.coordination.feedback.models import FeedbackItem
from caminantes.coordination.feedback.tests.base import FeedbackTestCase


class DeadlineTests(FeedbackTestCase):
    def test_it_sets_the_deadline_by_category(self) -> None:
        today = timezone.localdate()
        info = self.record("information")
        complaint = self.record("complaint")
        sea = self.record("sea")
        self.assertEqual(info.due_on, today + timedelta(days=3))
        self.assertEqual(complaint.due_on, today + timedelta(days=7))
        self.assertEqual(sea.take_by, today + timedelta(days=1))
        self.assertIsNone(complaint.take_by)

    @override_settings(FEEDBACK_RESPONSE_DAYS={"information": 1})
    def test_it_takes_a_configured_deadline(self) -> None:
        self.assertEqual(self.record("information").due_on,
                         timezone.localdate() + timedelta(days=1))  # fmt: skip

    def test_it_flags_what_is_overdue_until_answered(self) -> None:
        late = self.record("information", days_ago=5)
        fresh = self.record("information", days_ago=1)
        untaken = self.record("fraud", days_ago=2)
        self.assertTrue(late.overdue)
        self.assertFalse(fresh.overdue)
        self.assertTrue(untaken.overdue)  # not taken in charge within a day
        self.assertEqual(set(selectors.overdue_items(selectors.items_for(self.alice))), {late})
        self.assertEqual(set(selectors.overdue_items(selectors.items_for(self.psea))),
                         {late, untaken})  # fmt: skip
        page = self.login(self.alice).get("/coordination/feedback/", {"overdue": "on"})
        self.assertContains(page, late.reference)
        self.assertNotContains(page, fresh.reference)
        services.feedback_respond(actor=self.alice, item=late, response="Horario publicado.",
                                  responded_on=timezone.localdate())  # fmt: skip
        late.refresh_from_db()
        self.assertFalse(late.overdue)


class LoopTests(FeedbackTestCase):
    def test_it_closes_the_loop_only_after_a_response(self) -> None:
        item = self.record("complaint", days_ago=3, contact="+57 300 555 0101",
                           contact_consent=True, name="Yelitza")  # fmt: skip
        client = self.login(self.alice)
        url = f"/coordination/feedback/{item.uuid}/"
        early = client.post(f"{url}close/", {"reach": "acknowledged", "reach_on":
                                             timezone.localdate().isoformat(),
                                             "reach_channel": "phone"})  # fmt: skip
        self.assertEqual(early.status_code, 400)
        self.assertContains(early, "Registre la respuesta dada antes de cerrar", status_code=400)
        today = timezone.localdate()
        client.post(f"{url}respond/", {"response": "Se repuso el kit.",
                                       "responded_on": today.isoformat()})  # fmt: skip
        no_channel = client.post(f"{url}close/", {"reach": "acknowledged",
                                                  "reach_on": today.isoformat()})  # fmt: skip
        self.assertContains(no_channel, "Indique cómo la persona", status_code=400)
        done = client.post(f"{url}close/", {"reach": "acknowledged", "reach_on": today.isoformat(),
                                            "reach_channel": "phone"})  # fmt: skip
        self.assertEqual(done.status_code, 302)
        item.refresh_from_db()
        self.assertEqual((item.status, item.reach, item.reach_channel, item.responded_by),
                         ("closed", "acknowledged", "phone", self.alice))  # fmt: skip
        page = client.get(url)
        self.assertContains(page, "Se repuso el kit.")
        self.assertContains(page, "+57 300 555 0101")
        with self.assertRaises(ValidationError):
            services.feedback_respond(actor=self.alice, item=item, response="otra",
                                      responded_on=today)  # fmt: skip

    def test_it_closes_when_the_person_could_not_be_reached(self) -> None:
        item = self.record("information", days_ago=2, anonymous=True)
        services.feedback_respond(actor=self.carla, item=item, response="Publicado en cartelera.",
                                  responded_on=timezone.localdate())  # fmt: skip
        closed = services.feedback_close(actor=self.carla, item=item, reach="not_reached",
                                         on=timezone.localdate())  # fmt: skip
        self.assertEqual((closed.status, closed.reach_channel), ("closed", ""))

    def test_it_computes_the_dashboard(self) -> None:
        today = timezone.localdate()
        a = self.record("information", days_ago=10)  # due 7 days ago
        b = self.record("complaint", days_ago=10)  # due 3 days ago
        self.record("feedback", days_ago=1, channel="email")
        services.feedback_respond(
            actor=self.alice, item=a, response="ok", responded_on=today - timedelta(days=8)
        )  # 2 days: in time
        services.feedback_respond(
            actor=self.alice, item=b, response="ok", responded_on=today - timedelta(days=2)
        )  # 8 days: late
        for item in (a, b):
            services.feedback_close(actor=self.alice, item=FeedbackItem.objects.get(pk=item.pk),
                                    reach="not_reached", on=today)  # fmt: skip
        self.record("sea", days_ago=1)
        figures = selectors.dashboard(selectors.items_for(self.alice))
        self.assertEqual(figures.total, 3)  # the SEA complaint is not there at all
        self.assertEqual(figures.median_days, 5.0)
        self.assertEqual((figures.closed, figures.closed_in_time), (2, 1))
        self.assertEqual(figures.closed_in_time_pct, 50.0)
        self.assertEqual(dict(figures.by_channel), {"Línea telefónica": 2, "Correo electrónico": 1})
        self.assertEqual(selectors.dashboard(selectors.items_for(self.psea)).total, 4)
        page = self.login(self.alice).get("/coordination/feedback/dashboard/")
        self.assertContains(page, "<svg")
        self.assertContains(page, "50 %")


class IntakeFormTests(FeedbackTestCase):
    def test_it_answers_a_bad_intake_in_words(self) -> None:
        client = self.login(self.alice)
        empty = client.post("/coordination/feedback/new/", {})
        self.assertEqual(empty.status_code, 200)
        self.assertContains(empty, "errorlist")
        future = (timezone.localdate() + timedelta(days=3)).isoformat()
        page = client.post("/coordination/feedback/new/", {
            "country": "CO", "channel": "hotline", "category": "complaint",
            "received_on": future, "description": "x", "contact": "+57 300 1",
        })  # fmt: skip
        self.assertContains(page, "La fecha no puede estar en el futuro")
        self.assertContains(page, "acepta ser contactada")
        anonymous = client.post("/coordination/feedback/new/", {
            "country": "CO", "channel": "hotline", "category": "complaint",
            "received_on": "2026-12-01", "description": "x", "anonymous": "on", "name": "Ana",
        })  # fmt: skip
        self.assertContains(anonymous, "no guarda nombre ni contacto")
        household = client.post("/coordination/feedback/new/", {
            "country": "CO", "channel": "hotline", "category": "complaint",
            "received_on": "2026-12-01", "description": "x", "household": "zz",
        })  # fmt: skip
        self.assertContains(household, "8 letras")
        unseen = client.post("/coordination/feedback/new/", {
            "country": "CO", "channel": "hotline", "category": "complaint",
            "received_on": "2026-12-01", "description": "x", "household": "abcdef12",
        })  # fmt: skip
        self.assertContains(unseen, "No hay un hogar con este código")
        self.assertFalse(FeedbackItem.objects.exists())

    def test_it_refuses_intake_to_staff_without_the_permission(self) -> None:
        self.assertEqual(self.login(self.eve).get("/coordination/feedback/new/").status_code, 403)
        with self.assertRaises(PermissionDenied):
            self.record(actor=self.pablo)  # Peru only
        other = self.login(self.charlie, client=Client())
        self.assertNotContains(other.get("/coordination/feedback/"), "FB-")
