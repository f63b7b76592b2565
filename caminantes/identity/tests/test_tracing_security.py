"""Tracing attacks (issue 11, items 2 and 6), each written as the attack.

Charlie, FFS's partner focal point, records a walk-in requester and searches for people
IOM holds; alice (IOM) holds María José and manages her consent; audrey audits IOM.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.urls import reverse

from caminantes.accounts import policies
from caminantes.audit import selectors as audit_selectors
from caminantes.audit.models import Alert, AuditEvent
from caminantes.identity import actions
from caminantes.identity.models import ReunificationCase, TracingMatch, TracingRequest
from caminantes.identity.services import tracing
from caminantes.identity.tests.base import IdentityTestCase
from caminantes.registry import consent
from caminantes.registry import services as registry_services
from caminantes.registry.consent import ConsentRequired
from caminantes.registry.models import Consent, TimelineEntry


def walk_in(**kw: object) -> tracing.TracingInput:
    """A walk-in requester's search for María José Pérez González (IOM holds her)."""
    fields: dict[str, object] = {
        "sought_given_names": "María José",
        "sought_family_names": "Pérez González",
        "sought_sex": "F",
        "sought_birth_date": date(1990, 3, 14),
        "relationship": "sibling",
        "requester_description": "Hermano, atendido en Cúcuta",
        "requester_consent_on": date(2026, 11, 30),
    }
    fields.update(kw)
    return tracing.TracingInput(**fields)  # type: ignore[arg-type]


class TracingSecurityCase(IdentityTestCase):
    def search(self, **kw: object) -> TracingRequest:
        return tracing.tracing_request_create(
            user=self.charlie, organization=self.ffs, country=self.co, data=walk_in(**kw)
        )

    def maria_consent(self) -> Consent:
        return Consent.objects.get(
            person=self.maria(self.first), purpose=consent.Purpose.FAMILY_TRACING
        )


