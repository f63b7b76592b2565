from __future__ import annotations

import io

from django.urls import reverse

from caminantes.accounts.models import Membership, User
from caminantes.audit.models import AuditEvent
from caminantes.identity import actions, registry_dedupe, selectors
from caminantes.identity.models import MergeRecord, PairDecision, ReviewTicket, Thresholds
from caminantes.identity.services import review, survivor_of
from caminantes.identity.tests.base import IdentityTestCase, focal
from caminantes.registry.inputs import DocumentInput
from caminantes.registry.models import Person, TimelineEntry
from caminantes.registry.services import documents


class RegistryRunTests(IdentityTestCase):
    def run_co(self) -> str:
        out = io.StringIO()
        registry_dedupe.run("CO", out)
        return out.getvalue()

    def test_it_opens_one_ticket_for_the_planted_duplicate_and_none_for_her_brother(self) -> None:
        summary = self.run_co()
        tickets = list(ReviewTicket.objects.all())
        self.assertEqual(len(tickets), 1)
        people = set(tickets[0].records.values_list("person_id", flat=True))
        self.assertEqual(people, {self.maria(self.first).pk, self.maria(self.second).pk})
        self.assertIn("1 tickets opened", summary)
        record = tickets[0].records.first()
        assert record is not None
        evidence = next(iter(record.evidence.values()))
        self.assertEqual(evidence["fields"]["birth_date"], "exact")

    def test_it_does_not_open_the_same_ticket_twice(self) -> None:
        self.run_co()
        self.run_co()
        self.assertEqual(ReviewTicket.objects.count(), 1)

    def test_not_the_same_person_is_never_asked_again(self) -> None:
        self.run_co()
        ticket = ReviewTicket.objects.get()
        review.ticket_not_same(user=self.alice, ticket=ticket)
        self.assertEqual(PairDecision.objects.count(), 1)
        summary = self.run_co()
        self.assertEqual(ReviewTicket.objects.count(), 1)
        self.assertIn("1 already in a ticket or decided", summary)

    def test_nothing_merges_by_itself_without_an_auto_merge_threshold(self) -> None:
        self.run_co()
        self.assertFalse(Person.objects.filter(merged_into__isnull=False).exists())
        self.assertEqual(ReviewTicket.objects.get().status, ReviewTicket.Status.OPEN)

    def test_nothing_below_the_auto_merge_threshold_merges(self) -> None:
        Thresholds.objects.create(country=self.co, review_threshold=0.5, auto_merge_threshold=1.0)
        self.run_co()
        ticket = ReviewTicket.objects.get()
        self.assertLessEqual(ticket.score, 1.0)  # shown rounded; the engine's is below 1
        self.assertEqual(ticket.status, ReviewTicket.Status.OPEN)
        self.assertFalse(MergeRecord.objects.exists())

    def test_it_merges_by_itself_above_the_auto_merge_threshold(self) -> None:
        Thresholds.objects.create(country=self.co, review_threshold=0.5, auto_merge_threshold=0.9)
        self.run_co()
        merge = MergeRecord.objects.get()
        self.assertTrue(merge.automatic)
        self.assertIsNone(merge.merged_by)
        self.assertEqual(merge.merged.merged_into, merge.survivor)


