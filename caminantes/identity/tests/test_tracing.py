from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from caminantes.audit.models import AuditEvent
from caminantes.identity import actions, selectors
from caminantes.identity.models import (
    Notification,
    ReunificationCase,
    TracingMatch,
    TracingRequest,
)
from caminantes.identity.services import reunification, tracing
from caminantes.identity.tests.base import IdentityTestCase, focal
from caminantes.registry.consent import ConsentRequired
from caminantes.registry.models import Person, TimelineEntry


def looking_for_yusmary(requester: Person) -> tracing.TracingInput:
    return tracing.TracingInput(
        sought_given_names="Yusmari",
        sought_family_names="Rodriguez Perez",
        sought_sex="F",
        sought_birth_year=1985,
        relationship="sibling",
        requester=requester,
    )


class TracingRequestTests(IdentityTestCase):
    def open_request(self) -> TracingRequest:
        return tracing.tracing_request_create(
            user=self.alice,
            organization=self.iom,
            country=self.co,
            data=looking_for_yusmary(self.maria(self.first)),
        )

    def test_it_finds_a_consenting_relative_held_by_another_organisation(self) -> None:
        request = self.open_request()
        match = request.matches.get()
        self.assertEqual(match.person, self.maria(self.ffs_family))
        event = AuditEvent.objects.get(action=actions.TRACING_SEARCH, organization=self.iom)
        self.assertEqual(event.context["cross_organisation"], True)
        holder = AuditEvent.objects.get(action=actions.TRACING_SEARCH, organization=self.ffs)
        self.assertEqual((holder.context["candidates"], holder.context["new_matches"]), (1, 1))

    def test_consent_refusal_blocks_a_request(self) -> None:
        carmen = focal(given_names="Carmen", consent=self.no_tracing_consent())
        refusing = self.register(self.alice, [carmen])
        with self.assertRaises(ConsentRequired):
            tracing.tracing_request_create(
                user=self.alice,
                organization=self.iom,
                country=self.co,
                data=looking_for_yusmary(self.maria(refusing)),
            )
        self.assertFalse(TracingRequest.objects.exists())

    def test_the_page_says_why_a_request_without_consent_is_refused(self) -> None:
        carmen = focal(given_names="Carmen", consent=self.no_tracing_consent())
        refusing = self.register(self.alice, [carmen])
        self.login(self.alice)
        url = reverse("identity_tracing_new") + f"?person={self.maria(refusing).uuid}"
        response = self.client.post(url, {"sought_given_names": "Yusmary",
                                           "sought_family_names": "Rodríguez Pérez",
                                           "sought_birth_year": "1985",
                                           "relationship": "sibling"})  # fmt: skip
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "No hay un consentimiento válido")
        self.assertFalse(TracingRequest.objects.exists())

    def test_people_who_did_not_consent_to_tracing_are_not_found(self) -> None:
        other = focal(given_names="Yusmari", first_surname="Rodríguez", second_surname="Pérez",
                      birth_date=date(1985, 3, 1), consent=self.no_tracing_consent())  # fmt: skip
        self.register(self.ramona, [other], org=self.ffs)
        request = self.open_request()
        self.assertEqual(request.matches.count(), 1)

    def test_an_unregistered_requester_needs_a_consent_date(self) -> None:
        data = looking_for_yusmary(self.maria(self.first))
        data.requester, data.requester_description = None, "Hermana en Cúcuta"
        with self.assertRaises(ValidationError):
            tracing.tracing_request_create(
                user=self.alice, organization=self.iom, country=self.co, data=data
            )

    def test_a_partner_asks_for_someone_it_assists_who_is_not_registered(self) -> None:
        # Charlie, FFS's partner focal point, records a mother's request and her consent.
        data = looking_for_yusmary(self.maria(self.first))
        data.requester, data.requester_description = None, "Madre, atendida en Cúcuta"
        data.requester_consent_on = date(2026, 11, 30)
        request = tracing.tracing_request_create(
            user=self.charlie, organization=self.ffs, country=self.co, data=data
        )
        self.assertEqual(request.organization, self.ffs)
        self.assertIsNone(request.requester)

    def test_another_organisation_cannot_open_the_request(self) -> None:
        request = self.open_request()
        self.login(self.ramona)
        url = reverse("identity_tracing_detail", args=[request.uuid])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertNotIn(request, selectors.tracing_requests_for_user(user=self.ramona))


