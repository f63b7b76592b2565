"""One walk over every page, as each persona, checks three things: no ordinary mistake gives
a server error (every form the site serves, filled badly); every page obeys the
Content-Security-Policy; and no link that carries an id in its query string opens another
organisation's record.

The forms are found, not listed: every route of the URL configuration (tests/walk.py) is
opened as each persona, those naming an object with the persona's own organisation's
objects (tests/world.py), and every form on the pages that open is kept, once per action
and set of fields. Each is then sent as a person in a hurry would: empty, and with hostile
values rotated over its fields (dates in the future and impossible ones, reversed ranges,
5,000 characters, a choice not among the options, spreadsheet formulas and script, huge
numbers). No answer may be a 5xx. A form added to any app later is tried without editing
this file.

Every form's sends run in a transaction rolled back afterwards, so a form that does
something (end a membership, withdraw a consent) changes nothing for the next one.

Each page opened on the way is also read for what a strict Content-Security-Policy would
block (tests/test_content_security_policy.py has the rules): no inline script or style, no
handler attribute, the policy header strict. Every page route must be shown (200) to at
least one persona, or be named in NOT_PAGES there with the reason.

Links whose query string carries an id (`?person=<uuid>`), found on those pages, are then
given the other organisation's ids: each must answer as for an id that does not exist.
"""

from __future__ import annotations

import copy
import itertools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.db import models, transaction
from django.test import Client

from caminantes.accounts.models import Membership, User
from caminantes.accounts.permissions import Role
from tests.markers import Marker, found_in, markers
from tests.personas import PASSWORD, PersonaTestCase
from tests.test_content_security_policy import NOT_PAGES, VISITOR_PAGES, page_problems
from tests.walk import (
    get_capturing,
    id_parameters,
    looked_up_models,
    objects_for,
    page_routes,
    page_routes_with_ids,
    page_routes_without_ids,
    readable,
    refused_regardless,
    route_url,
    without_template_copies,
)
from tests.world import build_foreign_world, distinct_objects

# Pages that end the session or only hand out files: opening them finds no form.
SKIPPED_ACTIONS = ("/accounts/logout/",)
SKIPPED_SUFFIXES = (".csv", ".xlsx", "download/", "healthz")

LONG = "Ñandú " * 834  # 5,004 characters
HOSTILE: dict[str, list[str]] = {
    "date": ["2999-12-31", "2024-02-30", "0001-01-01", "9999-12-31", "31/12/2999", "ayer"],
    "number": ["99999999999999999999999", "-1", "1e400", "NaN", "3.5", "٣"],
    "text": [LONG, "=cmd|' /C calc'!A0", "<script>alert(1)</script>", "+1-1", "\x00", "@SUM(1)"],
    "choice": ["zz-not-an-option", str(uuid.uuid4()), "-1", "99999999999999999999", "", "*"],
    "hidden": ["", "not-a-path", "99999999999999999999999", "//evil.example/", "0"],
}


@dataclass
class Field:
    name: str
    kind: str  # date, number, text, choice, check, hidden, file
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False


@dataclass
class PostForm:
    action: str
    fields: list[Field] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, tuple[str, ...]]:
        return self.action, tuple(sorted({f.name for f in self.fields}))

    def as_left(self) -> dict[str, Any]:
        """What the page sends when the person only presses the button."""
        data: dict[str, Any] = {}
        for f in self.fields:
            if f.kind == "file":
                continue
            if f.kind == "check" and not f.checked:
                continue
            data.setdefault(f.name, []).append(f.value)
        return data

    def empty(self) -> dict[str, Any]:
        """Every visible field blank; hidden values (a version, a submission id) kept."""
        return {f.name: f.value for f in self.fields if f.kind == "hidden"}

    def hostile(self, turn: int) -> dict[str, Any]:
        """As left, each field holding a hostile value of its kind (which one turns)."""
        data = self.as_left()
        dates = [f for f in self.fields if f.kind == "date"]
        for i, f in enumerate(self.fields):
            values = HOSTILE.get("choice" if f.kind == "check" else f.kind)
            if values:
                data[f.name] = values[(turn + i) % len(values)]
        if turn % 2 and len(dates) >= 2:  # a reversed range: the end before the start
            data[dates[0].name], data[dates[1].name] = "2024-06-30", "2024-01-01"
        return data


