from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from caminantes.accounts import policies, services
from caminantes.accounts.models import Membership, User
from caminantes.accounts.permissions import Role
from caminantes.audit.models import AuditEvent
from tests.personas import PersonaTestCase


class MembersPageTest(PersonaTestCase):
    def test_it_lets_a_country_manager_add_a_colleague(self) -> None:
        self.login(self.carla, sudo=True)
        response = self.client.post(
            reverse("membership_add", args=[self.iom.uuid]),
            {"email": "new.officer@example.org", "full_name": "Nueva Oficial",
             "role": "registration_officer", "countries": [self.co.pk]},
        )  # fmt: skip
        self.assertEqual(response.status_code, 302)
        user = User.objects.get(email="new.officer@example.org")
        membership = Membership.objects.get(user=user)
        self.assertEqual(list(membership.countries.all()), [self.co])
        self.assertTrue(
            AuditEvent.objects.filter(action="membership_added", actor=self.carla).exists()
        )
        page = self.client.get(reverse("organization_detail", args=[self.iom.uuid]))
        self.assertContains(page, "new.officer@example.org")

    def test_it_refuses_a_country_the_organisation_does_not_work_in(self) -> None:
        self.login(self.carla, sudo=True)
        self.client.post(
            reverse("membership_add", args=[self.iom.uuid]),
            {"email": "x@example.org", "role": "registration_officer", "countries": [self.ve.pk]},
        )
        self.assertFalse(Membership.objects.filter(user__email="x@example.org").exists())

    def test_it_asks_for_the_password_again_before_adding(self) -> None:
        self.login(self.carla)
        response = self.client.post(
            reverse("membership_add", args=[self.iom.uuid]),
            {"email": "y@example.org", "role": "auditor"},
        )
        self.assertTrue(response["Location"].startswith(reverse("sudo")))

    def test_what_was_typed_waits_for_the_password(self) -> None:
        self.login(self.carla)
        page = reverse("organization_detail", args=[self.iom.uuid])
        self.client.post(
            reverse("membership_add", args=[self.iom.uuid]),
            {"email": "kept@example.org", "full_name": "Yelitza Kept", "role": "auditor",
             "countries": [self.co.pk], "password": "never-kept"},
            headers={"Referer": "http://testserver" + page},
        )  # fmt: skip
        self.assertNotIn("never-kept", str(self.client.session.get("kept_form")))
        self.login(self.carla, sudo=True)
        again = self.client.get(page)
        self.assertContains(again, 'value="kept@example.org"')
        self.assertContains(again, 'value="Yelitza Kept"')
        self.assertNotContains(self.client.get(page), "kept@example.org")  # once only

    def test_it_lets_only_managers_end_memberships(self) -> None:
        membership = Membership.objects.get(user=self.alice)
        self.login(self.carla, sudo=True)
        self.client.post(reverse("membership_end", args=[membership.uuid]))
        membership.refresh_from_db()
        self.assertFalse(membership.is_active)
        self.assertEqual(policies.grants(User.objects.get(pk=self.alice.pk)), [])
        # Alice's session is still open, but she no longer sees anything.
        self.login(self.alice)
        self.assertContains(self.client.get(reverse("home")), "no tiene ninguna")

    def test_it_hides_the_members_page_from_a_registrar(self) -> None:
        self.login(self.alice)
        response = self.client.get(reverse("organization_detail", args=[self.iom.uuid]))
        self.assertEqual(response.status_code, 403)

    def test_it_hides_another_organisations_members_from_a_partner(self) -> None:
        self.login(self.charlie)
        response = self.client.get(reverse("organization_detail", args=[self.iom.uuid]))
        self.assertEqual(response.status_code, 404)
        own = self.client.get(reverse("organization_detail", args=[self.ffs.uuid]))
        self.assertContains(own, "charlie@example.org")
        self.assertNotContains(own, "alice@example.org")