class WithdrawnConsentTests(TracingSecurityCase):
    def setUp(self) -> None:
        super().setUp()
        self.match = self.search().matches.get(person=self.maria(self.first))

    def test_it_closes_the_match_when_the_holder_withdraws_consent(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            registry_services.consent_withdraw(user=self.alice, consent=self.maria_consent())
        self.match.refresh_from_db()
        self.assertEqual(self.match.status, TracingMatch.Status.WITHDRAWN)
        shown = tracing.disclosure(self.charlie, self.match)
        self.assertEqual((shown.name, shown.age, shown.country), ("", None, ""))
        entry = TimelineEntry.objects.get(household=self.first, kind="tracing")
        self.assertIn("consent", entry.text)
        self.assertNotIn(self.match, tracing_to_confirm(self.alice))

    def test_the_holder_cannot_confirm_once_consent_is_withdrawn(self) -> None:
        # Withdrawn by a path that sends no notice: the decision itself asks consent.
        Consent.objects.filter(pk=self.maria_consent().pk).update(withdrawn_on=date(2026, 12, 1))
        with self.assertRaises(ConsentRequired):
            tracing.match_decide(user=self.alice, match=self.match, confirm=True)
        self.assertFalse(ReunificationCase.objects.exists())
        self.login(self.alice)
        url = reverse("identity_match_decide", args=[self.match.uuid])
        response = self.client.post(url, {"decision": "confirm"}, follow=True)
        self.assertContains(response, "No hay un consentimiento válido")
        self.assertFalse(ReunificationCase.objects.exists())

    def test_a_confirmed_match_stops_disclosing_once_consent_is_withdrawn(self) -> None:
        tracing.match_decide(user=self.alice, match=self.match, confirm=True)
        self.assertTrue(tracing.disclosure(self.charlie, self.match).full)
        Consent.objects.filter(pk=self.maria_consent().pk).update(withdrawn_on=date(2026, 12, 1))
        shown = tracing.disclosure(self.charlie, self.match)
        self.assertFalse(shown.full)
        self.assertEqual((shown.name, shown.birth_date, shown.household_code), ("", None, ""))
        self.login(self.charlie)
        page = self.client.get(reverse("identity_tracing_detail", args=[self.match.request.uuid]))
        self.assertNotContains(page, "IOM")
        self.assertNotContains(page, self.first.code)


def tracing_to_confirm(user: object) -> list[TracingMatch]:
    from caminantes.identity import selectors

    return list(selectors.matches_to_confirm(user=user))


class PeopleSearchTests(TracingSecurityCase):
    def test_a_name_and_an_age_are_not_enough_to_search(self) -> None:
        with self.assertRaises(ValidationError):
            self.search(sought_birth_date=None, sought_age=36)
        self.assertFalse(TracingMatch.objects.exists())

    def test_given_names_alone_are_not_enough_to_search(self) -> None:
        with self.assertRaises(ValidationError):
            self.search(sought_family_names="")
        self.assertFalse(TracingMatch.objects.exists())

    def test_a_different_name_is_not_a_possible_match(self) -> None:
        request = self.search(sought_given_names="María", sought_family_names="Pérez")
        self.assertFalse(request.matches.exists())

    def test_the_requester_learns_only_that_a_possible_match_exists(self) -> None:
        request = self.search()
        match = request.matches.get(person=self.maria(self.first))
        shown = tracing.disclosure(self.charlie, match)
        self.assertEqual((shown.name, shown.sex, shown.age, shown.country), ("", "", None, ""))
        self.login(self.charlie)
        page = self.client.get(reverse("identity_tracing_detail", args=[request.uuid]))
        self.assertContains(page, "Posible coincidencia")
        # The sought name is the requester's own words; the registered spelling is not.
        self.assertNotContains(page, "Gonzales")
        self.assertNotContains(page, self.first.code)

    def test_many_searches_are_refused_and_raise_an_alert(self) -> None:
        for _ in range(tracing.SEARCH_LIMIT):
            self.search()
        with self.assertRaises(ValidationError):
            self.search()
        with self.assertRaises(ValidationError):
            self.search()
        alert = Alert.objects.get()
        self.assertEqual((alert.user, alert.organization), (self.charlie, self.ffs))
        self.assertEqual(TracingRequest.objects.count(), tracing.SEARCH_LIMIT)

    def test_every_search_is_in_the_holding_organisations_audit_trail(self) -> None:
        request = self.search()
        seen = audit_selectors.audit_events_filtered(
            events=policies.visible(self.audrey, AuditEvent),
            filters=audit_selectors.EventFilter(action=actions.TRACING_SEARCH),
        )
        (event,) = seen
        self.assertEqual((event.actor, event.object_uuid), (self.charlie, request.uuid))
        self.assertEqual(event.context["requesting_organization"], "FFS")


class SearchPageLimitTests(TracingSecurityCase):
    def test_the_pages_say_when_there_were_too_many_searches(self) -> None:
        request = self.search()
        for _ in range(tracing.SEARCH_LIMIT - 1):
            self.search()
        self.login(self.charlie)
        url = reverse("identity_tracing_detail", args=[request.uuid])
        page = self.client.post(url, {"action": "search"}, follow=True)
        self.assertContains(page, "Demasiadas búsquedas")
        form = {
            "sought_given_names": "María José",
            "sought_family_names": "Pérez González",
            "sought_birth_year": "1990",
            "relationship": "sibling",
            "requester_description": "Hermano",
            "requester_consent_on": "2026-11-30",
        }
        page = self.client.post(reverse("identity_tracing_new"), form)
        self.assertContains(page, "Demasiadas búsquedas")
        self.assertEqual(TracingRequest.objects.count(), tracing.SEARCH_LIMIT)


class RequesterWithdrawsTests(TracingSecurityCase):
    def test_a_requester_who_withdraws_consent_stops_the_search(self) -> None:
        data = walk_in(requester=self.maria(self.ffs_family), requester_description="",
                       requester_consent_on=None)  # fmt: skip
        request = tracing.tracing_request_create(
            user=self.ramona, organization=self.ffs, country=self.co, data=data
        )
        match = request.matches.get(person=self.maria(self.first))
        own = Consent.objects.get(
            person=self.maria(self.ffs_family), purpose=consent.Purpose.FAMILY_TRACING
        )
        with self.captureOnCommitCallbacks(execute=True):
            registry_services.consent_withdraw(user=self.ramona, consent=own)
        request.refresh_from_db()
        match.refresh_from_db()
        self.assertEqual(request.status, TracingRequest.Status.CLOSED)
        self.assertEqual(match.status, TracingMatch.Status.WITHDRAWN)
