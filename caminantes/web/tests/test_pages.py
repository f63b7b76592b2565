from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

from tests.personas import PersonaTestCase


class PagesTest(PersonaTestCase):
    def test_it_greets_a_registrar_with_her_organisation_and_country(self) -> None:
        self.login(self.alice)
        response = self.client.get(reverse("home"))
        self.assertContains(response, "IOM")
        self.assertContains(response, "Colombia")
        self.assertContains(response, "Oficial de registro")

    def test_it_switches_language_to_portuguese(self) -> None:
        self.login(self.alice)
        self.client.post(reverse("set_language"), {"language": "pt", "next": "/"})
        response = self.client.get(reverse("home"))
        self.assertContains(response, 'lang="pt"')
        self.assertContains(response, "Sair")

    def test_it_switches_the_active_country_only_among_allowed_ones(self) -> None:
        self.login(self.carla)
        self.client.post(reverse("switch_context"), {"country": "PE", "next": "/"})
        # Carla works in Colombia only: Peru is not offered and not taken.
        response = self.client.get(reverse("home"))
        self.assertEqual(response.context["ctx"].country, self.co)

    def test_it_lets_someone_with_two_organisations_switch(self) -> None:
        from caminantes.accounts.models import Membership

        Membership.objects.create(
            user=self.alice, organization=self.ffs, role="registration_officer"
        )
        self.login(self.alice)
        self.client.post(
            reverse("switch_context"), {"organization": str(self.ffs.uuid), "next": "/"}
        )
        response = self.client.get(reverse("home"))
        self.assertEqual(response.context["ctx"].organization, self.ffs)

    def test_it_shows_a_friendly_404(self) -> None:
        self.login(self.alice)
        response = self.client.get("/no-such-page/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, reverse("home"), status_code=404)

    def test_it_shows_a_friendly_403(self) -> None:
        self.login(self.alice)
        response = self.client.get(reverse("audit_events"))
        self.assertEqual(response.status_code, 403)
        self.assertTemplateUsed(response, "403.html")

    def test_it_explains_an_action_opened_as_a_link(self) -> None:
        self.login(self.alice)
        response = self.client.get(reverse("session_extend"), headers={"Accept": "text/html"})
        self.assertEqual(response.status_code, 405)
        self.assertEqual(response["Allow"], "POST")
        self.assertContains(response, "Solo desde un botón", status_code=405)
        self.assertContains(response, reverse("home"), status_code=405)

    def test_it_keeps_a_bare_405_for_a_caller_asking_for_json(self) -> None:
        self.login(self.alice)
        url = reverse("session_extend")
        response = self.client.get(url, headers={"Accept": "application/json"})
        self.assertEqual((response.status_code, response.content), (405, b""))

    @override_settings(DEBUG_PROPAGATE_EXCEPTIONS=False)
    def test_it_shows_a_friendly_500(self) -> None:
        from caminantes.web.views import error_500

        response = error_500(self.client.get("/").wsgi_request)
        self.assertEqual(response.status_code, 500)
        self.assertIn(b"<h1>", response.content)

    def test_it_serves_htmx_and_css_from_its_own_static_files(self) -> None:
        response = self.client.get(reverse("login"))
        body = response.content.decode()
        self.assertIn("/static/caminantes/htmx.min.js", body)
        self.assertNotIn("https://", body)
        self.assertIn('name="viewport"', body)
