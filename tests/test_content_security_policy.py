"""Every page obeys the Content-Security-Policy it is sent with.

The walk over every page is done once, by tests/test_forms_hostile.py, which opens every
route as each persona (with a world owned by IOM) to find its forms: each answer it reads is
checked there with `policy_problems` and `inline_code` below, and every page must have been
shown to at least one persona. A page added later is walked without editing either file;
one that no persona reaches must be named in NOT_PAGES with the reason. This file holds the
rules and the pages a walk as staff cannot see: visitors, the second factor, error pages,
the API's docs.
"""

from __future__ import annotations

import uuid
from html.parser import HTMLParser
from typing import Any

from django.test import Client, override_settings

from caminantes.accounts.services import api_token_create
from tests.personas import PersonaTestCase

# Routes that answer no GET with a page of their own: actions (POST only, or a redirect),
# files and JSON. The walk still asks those it can and checks an HTML answer.
NOT_PAGES = {
    "healthz",
    "i18n/setlang/",
    "accounts/logout/",
    "accounts/session/extend/",
    "accounts/context/",
    "accounts/tokens/new/",
    "accounts/two-factor/backup-codes/",  # POST only: new codes, behind sudo
    "accounts/tokens/<uuid:uuid>/revoke/",
    "accounts/organisations/<uuid:uuid>/members/",
    "accounts/members/<uuid:uuid>/end/",
    "audit/events.csv",
    "audit/alerts/<uuid:uuid>/acknowledge/",
    "assistance/transfers/<uuid:uuid>/receive/",  # POST only: books a transfer in
    "collect/review/<uuid:uuid>/reprocess/",  # POST only: one submission again
    "collect/review/form/<uuid:uuid>/reprocess/",  # POST only: a form's queue again
    "assistance/transport/trips/<uuid:uuid>/status/",  # POST only: moves a trip on
    "assistance/transport/seats/<uuid:uuid>/documents/",  # POST only: documents checked
    "assistance/transport/seats/<uuid:uuid>/board/",  # POST only: boarded or no-show
    "assistance/transport/seats/<uuid:uuid>/arrive/",  # POST only: arrival confirmed
    "assistance/transport/bookings/<uuid:uuid>/cancel/",  # POST only: frees the seats
    "assistance/distribution/<uuid:uuid>/status/",  # POST only: opens or closes a plan
    "assistance/desk/<uuid:uuid>/handover/",  # POST only: records a handover
    "assistance/households/<uuid:uuid>/card.pdf",  # a PDF
    "assistance/shelter/stays/<uuid:uuid>/check-out/",  # POST only: frees the beds
    "assistance/shelter/stays/<uuid:uuid>/arrive/",  # POST only: a reservation taken up
    "assistance/shelter/stays/<uuid:uuid>/no-show/",  # POST only: a reservation let go
    "assistance/shelter/waiting/<uuid:uuid>/remove/",  # POST only: off the waiting list
    "assistance/shelter/rooms/<uuid:uuid>/rename/",  # POST only: renames a room
    "assistance/shelter/rooms/<uuid:uuid>/deactivate/",  # POST only: its beds out of use
    "assistance/shelter/beds/<uuid:uuid>/deactivate/",  # POST only: a bed out of use
    "assistance/shelter/beds/<uuid:uuid>/reactivate/",  # POST only: a bed in use again
    "protection/cases/<uuid:uuid>/reveal/",  # POST only: shows a name once, audited
    "protection/actions/<uuid:uuid>/done/",  # POST only: a step done
    "protection/team/<uuid:uuid>/end/",  # POST only: ends an assignment
    "protection/referrals/<uuid:uuid>/status/",  # POST only: a referral moved on
    # The world's transfer goes to a third organisation (no persona receives it): the answer
    # page is shown in caminantes/protection/tests/test_transfer.py.
    "protection/transfers/<uuid:uuid>/",
    # The world's inbox referral is already answered (its answer would go to assistance's
    # referral, not built here): the inbox item is shown in caminantes/protection/tests.
    "protection/inbox/<uuid:uuid>/",
    # The world's case is a GBV case (no persona holds the anti-trafficking role): the
    # trafficking sections are shown in caminantes/protection/tests.
    "protection/new/trafficking/",
    "protection/cases/<uuid:uuid>/trafficking/",
    "protection/cases/<uuid:uuid>/assistance/",
    "assistance/regularization/waiting.csv",  # a CSV
    "assistance/regularization/enrolments/<uuid:uuid>/advance/",  # POST only: a step done
    "assistance/regularization/enrolments/<uuid:uuid>/back/",  # POST only: a step back
    "assistance/regularization/enrolments/<uuid:uuid>/abandon/",  # POST only: stops
    "assistance/regularization/enrolments/<uuid:uuid>/book/",  # POST only: books a slot
    "assistance/regularization/appointments/<uuid:uuid>/cancel/",  # POST only: frees it
    "assistance/regularization/appointments/<uuid:uuid>/attendance/",  # POST only: came?
    "assistance/referrals/<uuid:uuid>/status/",  # POST only: moves a referral on
    "assistance/referrals/notices/read/",  # POST only: marks the notices read
    # OpenRosa: XML for ODK Collect (a form list, XForms, manifests, media, submissions)
    "collect/formList",
    "collect/submission",
    "collect/^xforms/(?P<uuid>[0-9a-f-]{36})/form\\.xml$",
    "collect/^xforms/(?P<uuid>[0-9a-f-]{36})/manifest$",
    "collect/^xforms/(?P<uuid>[0-9a-f-]{36})/media/(?P<name>[^/]+)$",
    "collect/^key/(?P<token>[A-Za-z0-9_-]{16,128})/+formList$",
    "collect/^key/(?P<token>[A-Za-z0-9_-]{16,128})/+submission$",
    "collect/^key/(?P<token>[A-Za-z0-9_-]{16,128})/+xforms/(?P<uuid>[0-9a-f-]{36})/form\\.xml$",
    "collect/^key/(?P<token>[A-Za-z0-9_-]{16,128})/+xforms/(?P<uuid>[0-9a-f-]{36})/manifest$",
    "collect/^key/(?P<token>[A-Za-z0-9_-]{16,128})/+xforms/(?P<uuid>[0-9a-f-]{36})/media/(?P<name>[^/]+)$",
    "collect/app-users/<uuid:uuid>/revoke/",  # POST only: a device's access revoked
    "collect/forms/<uuid:uuid>/app-users/",  # POST only: a new app user (its QR once)
    "collect/forms/<uuid:uuid>/app-users/add/",  # POST only: a team given the form
    "collect/forms/<uuid:uuid>/open/",  # POST only: a form opened or closed
    "coordination/5w/dashboard/export.<str:fmt>",  # a CSV, XLSX or HXL file
    "coordination/5w/public/<str:iso3>/<int:year>.csv",  # a CSV
    "coordination/5w/publish/",  # POST only: a country's year published
    "coordination/5w/r/<uuid:uuid>/<str:action>/",  # POST only: submit, validate, return
    "coordination/5w/r/<uuid:uuid>/generate/",  # POST only: drafts from deliveries
    "coordination/5w/rows/<uuid:uuid>/delete/",  # POST only: a row deleted
    "coordination/feedback/<uuid:uuid>/category/",  # POST only: re-categorised
    "coordination/feedback/<uuid:uuid>/close/",  # POST only: the loop closed
    "coordination/feedback/<uuid:uuid>/respond/",  # POST only: the response given
    "coordination/feedback/<uuid:uuid>/take/",  # POST only: taken in charge
    "registry/imports/template.csv",
    "dtm/imports/template/<slug:kind>.<slug:file_format>",  # a spreadsheet or a CSV
    "registry/imports/<uuid:uuid>/report.csv",
    "registry/imports/<uuid:uuid>/report.xlsx",
    "registry/imports/<uuid:uuid>/approve/",
    "registry/imports/<uuid:uuid>/cancel/",
    "registry/rights/requests/<uuid:uuid>/close/",
    "registry/phones/<uuid:uuid>/reveal/",  # POST only: shows a full number, audited
    "registry/rights/people/<uuid:uuid>/data.json",
    "registry/rights/exports/download/",
    "registry/consents/<uuid:uuid>/withdraw/",
    "registry/consents/<uuid:uuid>/withdraw/undo/",
    "identity/duplicates/tickets/<uuid:uuid>/not-same/undo/",
    "identity/duplicates/merges/<uuid:uuid>/undo/",
    "identity/tracing/matches/<uuid:uuid>/decide/",
    "dtm/counts/<uuid:uuid>/void/",
    "dtm/counts/<uuid:uuid>/void/undo/",
    "dtm/forms/flow-monitoring-survey.xlsx",
    "dtm/forms/flow-monitoring-tally.xlsx",
    "dtm/operations/<uuid:uuid>/export/flows/",
    "dtm/operations/<uuid:uuid>/export/surveys/",
    "dtm/operations/<uuid:uuid>/export/mobility/",
    "dtm/operations/<uuid:uuid>/forms/flow-monitoring-survey.xlsx",  # a file, made per operation
}