class _Parser(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[PostForm] = []
        self._form: PostForm | None = None
        self._select: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = urlsplit(urljoin(self.page_url, a.get("action") or self.page_url))
            self._form = PostForm(action.path + (f"?{action.query}" if action.query else ""))
            if a.get("method", "get").lower() == "post":
                self.forms.append(self._form)
            else:
                self.forms.append(self._form)
                self._form.action = "GET " + self._form.action
            return
        form, name = self._form, a.get("name", "")
        if form is None:
            return
        if tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select.options.append(value)
            if "selected" in a or not self._select.value:
                self._select.value = value
            return
        if not name:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "reset", "image"}:
                if a.get("value"):  # a named button says which action was chosen
                    form.fields.append(Field(name, "hidden", a["value"]))
                return
            mapped = {"date": "date", "number": "number", "hidden": "hidden", "file": "file",
                      "checkbox": "check", "radio": "check"}.get(kind, "text")  # fmt: skip
            form.fields.append(Field(name, mapped, a.get("value", "on" if mapped == "check"
                                                                  else ""),
                                     checked="checked" in a))  # fmt: skip
        elif tag == "select":
            self._select = Field(name, "choice")
            form.fields.append(self._select)
        elif tag == "textarea":
            form.fields.append(Field(name, "text"))
        elif tag == "button" and a.get("value"):
            form.fields.append(Field(name, "hidden", a["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _short(data: dict[str, Any]) -> dict[str, str]:
    return {k: (str(v)[:30] + "…" if len(str(v)) > 30 else str(v)) for k, v in data.items()}


def forms_in(html: str, page_url: str) -> list[PostForm]:
    parser = _Parser(page_url)
    parser.feed(html)
    return [f for f in parser.forms if f.fields or not f.action.startswith("GET ")]


class HostileFormsTest(PersonaTestCase):
    personas: list[User]
    own: dict[str, list[Any]]
    foreign: dict[str, list[Any]]
    side: dict[str, str]
    iom_world: dict[type[models.Model], Any]
    ffs_world: dict[type[models.Model], Any]
    leaks: dict[str, dict[str, Marker]]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        iom_world = build_foreign_world(cls.iom, cls.alice)
        ffs_world = build_foreign_world(cls.ffs, cls.charlie)
        iom, ffs = distinct_objects(iom_world), distinct_objects(ffs_world)
        cls.iom_world, cls.ffs_world = iom_world, ffs_world
        # A registrar, a country manager, a DTM enumerator, a partner, an admin (who also
        # opens every page an auditor does), a distribution officer (the warehouses) and a
        # shelter officer (the shelters).
        dora = User.objects.create_user("dora@example.org", PASSWORD, full_name="Dora")
        Membership.objects.create(
            user=dora, organization=cls.iom, role=Role.DISTRIBUTION_OFFICER
        ).countries.set([cls.co])
        sol = User.objects.create_user("sol@example.org", PASSWORD, full_name="Sol")
        Membership.objects.create(
            user=sol, organization=cls.iom, role=Role.SHELTER_OFFICER
        ).countries.set([cls.co])
        # Bob (GBV officer) is assigned to IOM's protection case: its forms are tried too.
        cls.personas = [cls.alice, cls.carla, cls.eve, cls.charlie, cls.admin, dora, sol, cls.bob]
        cls.own = {u.email: (ffs if u == cls.charlie else iom) for u in cls.personas}
        cls.side = {u.email: ("FFS" if u == cls.charlie else "IOM") for u in cls.personas}
        cls.foreign = {u.email: (iom if u == cls.charlie else ffs) for u in cls.personas}
        iom_leaks, ffs_leaks = markers(iom_world, cls.iom), markers(ffs_world, cls.ffs)
        cls.leaks = {u.email: (iom_leaks if u == cls.charlie else ffs_leaks) for u in cls.personas}

    def _client(self, user: User) -> Client:
        return self.login(user, client=Client(), sudo=True)

    def _pages(self, client: Client, user: User) -> Iterator[tuple[str, str]]:
        """The route and URL of every page the persona can open: routes naming no object,
        and those naming one with each of the persona's own objects of the model it looks
        up."""
        for route in page_routes_without_ids():
            if not route.endswith(SKIPPED_SUFFIXES) and route_url(route) not in SKIPPED_ACTIONS:
                yield route, route_url(route)
        for route in page_routes_with_ids():
            if route.endswith(SKIPPED_SUFFIXES):
                continue
            lookups = self.lookups.get(route)
            if not lookups:  # not known yet: this persona may reach the look-up
                key = uuid.uuid4()
                _, queries = get_capturing(client, route_url(route, key))
                lookups = self.lookups[route] = looked_up_models(queries, key)
            if not lookups:
                continue  # refused before any look-up: no object of theirs would open it
            for obj in objects_for(lookups, self.own[user.email]):
                yield route, route_url(route, obj.uuid)  # type: ignore[attr-defined]

    def _discover(self, client: Client, user: User) -> list[PostForm]:
        """The forms of every page the persona opens; each answer is held to the policy."""
        found: dict[tuple[str, tuple[str, ...]], PostForm] = {}
        for route, url in self._pages(client, user):
            response = client.get(url)
            where = f"{url} as {user.email}"
            self.assertLess(response.status_code, 500, where)
            with self.subTest(page=where):
                self.assertEqual(page_problems(response), [])
            if response.status_code == 200:
                self.shown.add(route)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for link in id_parameters(response.content.decode(), url):
                self.id_links.setdefault(link, set()).add(self.side[user.email])
            for form in forms_in(response.content.decode(), url):
                if form.action.removeprefix("GET ").split("?")[0] not in SKIPPED_ACTIONS:
                    found.setdefault(form.key, form)
        return list(found.values())

    def _send(self, client: Client, form: PostForm, data: dict[str, Any]) -> tuple[int, str]:
        """The status, and the error a 5xx came from (for the failure message)."""
        try:
            if form.action.startswith("GET "):
                response = client.get(form.action.removeprefix("GET "), data)
            else:
                response = client.post(form.action, data)
        except Exception as exc:  # the test client re-raises what made the 500
            return 500, f"{type(exc).__name__}: {str(exc)[:200]}"
        return response.status_code, ""

    def setUp(self) -> None:
        # The models each route looks its id up in, learnt once for every persona.
        self.lookups: dict[str, set[Any]] = {}
        self.shown: set[str] = set()  # routes some persona was shown (200)
        # (path, parameter) of links carrying an id, and the organisations whose pages had it
        self.id_links: dict[tuple[str, str], set[str]] = {}

    @without_template_copies()
    def test_every_page_obeys_the_policy_and_no_form_filled_badly_gives_a_server_error(
        self,
    ) -> None:
        turns = itertools.count()
        tried = 0
        seen: set[tuple[str, tuple[str, ...]]] = set()
        for user in self.personas:
            client = self._client(user)
            forms = self._discover(client, user)
            logged_in = copy.deepcopy(client.cookies)
            for form in forms:
                turn = next(turns)
                if form.key in seen:  # another persona sent it in full: one more value
                    sends = [(f"hostile {turn}", form.hostile(turn))]
                else:
                    sends = [("empty", form.empty()), ("as left", form.as_left())]
                    sends += [(f"hostile {t}", form.hostile(t)) for t in (turn, turn + 1, turn + 3)]
                seen.add(form.key)
                with transaction.atomic():
                    for label, data in sends:
                        status, error = self._send(client, form, data)
                        tried += 1
                        with self.subTest(user=user.email, form=form.action, sent=label):
                            self.assertLess(status, 500, f"{error} after {_short(data)}")
                    transaction.set_rollback(True)
                # A switcher or a logout may have changed the session: the rollback put its
                # row back, the cookies of the logged-in session put the client back.
                client.cookies = copy.deepcopy(logged_in)
        self.assertGreater(tried, 200, "the walk found too few forms to be a test")
        skipped = {r for r in page_routes() if r.endswith(SKIPPED_SUFFIXES)}
        unseen = sorted(set(page_routes()) - self.shown - NOT_PAGES - VISITOR_PAGES - skipped)
        self.assertEqual(unseen, [], "no persona was shown these pages: add to the world")
        self._links_with_foreign_ids()

    def _links_with_foreign_ids(self) -> None:
        """Some links carry an id as a parameter (`?person=<uuid>` opens a form about one
        person). Found on an organisation's own pages in the walk, each is then given, by
        that organisation's staff, the other organisation's ids: the answer must be the
        answer for an id that does not exist, and show nothing of the record. (Not the
        platform administrator: she sees all.) A parameter naming shared reference data
        (a regularization scheme) has no other organisation's record to try."""
        self.assertTrue(self.id_links, "no link on the personas' own pages carries an id")
        everyone = distinct_objects({**self.iom_world, **self.ffs_world})
        clients = {u: self._client(u) for u in self.personas if u != self.admin}
        for (path, name), sides in sorted(self.id_links.items()):
            askers = [u for u in clients if self.side[u.email] in sides]
            lookups: set[Any] = set()
            missing, reached = {}, []
            for user in askers:
                key = uuid.uuid4()
                missing[user], queries = get_capturing(clients[user], path, data={name: key})
                lookups |= looked_up_models(queries, key)
                if not refused_regardless(missing[user], queries, key):
                    reached.append(user)  # the others' answer is the same for every id
            if not objects_for(lookups, everyone):
                continue  # it looks up shared reference data only
            own_seen = any(
                clients[u].get(path, {name: obj.uuid}).status_code == 200  # type: ignore[attr-defined]
                for u in reached
                for obj in objects_for(lookups, self.own[u.email])
            )
            with self.subTest(path=path, parameter=name):
                self.assertTrue(own_seen, "nobody opens a record of their own this way")
            for user in reached:
                for obj in objects_for(lookups, self.foreign[user.email]):
                    query = {name: str(obj.uuid)}  # type: ignore[attr-defined]
                    answer = clients[user].get(path, query)
                    # The path may name a record of the other side (a link found on its
                    # pages): the page may repeat what was asked.
                    asked = {"path": path, **query}
                    shown = found_in(readable(answer), self.leaks[user.email], asked)
                    with self.subTest(path=path, parameter=name, asker=user.email, obj=repr(obj)):
                        self.assertEqual(answer.status_code, missing[user])
                        self.assertEqual(shown, set())
