"""One-tap decisions on duplicates: "not the same person" asks first and can be undone for
a few minutes; decided tickets are listed by status; the records compare in one table."""

from __future__ import annotations

import io
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone, translation

from caminantes.audit.models import AuditEvent
from caminantes.identity import actions, comparison, registry_dedupe, selectors
from caminantes.identity.models import PairDecision, ReviewTicket, TicketRecord
from caminantes.identity.services import review
from caminantes.identity.tests.base import IdentityTestCase, focal
from caminantes.lib.undo import UNDO_MINUTES
from caminantes.registry.models import Person


class NotSameConfirmAndUndoTests(IdentityTestCase):
    def setUp(self) -> None:
        super().setUp()
        registry_dedupe.run("CO", io.StringIO())
        self.ticket = ReviewTicket.objects.get()
        self.url = reverse("identity_ticket", args=[self.ticket.uuid])

    def decided_minutes_ago(self, minutes: int) -> None:
        ReviewTicket.objects.filter(pk=self.ticket.pk).update(
            decided_at=timezone.now() - timedelta(minutes=minutes)
        )

    def test_it_asks_for_a_confirmation_before_marking_different_people(self) -> None:
        self.login(self.alice)
        response = self.client.post(self.url, {"action": "not_same"})
        self.assertContains(response, "¿No es la misma persona?")
        self.assertContains(response, 'name="confirm" value="1"')
        self.assertContains(response, "María José Pérez González")
        self.ticket.refresh_from_db()
        self.assertEqual(self.ticket.status, ReviewTicket.Status.OPEN)
        self.assertFalse(PairDecision.objects.exists())

    def test_it_marks_them_once_confirmed_and_offers_the_undo(self) -> None:
        self.login(self.alice)
        response = self.client.post(self.url, {"action": "not_same", "confirm": "1"}, follow=True)
        self.assertRedirects(response, self.url)
        self.ticket.refresh_from_db()
        self.assertEqual(self.ticket.status, ReviewTicket.Status.NOT_SAME)
        self.assertContains(response, reverse("identity_not_same_undo", args=[self.ticket.uuid]))

    def test_a_reviewer_who_undoes_within_the_window_gets_the_ticket_back_as_it_was(self) -> None:
        review.ticket_later(user=self.alice, ticket=self.ticket)
        review.ticket_not_same(user=self.alice, ticket=self.ticket)
        self.assertEqual(PairDecision.objects.count(), 1)
        self.decided_minutes_ago(UNDO_MINUTES - 1)
        self.login(self.alice)
        response = self.client.post(
            reverse("identity_not_same_undo", args=[self.ticket.uuid]), follow=True
        )
        self.assertContains(response, "vuelve a esperar una decisión")
        self.ticket.refresh_from_db()
        self.assertEqual(self.ticket.status, ReviewTicket.Status.LATER)  # where it was
        self.assertIsNone(self.ticket.decided_by)
        self.assertFalse(PairDecision.objects.exists())  # asked again by the next run
        event = AuditEvent.objects.get(action=actions.NOT_SAME_UNDONE)
        self.assertEqual(event.actor, self.alice)
        # and it can be decided again
        review.ticket_not_same(user=self.alice, ticket=self.ticket)
        self.assertEqual(PairDecision.objects.count(), 1)

    def test_after_the_window_the_undo_is_refused_with_a_message(self) -> None:
        review.ticket_not_same(user=self.alice, ticket=self.ticket)
        self.decided_minutes_ago(UNDO_MINUTES + 1)
        self.login(self.alice)
        page = self.client.get(self.url)
        self.assertNotContains(page, reverse("identity_not_same_undo", args=[self.ticket.uuid]))
        response = self.client.post(
            reverse("identity_not_same_undo", args=[self.ticket.uuid]), follow=True
        )
        self.assertContains(response, f"Pasaron más de {UNDO_MINUTES} minutos")
        self.ticket.refresh_from_db()
        self.assertEqual(self.ticket.status, ReviewTicket.Status.NOT_SAME)
        self.assertEqual(PairDecision.objects.count(), 1)

    def test_pairs_decided_through_an_earlier_ticket_are_kept_by_the_undo(self) -> None:
        a, b = sorted([self.maria(self.first).pk, self.maria(self.second).pk])
        earlier = ReviewTicket.objects.create(country=self.co, score=0.8)
        PairDecision.objects.create(person_a_id=a, person_b_id=b, ticket=earlier)
        review.ticket_not_same(user=self.alice, ticket=self.ticket)
        review.ticket_not_same_undo(user=self.alice, ticket=self.ticket)
        self.assertTrue(PairDecision.objects.filter(ticket=earlier).exists())

    def test_a_decided_ticket_cannot_be_marked_again(self) -> None:
        from django.core.exceptions import ValidationError

        review.ticket_merge(user=self.alice, ticket=self.ticket, survivor=self.maria(self.first))
        with self.assertRaises(ValidationError):
            review.ticket_not_same(user=self.alice, ticket=self.ticket)

    def test_another_organisation_cannot_undo(self) -> None:
        review.ticket_not_same(user=self.alice, ticket=self.ticket)
        self.login(self.ramona)
        url = reverse("identity_not_same_undo", args=[self.ticket.uuid])
        self.assertEqual(self.client.post(url).status_code, 404)
        self.ticket.refresh_from_db()
        self.assertEqual(self.ticket.status, ReviewTicket.Status.NOT_SAME)