class DecisionTests(IdentityTestCase):
    def setUp(self) -> None:
        registry_dedupe.run("CO", io.StringIO())
        self.ticket = ReviewTicket.objects.get()
        self.kept, self.other = self.maria(self.first), self.maria(self.second)

    def test_merge_then_undo_restores_the_previous_state(self) -> None:
        (merge,) = review.ticket_merge(user=self.alice, ticket=self.ticket, survivor=self.kept)
        self.other.refresh_from_db()
        self.assertEqual(self.other.merged_into, self.kept)
        self.assertEqual(survivor_of(self.other), self.kept)
        for household in (self.first, self.second):
            self.assertTrue(
                TimelineEntry.objects.filter(household=household, kind="identity_merge").exists()
            )
        self.assertTrue(AuditEvent.objects.filter(action=actions.MERGE, actor=self.alice).exists())

        review.merge_undo(user=self.alice, merge=merge)
        self.other.refresh_from_db()
        self.ticket.refresh_from_db()
        merge.refresh_from_db()
        self.assertIsNone(self.other.merged_into)
        self.assertEqual(self.ticket.status, ReviewTicket.Status.OPEN)
        self.assertIsNotNone(merge.undone_at)
        self.assertEqual(
            TimelineEntry.objects.filter(household=self.second, kind="identity_merge").count(), 2
        )
        self.assertTrue(AuditEvent.objects.filter(action=actions.MERGE_UNDONE).exists())

    def test_merging_keeps_both_records(self) -> None:
        review.ticket_merge(user=self.alice, ticket=self.ticket, survivor=self.kept)
        self.assertTrue(Person.objects.filter(pk=self.other.pk).exists())
        self.assertEqual(self.other.documents.count(), 1)

    def test_the_page_shows_records_side_by_side_with_masked_documents(self) -> None:
        self.login(self.alice)
        response = self.client.get(reverse("identity_ticket", args=[self.ticket.uuid]))
        self.assertContains(response, "María José Pérez González")
        self.assertContains(response, "Maria Jose Perez Gonzales")
        self.assertContains(response, "•••678")
        self.assertNotContains(response, "12345678")
        self.assertNotContains(response, "345678<")
        # the fields the evidence speaks of are rows of the table too, and it speaks Spanish
        self.assertContains(response, "<td>Venezuela</td><td>Venezuela</td>")
        self.assertContains(response, "Lugar de nacimiento")
        self.assertContains(response, '<span class="level">motor: igual</span>')
        self.assertNotContains(response, ": same<")

    def test_a_reviewer_merges_from_the_page(self) -> None:
        self.login(self.alice)
        url = reverse("identity_ticket", args=[self.ticket.uuid])
        response = self.client.post(url, {"action": "merge", "survivor": str(self.kept.uuid)})
        self.assertRedirects(response, reverse("identity_review"))
        self.other.refresh_from_db()
        self.assertEqual(self.other.merged_into, self.kept)

    def test_the_list_shows_open_tickets(self) -> None:
        self.login(self.carla)
        response = self.client.get(reverse("identity_review"))
        self.assertContains(response, self.ticket.code)


class ScopeTests(IdentityTestCase):
    def _ticket(self, *people: Person) -> ReviewTicket:
        from caminantes.identity.models import TicketRecord

        ticket = ReviewTicket.objects.create(country=self.co, score=0.9)
        for p in people:
            TicketRecord.objects.create(ticket=ticket, person=p)
        return ticket

    def test_another_organisation_cannot_see_a_ticket(self) -> None:
        yusmary = self.maria(self.ffs_family)
        twin = self.register(self.ramona, [focal(given_names="Yusmari")], org=self.ffs)
        ffs_ticket = self._ticket(yusmary, self.maria(twin))
        self.assertNotIn(ffs_ticket, selectors.tickets_for_user(user=self.alice))
        self.assertIn(ffs_ticket, selectors.tickets_for_user(user=self.ramona))
        self.login(self.alice)
        url = reverse("identity_ticket", args=[ffs_ticket.uuid])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_ticket_with_a_record_one_may_not_see_is_not_listed(self) -> None:
        mixed = self._ticket(self.maria(self.first), self.maria(self.ffs_family))
        for user in (self.alice, self.carla, self.ramona):
            self.assertNotIn(mixed, selectors.tickets_for_user(user=user))

    def test_a_run_gives_each_organisation_a_ticket_of_its_own_records(self) -> None:
        # FFS registers María José too (twice): the cluster spans IOM and FFS. Each
        # organisation gets a ticket with its own records; the link is counted, not shown.
        # Her cédula a second time at FFS needs the word of FFS's country manager.
        cedula = DocumentInput(type="cedula", number="V-12.345.678")
        manager = User.objects.create_user("fabio@example.org", "x" * 12)
        Membership.objects.create(
            user=manager, organization=self.ffs, role="country_manager"
        ).countries.set([self.co])
        for i in range(2):
            if i:
                documents.shared_document_confirm(
                    user=manager, organization=self.ffs, country=self.co, document=cedula,
                    reason="Registro doble",
                )  # fmt: skip
            self.register(self.ramona, [focal(documents=[cedula])], org=self.ffs)
        run = registry_dedupe.run("CO", io.StringIO())
        self.assertGreaterEqual(run.cross_organisation, 1)
        iom_tickets = list(selectors.tickets_for_user(user=self.alice))
        ffs_tickets = list(selectors.tickets_for_user(user=self.ramona))
        self.assertTrue(iom_tickets)
        self.assertTrue(ffs_tickets)
        for tickets, org in ((iom_tickets, self.iom), (ffs_tickets, self.ffs)):
            for ticket in tickets:
                holders = {r.person.household.organization for r in ticket.records.all()}
                self.assertEqual(holders, {org})
        self.login(self.carla)
        page = self.client.get(reverse("identity_thresholds"))
        self.assertContains(page, "Entre organizaciones")

    def test_a_reviewer_from_another_organisation_cannot_decide(self) -> None:
        from django.core.exceptions import PermissionDenied

        ticket = self._ticket(self.maria(self.first), self.maria(self.second))
        with self.assertRaises(PermissionDenied):
            review.ticket_not_same(user=self.ramona, ticket=ticket)