class DisclosureTests(IdentityTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.request = tracing.tracing_request_create(
            user=self.alice,
            organization=self.iom,
            country=self.co,
            data=looking_for_yusmary(self.maria(self.first)),
        )
        self.match = self.request.matches.get()

    def test_the_requester_sees_only_that_a_possible_match_exists_until_confirmed(self) -> None:
        shown = tracing.disclosure(self.alice, self.match)
        self.assertFalse(shown.full)
        self.assertEqual((shown.name, shown.age, shown.country), ("", None, ""))
        self.assertIsNone(shown.birth_date)
        self.assertEqual(shown.organization, "")
        self.login(self.alice)
        page = self.client.get(reverse("identity_tracing_detail", args=[self.request.uuid]))
        self.assertContains(page, "Posible coincidencia")
        self.assertNotContains(page, "Yusmary")  # the requester typed "Yusmari"
        self.assertNotContains(page, "20/01/1985")
        self.assertNotContains(page, "FFS")
        self.assertNotContains(page, self.ffs_family.code)

    def test_the_api_discloses_no_more_than_the_page(self) -> None:
        from caminantes.accounts.services import api_token_create

        secret = api_token_create(user=self.alice, name="t", scopes=["read"]).secret
        answer = self.client.get(f"/api/v1/identity/tracing/{self.request.uuid}",
                                 headers={"Authorization": f"Bearer {secret}"}).json()  # fmt: skip
        (candidate,) = answer["candidates"]
        self.assertEqual((candidate["full_name"], candidate["sex"], candidate["disclosed"]),
                         ("", "", False))  # fmt: skip
        self.assertIsNone(candidate["birth_date"])
        self.assertEqual(candidate["organization"], "")

    def test_the_holding_organisation_confirms_and_then_the_requester_sees_more(self) -> None:
        self.login(self.ramona)
        listing = self.client.get(reverse("identity_tracing_confirm"))
        self.assertContains(listing, "Yusmari")
        response = self.client.post(
            reverse("identity_match_decide", args=[self.match.uuid]), {"decision": "confirm"}
        )
        case = ReunificationCase.objects.get()
        self.assertRedirects(response, reverse("identity_case", args=[case.uuid]))
        self.match.refresh_from_db()
        shown = tracing.disclosure(self.alice, self.match)
        self.assertTrue(shown.full)
        self.assertEqual(shown.name, "Yusmary Rodríguez Pérez")
        self.assertEqual((shown.birth_date, shown.organization), (date(1985, 1, 20), "FFS"))
        self.assertTrue(Notification.objects.filter(user=self.alice).exists())

    def test_the_requesting_organisation_cannot_confirm(self) -> None:
        with self.assertRaises(PermissionDenied):
            tracing.match_decide(user=self.alice, match=self.match, confirm=True)
        self.login(self.alice)
        url = reverse("identity_match_decide", args=[self.match.uuid])
        self.assertEqual(self.client.post(url, {"decision": "confirm"}).status_code, 404)
        self.assertNotIn(self.match, selectors.matches_to_confirm(user=self.alice))

    def test_a_rejected_match_stays_restricted(self) -> None:
        tracing.match_decide(user=self.ramona, match=self.match, confirm=False)
        self.match.refresh_from_db()
        self.assertFalse(tracing.disclosure(self.alice, self.match).full)
        self.assertFalse(ReunificationCase.objects.exists())


class ReunificationTests(IdentityTestCase):
    def setUp(self) -> None:
        super().setUp()
        request = tracing.tracing_request_create(
            user=self.alice,
            organization=self.iom,
            country=self.co,
            data=looking_for_yusmary(self.maria(self.first)),
        )
        tracing.match_decide(user=self.ramona, match=request.matches.get(), confirm=True)
        self.case = ReunificationCase.objects.get()

    def step(self, user: object, step: str, **kw: object) -> None:
        reunification.reunification_step(user=user, case=self.case, step=step, **kw)  # type: ignore[arg-type]
        self.case.refresh_from_db()

    def test_it_walks_the_steps_and_both_timelines_show_them_without_names(self) -> None:
        self.assertFalse(self.case.child_involved)
        self.step(self.ramona, "verify", note="Fotos y preguntas")
        self.step(self.alice, "consent", requester_consent_on=date(2026, 1, 1),
                  sought_consent_on=date(2026, 1, 2))  # fmt: skip
        self.assertEqual(self.case.status, "travel")
        self.step(self.alice, "travel", note="Bus Cúcuta a Bogotá", travel_date=date(2026, 2, 1))
        self.step(self.alice, "reunified")
        self.assertEqual(self.case.status, "reunified")
        for household in (self.first, self.ffs_family):
            entries = TimelineEntry.objects.filter(household=household, kind="tracing")
            self.assertEqual(entries.count(), 5)  # found + verify, consent, travel, reunified
            for e in entries:
                self.assertFalse(e.restricted)
                self.assertNotIn("Yusmary", e.text)
                self.assertNotIn("María", e.text)
        self.assertEqual(self.case.match.request.__class__.objects.get().status, "closed")

    def test_a_child_needs_a_best_interest_check(self) -> None:
        self.case.child_involved = True
        self.case.save()
        self.step(self.ramona, "verify", note="Partida de nacimiento")
        self.step(self.alice, "consent", requester_consent_on=date(2026, 1, 1),
                  sought_consent_on=date(2026, 1, 2))  # fmt: skip
        self.assertEqual(self.case.status, "best_interest")
        with self.assertRaises(ValidationError):
            self.step(self.alice, "travel", note="Bus")
        self.step(self.alice, "best_interest", note="Favorable")
        self.assertEqual(self.case.status, "travel")

    def test_steps_go_in_order(self) -> None:
        with self.assertRaises(ValidationError):
            self.step(self.alice, "reunified")

    def test_the_case_page_records_a_step(self) -> None:
        self.login(self.ramona)
        url = reverse("identity_case", args=[self.case.uuid])
        self.assertContains(self.client.get(url), self.case.code)
        self.client.post(url, {"step": "verify", "note": "Documento"})
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, "consent")

    def test_it_dates_the_reunification_when_it_happened_never_tomorrow(self) -> None:
        today = timezone.localdate()
        self.step(self.ramona, "verify", note="Fotos")
        with self.assertRaises(ValidationError):  # a consent cannot be given tomorrow
            self.step(self.alice, "consent", requester_consent_on=today,
                      sought_consent_on=today + timedelta(days=1))  # fmt: skip
        self.step(self.alice, "consent", requester_consent_on=today, sought_consent_on=today)
        self.step(self.alice, "travel", note="Bus")
        self.login(self.alice)
        url = reverse("identity_case", args=[self.case.uuid])
        tomorrow = (today + timedelta(days=1)).isoformat()
        page = self.client.post(url, {"step": "reunified", "reunified_on": tomorrow}, follow=True)
        self.assertContains(page, "La fecha de la reunificación está en el futuro.")
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, "travel")
        three_days_ago = today - timedelta(days=3)
        self.client.post(url, {"step": "reunified", "reunified_on": three_days_ago.isoformat()})
        self.case.refresh_from_db()
        self.assertEqual((self.case.status, self.case.reunified_on), ("reunified", three_days_ago))

    def test_another_organisation_does_not_see_the_case(self) -> None:
        self.login(self.pablo)
        url = reverse("identity_case", args=[self.case.uuid])
        self.assertEqual(self.client.get(url).status_code, 404)