# Pages for someone not (fully) logged in, read by the tests of visitors below.
# The public directory takes a country code, not a uuid: its own tests read it
# (caminantes/assistance/referrals/tests/test_views.py).
VISITOR_PAGES = {
    "accounts/login/",
    "accounts/two-factor/",
    "assistance/referrals/public/<str:iso>/",
}


class InlineCode(HTMLParser):
    """Collects what a strict CSP would block: inline script and style, handlers, eval."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script":
            data_only = (names.get("type") or "").endswith("json")
            if not names.get("src") and not data_only:
                self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style> block")
        for name, value in attrs:
            if name == "style":
                self.found.append(f'style="{value}" on <{tag}>')
            elif name.startswith(("on", "hx-on", "data-hx-on")):
                self.found.append(f"{name}= on <{tag}>")
            elif (value or "").strip().lower().startswith(("javascript:", "js:")):
                self.found.append(f'{name}="{value}" on <{tag}>')


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def policy_problems(response: Any) -> list[str]:
    """What is missing from, or too loose in, the policy an answer is sent with."""
    policy = response.headers.get("Content-Security-Policy", "")
    found = [
        f"no {directive}"
        for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'",
                          "frame-ancestors 'none'")
        if directive not in policy
    ]  # fmt: skip
    found += [
        f"loophole {loophole}"
        for loophole in ("unsafe-inline", "unsafe-eval", "http:", "https:", "*")
        if loophole in policy
    ]
    return found


def page_problems(response: Any) -> list[str]:
    """The policy's problems, and the inline code of an HTML answer."""
    found = policy_problems(response)
    if "text/html" in response.headers.get("Content-Type", ""):
        found += inline_code(response.content.decode())
    return found


