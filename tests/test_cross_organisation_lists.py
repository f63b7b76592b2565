"""No list, search, count, export or dashboard shows another organisation's records.

Every route whose URL names no object (found in Django's URL configuration and the API's
OpenAPI schema, so a new page is walked without editing this file) is fetched by IOM staff
of every role. The search and filter forms each page offers are then submitted as a person
would: each text field holding the planted name or document of an FFS person, each choice
picked in turn, so exports come back as CSV and as XLSX (unzipped and read).

No answer may contain FFS's planted names, document number or the uuid of an FFS record.
The same walk is the positive control: IOM's own planted values, looked for in the same
answers, must be found where IOM's staff may see them, so the test cannot pass by looking
at pages that show nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpResponseBase
from django.test import Client, override_settings

from caminantes.accounts.models import Membership, User
from caminantes.accounts.permissions import PLATFORM_ROLES, Role
from caminantes.accounts.services import api_token_create
from tests.markers import Marker, found_in, markers
from tests.personas import PASSWORD, PersonaTestCase
from tests.walk import (
    api_lists,
    get_forms,
    page_routes_without_ids,
    readable,
    route_url,
    without_template_copies,
)
from tests.world import build_foreign_world, plant

# The positive control: IOM's own records that IOM's staff must find somewhere in the walk
# (a list, a search for the planted name or document, an export). The planted values
# themselves must all be found too.
OWN_RECORDS_LISTED = {
    "registry.Household", "registry.Person", "registry.ImportBatch", "registry.DataRequest",
    "identity.TracingRequest", "identity.TracingMatch", "identity.ReviewTicket",
    "audit.Alert", "dtm.Operation", "dtm.FlowMonitoringPoint", "dtm.CollectiveSite",
    "dtm.DtmImport",
}  # fmt: skip
# Found by a search carrying a planted value, not only on a page that lists everything.
OWN_RECORDS_SEARCHED = {"registry.Household", "registry.Person"}
# The kinds of answer the walk must have read an own record in: pages, the API, and
# exports as CSV and as XLSX (whose cells are in the zipped XML).
FORMATS_READ = {"text/html", "application/json", "text/csv", "spreadsheetml"}


class CrossOrganisationListTest(PersonaTestCase):
    askers: list[User]
    foreign: dict[type[models.Model], Any]
    ours: dict[type[models.Model], Any]
    leaks: dict[str, Marker]
    own: dict[str, Marker]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.foreign = build_foreign_world(cls.ffs, cls.charlie)
        cls.ours = build_foreign_world(cls.iom, cls.alice)
        cls.leaks = markers(cls.foreign, cls.ffs)
        cls.own = markers(cls.ours, cls.iom)
        # IOM staff: the personas, and one Colombia member for every other role.
        cls.askers = [cls.alice, cls.bob, cls.carla, cls.pablo, cls.audrey, cls.eve]
        held = {m.role for m in Membership.objects.filter(user__in=cls.askers)}
        for role in Role:
            if role in held or role in PLATFORM_ROLES:
                continue
            user = User.objects.create_user(f"{role}@example.org", PASSWORD, full_name=role)
            Membership.objects.create(user=user, organization=cls.iom, role=role).countries.set(
                [cls.co]
            )
            cls.askers.append(user)

    def setUp(self) -> None:
        self.leaked: list[str] = []
        self.seen: set[Marker] = set()  # own markers found
        self.searched: set[Marker] = set()  # ... in the answer to a planted value
        self.formats: set[str] = set()  # the content types they were found in
        theirs, ours = plant(self.ffs), plant(self.iom)
        self.terms = [
            f"{theirs.given_names} {theirs.surname}",
            theirs.document,
            f"{theirs.sought_given_names} {theirs.sought_family_names}",
            f"{ours.given_names} {ours.surname}",
            ours.document,
            f"{ours.sought_given_names} {ours.sought_family_names}",
        ]

    def look(
        self, asker: User, url: str, query: dict[str, str], answer: HttpResponseBase
    ) -> list[str]:
        """Note FFS values in the answer (leaks, returned) and IOM's own (the positive
        control); a value the request carried and the answer echoes is neither."""
        # A throttled answer shows nothing, so it would pass without checking anything.
        self.assertNotEqual(answer.status_code, 429, f"{asker.email} GET {url}: rate-limited")
        text, asked = readable(answer), " ".join(query.values()).lower()
        leaked = [
            f"{asker.email} GET {url} {query or ''}: {what.label}"
            for what in sorted(found_in(text, self.leaks, query), key=lambda m: m.label)
        ]
        self.leaked += leaked
        own = found_in(text, self.own, query)
        self.seen |= own
        if own and any(term.lower() in asked for term in self.terms):
            self.searched |= own
        if own:
            kind = answer.get("Content-Type", "").split(";")[0]
            self.formats |= {f for f in FORMATS_READ if f in kind}
        return leaked

    def walk_pages(self, asker: User) -> None:
        client = self.login(asker, client=Client(), sudo=True)
        submitted: set[tuple[str, tuple[str, ...]]] = set()
        for route in page_routes_without_ids():
            url = route_url(route)
            response = client.get(url)
            self.look(asker, url, {}, response)
            if "_auth_user_id" not in client.session:  # the route logged the asker out
                self.login(asker, client=client, sudo=True)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for form in get_forms(response.content.decode(), url):
                shape = (form.action, tuple(sorted([*form.texts, *form.choices])))
                if shape in submitted:
                    continue  # the same form on every page (the menu's search box)
                submitted.add(shape)
                for query in form.variants(self.terms):
                    answer = client.get(form.action, query)
                    self.look(asker, form.action, query, answer)

    def walk_api(self, asker: User) -> None:
        secret = api_token_create(user=asker, name="walk", scopes=["read"]).secret
        headers = {"Authorization": f"Bearer {secret}"}
        for path, texts in api_lists():
            answer = self.client.get(path, headers=headers)
            self.look(asker, path, {}, answer)
            if answer.status_code in (401, 403):
                continue  # the asker may not read this list: a search is refused alike
            for query in ({name: term} for name in texts for term in self.terms):
                answer = self.client.get(path, query, headers=headers)
                self.look(asker, path, query, answer)

    # Some 2,600 API calls from one address in a minute or so: more than the rate limits
    # allow (the limits have their own tests).
    @override_settings(API_RATE_PER_USER=1_000_000, API_RATE_PER_ADDRESS=1_000_000)
    @without_template_copies()
    def test_it_shows_no_other_organisations_record_on_any_list(self) -> None:
        self.assertTrue(page_routes_without_ids())
        self.assertTrue(api_lists())
        for asker in self.askers:
            self.walk_pages(asker)
            self.walk_api(asker)
        self.assertFalse(self.leaked, "\n".join([*self.leaked[:30], f"({len(self.leaked)})"]))
        with self.subTest("IOM's staff find IOM's own records in the same walk"):
            found = {m.model for m in self.seen}
            self.assertEqual(OWN_RECORDS_LISTED - found, set())
            planted = {m.label for m in self.own.values() if not m.model}
            self.assertEqual(planted - {m.label for m in self.seen}, set())
            self.assertEqual(OWN_RECORDS_SEARCHED - {m.model for m in self.searched}, set())
            self.assertEqual(FORMATS_READ - self.formats, set())
