"""The idle timeout seen from the page: how long is left, and one tap that extends it."""

from __future__ import annotations

import time

from django.test import override_settings
from django.urls import reverse

from caminantes.accounts.middleware import LAST_SEEN
from tests.personas import PersonaTestCase


@override_settings(SESSION_IDLE_TIMEOUT=30 * 60)
class SessionExtendTest(PersonaTestCase):
    def idle_for(self, seconds: int) -> None:
        session = self.client.session
        session[LAST_SEEN] = int(time.time()) - seconds
        session.save()

    def test_it_tells_the_page_how_long_the_session_has_left(self) -> None:
        self.login(self.alice)
        self.idle_for(20)
        page = self.client.get(reverse("home"))
        # The server writes the time down at most every 30 s: it counts from 20 s ago.
        self.assertContains(page, f'data-user="{self.alice.uuid}"')
        self.assertContains(page, 'data-session-timeout="1800"')
        left = int(page.content.decode().split('data-session-left="')[1].split('"')[0])
        self.assertLessEqual(left, 30 * 60 - 20)
        self.assertGreater(left, 30 * 60 - 30)
        self.assertContains(page, 'id="session-warning"')

    def test_it_extends_the_session_with_one_tap(self) -> None:
        self.login(self.alice)
        self.idle_for(28 * 60)
        response = self.client.post(reverse("session_extend"))
        self.assertEqual(response.status_code, 200)
        self.assertGreaterEqual(response.json()["expires_in"], 30 * 60 - 2)
        # 28 more minutes later the session is still there: the tap counted as activity.
        self.idle_for(28 * 60)
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)

    def test_it_does_not_bring_back_a_session_that_already_ended(self) -> None:
        self.login(self.alice)
        self.idle_for(31 * 60)
        response = self.client.post(reverse("session_extend"))
        self.assertTrue(response["Location"].startswith(reverse("login")))
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_answers_a_visitor_without_a_session(self) -> None:
        response = self.client.post(reverse("session_extend"))
        self.assertEqual(response.status_code, 401)
        self.assertNotContains(self.client.get(reverse("login")), "data-user=", status_code=200)

    def test_it_only_extends_on_a_post(self) -> None:
        self.login(self.alice)
        self.assertEqual(self.client.get(reverse("session_extend")).status_code, 405)

    def test_it_tells_an_htmx_request_how_long_is_left(self) -> None:
        self.login(self.alice)
        self.idle_for(45)  # more than 30 s: this request counts as activity
        response = self.client.get(reverse("home"), headers={"HX-Request": "true"})
        self.assertGreaterEqual(int(response["X-Session-Left"]), 30 * 60 - 2)
        self.client.post(reverse("logout"))
        self.assertNotIn("X-Session-Left", self.client.get(reverse("login")))

    def test_it_marks_a_page_that_answers_a_post(self) -> None:
        # drafts.js shows what was posted there, not a draft kept on the device.
        refused = self.client.post(reverse("login"), {"username": "x@example.org", "password": "x"})
        self.assertContains(refused, " data-posted")
        self.assertNotContains(self.client.get(reverse("login")), " data-posted")