class ContentSecurityPolicyTest(PersonaTestCase):
    def assert_strict_policy(self, response: Any, where: str) -> None:
        self.assertEqual(policy_problems(response), [], where)

    def assert_no_inline_code(self, response: Any, where: str) -> None:
        if "text/html" in response.headers.get("Content-Type", ""):
            self.assertEqual(inline_code(response.content.decode()), [], where)

    def test_it_finds_the_inline_code_a_policy_would_block(self) -> None:
        html = (
            '<script>alert(1)</script><script src="/static/a.js"></script>'
            '<script type="application/json">{}</script><style>p{}</style>'
            '<p style="color:red" onclick="x()" hx-on::after-request="y()">'
            "<a href=\"javascript:z()\">z</a><button hx-vals='js:{a: 1}'>b</button></p>"
        )
        self.assertEqual(len(inline_code(html)), 7, inline_code(html))

    def test_it_finds_a_missing_or_loose_policy(self) -> None:
        class Answer:
            def __init__(self, policy: str) -> None:
                self.headers = {"Content-Security-Policy": policy, "Content-Type": "text/html"}
                self.content = b"<p style='x'>"

        strict = "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'"
        self.assertEqual(policy_problems(Answer(strict)), [])
        self.assertEqual(policy_problems(Answer(strict + "; img-src *")), ["loophole *"])
        self.assertEqual(len(policy_problems(Answer(""))), 4)
        self.assertEqual(len(page_problems(Answer(strict))), 1)  # the style attribute

    def test_it_serves_the_pages_of_a_visitor_without_inline_code(self) -> None:
        client = Client()
        for url in ("/accounts/login/", "/", "/registry/", "/no-such-page/"):
            response = client.get(url, follow=True)
            self.assert_strict_policy(response, url)
            self.assert_no_inline_code(response, url)

    def test_it_asks_for_the_second_factor_without_inline_code(self) -> None:
        self.login(self.alice, client=Client())  # gives alice a confirmed device
        client = Client()
        client.force_login(self.alice)  # the password only
        for url in ("/accounts/two-factor/", "/registry/"):
            response = client.get(url, follow=True)
            self.assertContains(response, 'name="token"')
            self.assert_strict_policy(response, url)
            self.assert_no_inline_code(response, url)
        client.force_login(self.nobody)
        response = client.get("/accounts/two-factor/setup/")
        self.assert_no_inline_code(response, "two-factor setup")

    def test_it_shows_its_own_page_when_a_form_expired(self) -> None:
        client = Client(enforce_csrf_checks=True)
        response = client.post("/accounts/login/", {"username": "x", "password": "y"})
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "main", status_code=403)
        self.assert_no_inline_code(response, "CSRF failure")

    def test_it_shows_the_error_pages_without_inline_code(self) -> None:
        client = self.login(self.eve, client=Client())
        response = client.get(f"/registry/households/{uuid.uuid4()}/")
        self.assertIn(response.status_code, (403, 404))
        self.assert_no_inline_code(response, "error page")