class ManagerScopeTest(PersonaTestCase):
    def add(self, **data: object) -> object:
        payload = {"email": "z@example.org", "role": "registration_officer", **data}
        return self.client.post(reverse("membership_add", args=[self.iom.uuid]), payload)

    def test_it_keeps_a_country_manager_to_her_own_country(self) -> None:
        self.login(self.carla, sudo=True)
        form = self.client.get(reverse("organization_detail", args=[self.iom.uuid]))
        self.assertNotContains(form, f'value="{self.pe.pk}"')  # Peru is not even offered
        self.add(countries=[self.pe.pk])  # IOM works in Peru, Carla does not manage it
        self.add()  # no country ticked = all of IOM's countries
        self.assertFalse(Membership.objects.filter(user__email="z@example.org").exists())
        denied = AuditEvent.objects.filter(action="membership_added", outcome="denied")
        self.assertEqual(denied.count(), 2)  # both refusals are in the audit trail
        self.assertEqual({e.role for e in denied}, {"country_manager"})
        with self.assertRaises(PermissionDenied):
            services.membership_add(
                actor=self.carla,
                user=self.nobody,
                organization=self.iom,
                role=Role.REGISTRATION_OFFICER,
                countries=[self.pe],
            )

    def test_it_tells_a_country_manager_to_tick_her_country_and_ticks_it(self) -> None:
        self.login(self.carla, sudo=True)
        page = self.client.get(reverse("organization_detail", args=[self.iom.uuid]))
        # "None ticked: every country" would be refused to her: the form does not say it.
        self.assertNotContains(page, "Si no marca ninguno")
        self.assertContains(page, "solo puede asignar roles en los países que gestiona")
        colombia = re.search(rf'<input[^>]*name="countries" value="{self.co.pk}"[^>]*>', page.text)
        assert colombia is not None
        self.assertIn("checked", colombia.group(0))  # her one country, ticked already

    def test_it_never_lets_a_country_manager_grant_platform_administration(self) -> None:
        self.login(self.carla, sudo=True)
        self.add(role="platform_admin", countries=[self.co.pk])
        self.assertFalse(Membership.objects.filter(user__email="z@example.org").exists())

    def test_it_hides_organisation_wide_and_other_country_memberships_from_her(self) -> None:
        self.login(self.carla)
        page = self.client.get(reverse("organization_detail", args=[self.iom.uuid]))
        self.assertContains(page, "alice@example.org")
        self.assertNotContains(page, "pablo@example.org")  # Peru
        self.assertNotContains(page, "admin@example.org")  # organisation-wide
        admin_membership = Membership.objects.get(user=self.admin)
        self.login(self.carla, sudo=True)
        response = self.client.post(reverse("membership_end", args=[admin_membership.uuid]))
        self.assertEqual(response.status_code, 404)
        admin_membership.refresh_from_db()
        self.assertIsNone(admin_membership.ends_on)

    def test_it_creates_no_account_when_the_grant_is_refused(self) -> None:
        self.login(self.carla, sudo=True)
        self.add(email="sin.pais@example.org")  # no country ticked: refused for Carla
        self.assertFalse(User.objects.filter(email="sin.pais@example.org").exists())


class SelfGrantTest(PersonaTestCase):
    """Carla manages IOM in Colombia only, and would like to see more."""

    def grant(self, email: str, role: str) -> object:
        return self.client.post(
            reverse("membership_add", args=[self.iom.uuid]),
            {"email": email, "role": role, "countries": [self.co.pk]},
        )

    def test_a_manager_cannot_give_herself_the_auditor_role(self) -> None:
        self.login(self.carla, sudo=True)
        self.grant("CARLA@example.org", "auditor")
        self.assertFalse(Membership.objects.filter(user=self.carla, role="auditor").exists())
        self.assertTrue(
            AuditEvent.objects.filter(action="membership_added", outcome="denied").exists()
        )

    def test_a_manager_cannot_give_herself_another_working_role(self) -> None:
        self.login(self.carla, sudo=True)
        self.grant("carla@example.org", "registration_officer")
        self.assertEqual(
            list(Membership.objects.filter(user=self.carla).values_list("role", flat=True)),
            ["country_manager"],
        )
        self.assertTrue(
            AuditEvent.objects.filter(
                action="membership_added", outcome="denied", context__reason="self_grant"
            ).exists()
        )
        with self.assertRaises(PermissionDenied):
            services.membership_add(
                actor=self.carla,
                user=self.carla,
                organization=self.iom,
                role=Role.REGISTRATION_OFFICER,
                countries=[self.co],
            )

    def test_a_manager_cannot_appoint_an_auditor_for_a_colleague(self) -> None:
        # An auditor appointed by the person they audit is no oversight.
        self.login(self.carla, sudo=True)
        form = self.client.get(reverse("organization_detail", args=[self.iom.uuid]))
        self.assertNotContains(form, 'value="auditor"')
        self.grant("alice@example.org", "auditor")
        self.assertFalse(Membership.objects.filter(role="auditor", user=self.alice).exists())

    def test_a_platform_administrator_can_appoint_a_country_auditor(self) -> None:
        self.login(self.admin, sudo=True)
        self.grant("alice@example.org", "auditor")
        self.assertTrue(Membership.objects.filter(role="auditor", user=self.alice).exists())