class DecidedListTests(IdentityTestCase):
    tickets: dict[str, ReviewTicket]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        people = list(Person.objects.filter(household__organization=cls.iom).order_by("pk"))
        cls.tickets = {}
        for status in ("open", "later", "merged", "not_same"):
            ticket = ReviewTicket.objects.create(country=cls.co, score=0.9, status=status)
            if status in ("merged", "not_same"):
                ticket.decided_by, ticket.decided_at = cls.alice, timezone.now()
                ticket.save()
            for p in people[:2]:
                TicketRecord.objects.create(ticket=ticket, person=p)
            cls.tickets[status] = ticket

    def test_each_filter_lists_the_tickets_of_its_status(self) -> None:
        self.login(self.alice)
        for status, ticket in self.tickets.items():
            response = self.client.get(reverse("identity_review"), {"status": status})
            listed = [t.pk for t in response.context["tickets"]]
            self.assertEqual(listed, [ticket.pk], status)
            self.assertContains(response, ticket.code)

    def test_decided_tickets_say_who_decided_and_when(self) -> None:
        self.login(self.alice)
        response = self.client.get(reverse("identity_review"), {"status": "not_same"})
        self.assertContains(response, "Decidido el")
        self.assertContains(response, str(self.alice))

    def test_the_tabs_count_each_status_and_an_unknown_one_shows_the_open(self) -> None:
        self.assertEqual(
            selectors.ticket_counts(user=self.alice),
            {"open": 1, "later": 1, "merged": 1, "not_same": 1},
        )
        self.login(self.alice)
        response = self.client.get(reverse("identity_review"), {"status": "deleted"})
        self.assertEqual(response.context["status"], "open")

    def test_another_organisations_decided_tickets_are_not_listed(self) -> None:
        self.login(self.ramona)
        response = self.client.get(reverse("identity_review"), {"status": "merged"})
        self.assertEqual(list(response.context["tickets"]), [])


class CompareTableTests(IdentityTestCase):
    def setUp(self) -> None:
        super().setUp()
        registry_dedupe.run("CO", io.StringIO())
        self.ticket = ReviewTicket.objects.get()

    def rows(self) -> dict[str, str]:
        with translation.override("en"):
            compared = comparison.compare(selectors.ticket_records(self.ticket))
            return {str(r.label): r.state for r in compared["rows"]}

    def test_it_marks_the_rows_that_differ_and_only_those(self) -> None:
        rows = self.rows()
        # "Pérez González" and "Perez Gonzales" differ by letters, not by accents
        self.assertEqual(rows["Surnames"], "differs")
        self.assertEqual(rows["Given names"], "same")  # "María José" = "Maria Jose"
        self.assertEqual(rows["Date of birth"], "same")
        self.assertEqual(rows["Documents"], "same")
        self.assertEqual(rows["Phone"], "partial")  # only the first has one
        self.assertEqual(rows["Household"], "")  # always different: not marked

    def test_a_different_sex_is_marked(self) -> None:
        Person.objects.filter(pk=self.maria(self.second).pk).update(sex="M")
        self.assertEqual(self.rows()["Sex"], "differs")

    def test_the_page_shows_one_table_with_the_differing_rows_marked(self) -> None:
        self.login(self.alice)
        response = self.client.get(reverse("identity_ticket", args=[self.ticket.uuid]))
        self.assertContains(response, '<table class="compare"', count=1)
        self.assertContains(response, '<tr class="differs"><th scope="row">Apellidos', count=1)
        self.assertContains(response, "≠ difiere")
        self.assertContains(response, '<tr class="same"><th scope="row">Fecha de nacimiento')

    def test_three_records_compare_in_three_columns(self) -> None:
        third = self.register(self.alice, [focal(given_names="María J.")])
        TicketRecord.objects.create(ticket=self.ticket, person=self.maria(third))
        compared = comparison.compare(selectors.ticket_records(self.ticket))
        self.assertTrue(all(len(r.cells) == 3 for r in compared["rows"]))


class NotSameUndoApiTests(IdentityTestCase):
    def setUp(self) -> None:
        super().setUp()
        from caminantes.accounts.services import api_token_create

        registry_dedupe.run("CO", io.StringIO())
        self.ticket = ReviewTicket.objects.get()
        secret = api_token_create(user=self.alice, name="t", scopes=["read", "write"]).secret
        self.headers = {"Authorization": f"Bearer {secret}"}
        self.base = f"/api/v1/identity/tickets/{self.ticket.uuid}"

    def test_a_client_undoes_within_the_window_and_is_refused_after(self) -> None:
        self.client.post(f"{self.base}/not-same", headers=self.headers)
        undone = self.client.post(f"{self.base}/not-same/undo", headers=self.headers)
        self.assertEqual((undone.status_code, undone.json()["status"]), (200, "open"))
        self.client.post(f"{self.base}/not-same", headers=self.headers)
        ReviewTicket.objects.filter(pk=self.ticket.pk).update(
            decided_at=timezone.now() - timedelta(minutes=UNDO_MINUTES + 1)
        )
        late = self.client.post(f"{self.base}/not-same/undo", headers=self.headers)
        self.assertEqual(late.status_code, 422)
        self.assertIn(str(UNDO_MINUTES), late.json()["detail"])