class ApiDocsTest(PersonaTestCase):
    def test_it_hides_the_api_docs_from_visitors(self) -> None:
        self.assertEqual(self.client.get("/api/v1/openapi.json").status_code, 401)
        response = self.client.get("/api/v1/docs", headers={"Accept": "text/html"})
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])

    def test_it_shows_the_api_docs_to_a_logged_in_user(self) -> None:
        self.login(self.alice)
        self.assertEqual(self.client.get("/api/v1/openapi.json").status_code, 200)
        response = self.client.get("/api/v1/docs")
        self.assertEqual(response.status_code, 200)
        self.assert_only_data_scripts(response.content.decode())

    def test_it_gives_the_schema_to_a_token(self) -> None:
        secret = api_token_create(user=self.alice, name="docs", scopes=["read"]).secret
        response = self.client.get(
            "/api/v1/openapi.json", headers={"Authorization": f"Bearer {secret}"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("/api/v1/me", response.json()["paths"])

    def test_it_refuses_a_wrong_token_and_a_session_without_second_factor(self) -> None:
        wrong = {"Authorization": "Bearer cam_not-a-token"}
        self.assertEqual(self.client.get("/api/v1/openapi.json", headers=wrong).status_code, 401)
        self.client.force_login(self.alice)  # password only: alice's role needs a second factor
        self.assertEqual(self.client.get("/api/v1/openapi.json").status_code, 401)

    @override_settings(DEBUG=True)
    def test_it_shows_the_api_docs_to_anyone_on_a_development_machine(self) -> None:
        self.assertEqual(self.client.get("/api/v1/openapi.json").status_code, 200)

    def assert_only_data_scripts(self, html: str) -> None:
        self.assertEqual(inline_code(html), [])