class BackgroundMatchTests(IdentityTestCase):
    def test_a_new_registration_matching_an_open_request_notifies_the_caseworker(self) -> None:
        request = tracing.tracing_request_create(
            user=self.alice,
            organization=self.iom,
            country=self.co,
            data=tracing.TracingInput(
                sought_given_names="Wilmer", sought_family_names="Castillo Mora",
                sought_sex="M", sought_birth_date=date(1990, 5, 5), relationship="spouse",
                requester=self.maria(self.first),
            ),
        )  # fmt: skip
        self.assertFalse(request.matches.exists())
        with self.captureOnCommitCallbacks(execute=True):
            wilmer = focal(given_names="Wilmer", first_surname="Castillo", second_surname="Mora",
                           sex="M", birth_date=date(1990, 5, 5))  # fmt: skip
            self.register(self.ramona, [wilmer], org=self.ffs)
        match = TracingMatch.objects.get(request=request)
        self.assertEqual(match.person.given_names, "Wilmer")
        notice = Notification.objects.get(user=self.alice)
        self.assertIn(request.code, notice.text)
        self.assertTrue(AuditEvent.objects.filter(action=actions.TRACING_MATCH_FOUND).exists())
        self.login(self.alice)
        page = self.client.get(reverse("identity_tracing"))
        self.assertContains(page, request.code)
        notice.refresh_from_db()
        self.assertIsNotNone(notice.read_at)
        read = AuditEvent.objects.get(action=actions.NOTIFICATIONS_READ)
        self.assertEqual((read.actor, read.context["count"]), (self.alice, 1))

    def test_a_new_registration_that_matches_nothing_notifies_nobody(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.register(self.ramona, [focal(given_names="Nadie")], org=self.ffs)
        self.assertFalse(Notification.objects.exists())