class ThresholdTests(IdentityTestCase):
    def test_a_manager_sets_thresholds_on_the_page(self) -> None:
        self.login(self.carla)
        response = self.client.post(
            reverse("identity_thresholds"),
            {"action": "save", "country": "CO", "review_threshold": "0.6",
             "auto_merge_threshold": "0.99"},
        )  # fmt: skip
        self.assertRedirects(response, reverse("identity_thresholds"))
        t = Thresholds.objects.get(country=self.co)
        self.assertEqual((t.review_threshold, t.auto_merge_threshold), (0.6, 0.99))

    def test_auto_merge_may_not_be_below_review(self) -> None:
        from django.core.exceptions import ValidationError

        with self.assertRaises(ValidationError):
            review.thresholds_set(
                user=self.carla, country=self.co, review_threshold=0.8, auto_merge_threshold=0.5
            )

    def test_a_registrar_may_not_set_thresholds(self) -> None:
        self.login(self.alice)
        self.assertEqual(self.client.get(reverse("identity_thresholds")).status_code, 403)

    def test_a_manager_starts_a_run_from_the_page(self) -> None:
        self.login(self.carla)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("identity_thresholds"), {"action": "run", "country": "CO"})
        self.assertEqual(ReviewTicket.objects.count(), 1)
        run = selectors.runs_for_user(user=self.carla).get()
        self.assertEqual((run.status, run.started_by, run.tickets_opened), ("done", self.carla, 1))


class ApiTests(IdentityTestCase):
    def setUp(self) -> None:
        from caminantes.accounts.services import api_token_create

        registry_dedupe.run("CO", io.StringIO())
        self.ticket = ReviewTicket.objects.get()
        secret = api_token_create(user=self.alice, name="t", scopes=["read", "write"]).secret
        self.headers = {"Authorization": f"Bearer {secret}"}

    def test_it_lists_and_shows_a_ticket_with_masked_documents(self) -> None:
        listing = self.client.get("/api/v1/identity/tickets", headers=self.headers).json()
        self.assertEqual([t["uuid"] for t in listing], [str(self.ticket.uuid)])
        detail = self.client.get(
            f"/api/v1/identity/tickets/{self.ticket.uuid}", headers=self.headers
        ).json()
        self.assertEqual(len(detail["records"]), 2)
        self.assertIn("cedula •••678", detail["records"][0]["documents"])
        self.assertNotIn("12345678", str(detail))

    def test_it_merges_through_the_api(self) -> None:
        kept = self.maria(self.first)
        response = self.client.post(
            f"/api/v1/identity/tickets/{self.ticket.uuid}/merge?survivor={kept.uuid}",
            headers=self.headers,
        )
        self.assertEqual(response.json()["status"], "merged")
        self.assertEqual(self.maria(self.second).merged_into, kept)

    def test_a_merge_without_a_survivor_is_refused(self) -> None:
        response = self.client.post(
            f"/api/v1/identity/tickets/{self.ticket.uuid}/merge", headers=self.headers
        )
        self.assertEqual(response.status_code, 422)


class RecordTests(IdentityTestCase):
    def test_bulk_records_equal_one_by_one_records(self) -> None:
        from caminantes.identity import matching

        people = Person.objects.all()
        bulk = matching.to_records(people)
        for p in people:
            self.assertEqual(bulk[p.pk], matching.to_record(p))
        maria = bulk[self.maria(self.first).pk]
        self.assertEqual((maria.document_number, maria.nationality), ("V-12.345.678", "VEN"))
        self.assertEqual(maria.phone, "+573001234567")
        self.assertEqual(bulk[self.maria(self.second).pk].phone, "")


def test_every_level_the_engine_gives_has_words_for_the_reviewer() -> None:
    """The ticket shows the engine's evidence: a level without a label would show raw
    English ("Sexo: same") on a Spanish page."""
    from django.utils import translation

    from caminantes.identity import labels
    from caminantes.identity.engine.compare import LEVELS

    for field, levels in LEVELS.items():
        for level in levels:
            assert level in labels.LEVELS, (field, level)
    with translation.override("es"):
        rows = labels.describe({"sex": "same", "birth_date": "months_apart"})
        assert [str(r["level"]) for r in rows] == ["igual", "con meses de diferencia"]
        assert rows[0]["agrees"] and not rows[1]["agrees"] and not rows[1]["differs"]
