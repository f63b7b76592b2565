"""Forms that respect the person typing, on a 360 px phone in Spanish.

Nothing typed is lost through an idle logout (a server whose idle timeout is shortened to
IDLE seconds), the page warns first and one tap extends the session, the next user of the same
phone finds nothing; an added member can be removed; the guardian's fields show for a child
only; the registration and tally pages fit 360 px.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import OUTPUT, fits_360, serve
from tests.browser.test_sensitive_pages import log_in

pytestmark = pytest.mark.browser

IDLE = 6  # seconds: the warning shows IDLE // 3 = 2 s before the end; the test waits ~2 periods
REGISTRAR = "registro.co@demo.caminantes.org"


@pytest.fixture(scope="module")
def short_idle_server(demo_var: Path) -> Iterator[str]:
    with serve(demo_var, SESSION_IDLE_TIMEOUT=str(IDLE)) as url:
        yield url


def drafts_in_storage(p: Page) -> list[str]:
    return list(
        p.evaluate("Object.keys(localStorage).filter(k => k.startsWith('caminantes-draft:'))")
    )


def test_it_keeps_what_was_typed_through_an_idle_logout_and_warns_first(
    short_idle_server: str, page: Page
) -> None:
    p, url = page, short_idle_server
    log_in(p, url, REGISTRAR)
    p.goto(f"{url}/registry/register/")
    warning = p.locator("#session-warning")
    expect(warning).to_be_hidden()
    p.fill("#id_members-0-given_names", "Yusmary Carolina")
    p.fill("#id_members-0-first_surname", "Pacheco")
    p.fill("#id_members-0-birth_date", "1990-03-14")
    p.check("#id_members-0-consent_registration")
    p.click("#add-member")
    p.wait_for_selector("#id_members-1-given_names")
    p.fill("#id_members-1-given_names", "Jesús Alberto")
    p.fill("#id_members-1-birth_date", "2015-07-02")

    # A few seconds before the end the page warns; one tap gives a whole new period.
    expect(warning).to_be_visible(timeout=IDLE * 1000)
    p.screenshot(path=str(OUTPUT / "session-warning-360.png"), full_page=False)
    p.click("#session-warning button")
    expect(warning).to_be_hidden()
    extended_at = time.monotonic()

    # Then nothing more: the warning again, and the session ends; the page goes to the login.
    expect(warning).to_be_visible(timeout=IDLE * 1000)
    assert time.monotonic() - extended_at > IDLE / 2, "the tap did not extend the session"
    p.wait_for_url(re.compile(r".*/accounts/login/\?next=.*register.*"), timeout=(IDLE + 5) * 1000)
    assert "Yusmary" not in p.content()

    # The same person logs in again: the form is back as they left it, the added member too.
    p.fill("#id_username", REGISTRAR)
    p.fill("#id_password", "caminantes-demo")
    p.click("main button[type=submit]")
    p.wait_for_url(f"{url}/registry/register/")
    expect(p.locator(".draft-note")).to_be_visible()
    expect(p.locator("#id_members-0-given_names")).to_have_value("Yusmary Carolina")
    expect(p.locator("#id_members-0-first_surname")).to_have_value("Pacheco")
    expect(p.locator("#id_members-0-consent_registration")).to_be_checked()
    expect(p.locator("#id_members-1-given_names")).to_have_value("Jesús Alberto")
    expect(p.locator("#id_members-TOTAL_FORMS")).to_have_value("2")
    assert fits_360(p)
    p.screenshot(path=str(OUTPUT / "draft-restored-360.png"), full_page=True)

    # Logging out on purpose leaves nothing of it on the phone.
    with p.expect_navigation():
        p.click("header button.link")
    assert drafts_in_storage(p) == []


def test_it_never_shows_one_users_draft_to_the_next_user_of_the_phone(
    demo_server: str, page: Page
) -> None:
    p, url = page, demo_server
    log_in(p, url, REGISTRAR)
    p.goto(f"{url}/registry/register/")
    p.fill("#id_members-0-given_names", "Maryelis")
    assert len(drafts_in_storage(p)) == 1
    # The session ends without a logout (here: its cookie is lost), someone else logs in.
    p.context.clear_cookies()
    log_in(p, url, "registro.pe@demo.caminantes.org")
    assert drafts_in_storage(p) == []
    p.goto(f"{url}/registry/register/")
    assert "Maryelis" not in p.content()
    expect(p.locator(".draft-note")).to_have_count(0)


def test_it_removes_an_added_member_before_saving(demo_server: str, page: Page) -> None:
    p, url = page, demo_server
    log_in(p, url, REGISTRAR)
    p.goto(f"{url}/registry/register/")
    p.select_option("#id_population_type", "in_transit")
    p.fill("#id_members-0-given_names", "Daniela")
    p.fill("#id_members-0-first_surname", "Quintero")
    p.select_option("#id_members-0-sex", "F")
    p.fill("#id_members-0-birth_date", "1985-01-20")
    p.check("#id_members-0-consent_registration")
    expect(p.locator("#member-0 [data-formset-remove]")).to_have_count(0)  # the focal point
    for index, name in ((1, "Added By Mistake"), (2, "Luisana")):
        p.click("#add-member")
        p.wait_for_selector(f"#id_members-{index}-given_names")
        p.fill(f"#id_members-{index}-given_names", name)
        p.fill(f"#id_members-{index}-first_surname", "Quintero")
        p.select_option(f"#id_members-{index}-sex", "F")
        p.fill(f"#id_members-{index}-birth_date", "1987-06-11")
        p.check(f"#id_members-{index}-consent_registration")
    p.click("#member-1 [data-formset-remove]")
    expect(p.locator("#members .member")).to_have_count(2)
    # What was member 3 is member 2 now, in the form and in what the server will read.
    expect(p.locator("#id_members-1-given_names")).to_have_value("Luisana")
    expect(p.locator("#member-1 legend")).to_have_text("Miembro 2")
    expect(p.locator("#id_members-TOTAL_FORMS")).to_have_value("2")
    assert fits_360(p)
    with p.expect_navigation():
        p.click("text=Guardar hogar")
    if p.locator("#duplicates").count():  # the demo may hold a look-alike: confirm it is new
        p.check("input[name=confirmed_new]")
        with p.expect_navigation():
            p.click("text=Guardar hogar")
    p.wait_for_url(re.compile(r".*/registry/households/.*"))
    assert "Luisana Quintero" in p.content()
    assert "Added By Mistake" not in p.content()
    # Saved: the draft is gone, the next registration starts empty.
    assert drafts_in_storage(p) == []


def test_it_shows_the_guardian_fields_for_a_minor_only(demo_server: str, page: Page) -> None:
    p, url = page, demo_server
    log_in(p, url, REGISTRAR)
    p.goto(f"{url}/registry/register/")
    guardian = p.locator("#id_members-0-consent_by_guardian")
    guardian_name = p.locator("#id_members-0-guardian_name")
    expect(guardian).to_be_hidden()  # no date of birth yet
    p.fill("#id_members-0-birth_date", "1979-11-30")
    expect(guardian).to_be_hidden()
    p.fill("#id_members-0-birth_date", "2012-04-05")
    expect(guardian).to_be_visible()
    expect(guardian_name).to_be_hidden()
    p.click("label:has(#id_members-0-consent_by_guardian)")  # the label is what one taps
    expect(guardian).to_be_checked()
    expect(guardian_name).to_be_visible()
    p.fill("#id_members-0-guardian_name", "Carmen Rosales")
    p.screenshot(path=str(OUTPUT / "guardian-for-a-minor-360.png"), full_page=True)
    # Corrected to an adult: the guardian's fields go, and are not sent with the form.
    p.fill("#id_members-0-birth_date", "1992-04-05")
    expect(guardian).to_be_hidden()
    expect(guardian_name).to_be_hidden()
    expect(guardian).to_be_disabled()
    # The needs that cannot apply to an adult man are not offered either.
    p.select_option("#id_members-0-sex", "M")
    p.click("#member-0 details summary")
    expect(p.locator("label:has(input[value=uasc])").first).to_be_hidden()
    expect(p.locator("label:has(input[value=pregnant_lactating])").first).to_be_hidden()
    expect(p.locator("label:has(input[value=serious_medical])").first).to_be_visible()


def test_it_fits_the_register_and_tally_pages_in_360_px_with_tappable_targets(
    demo_server: str, page: Page
) -> None:
    p, url = page, demo_server
    log_in(p, url, REGISTRAR)
    p.goto(f"{url}/registry/register/")
    p.click("#add-member")
    p.wait_for_selector("#id_members-1-given_names")
    p.fill("#id_members-1-birth_date", "2016-01-01")
    p.check("#id_members-1-consent_by_guardian")
    assert fits_360(p)
    p.screenshot(path=str(OUTPUT / "register-360.png"), full_page=True)
    small = p.evaluate(
        """() => [...document.querySelectorAll('main label:has(input[type=checkbox]),'
                + ' main label:has(input[type=radio]), main button, main select, main input')]
             .filter(el => el.offsetParent !== null)
             .filter(el => el.type !== 'checkbox' && el.type !== 'radio')
             .filter(el => { const r = el.getBoundingClientRect(); return r.height < 44; })
             .map(el => el.outerHTML.slice(0, 80))"""
    )
    assert small == []
    # Every checkbox sits in a label: tapping the words ticks it.
    unlabelled = p.evaluate(
        """() => [...document.querySelectorAll('main input[type=checkbox], main input[type=radio]')]
             .filter(el => !el.closest('label') && !el.labels.length).map(el => el.name)"""
    )
    assert unlabelled == []

    p.context.clear_cookies()
    log_in(p, url, "dtm.enumerador@demo.caminantes.org")
    p.goto(f"{url}/dtm/")
    with p.expect_navigation():
        p.click("a[href*='/tally/'] >> nth=0")
    p.wait_for_selector("form[data-tally]")
    assert fits_360(p)
    shift = p.locator("form[data-tally] fieldset >> nth=0")
    box = shift.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 360
    for field in ("#t-date", "#t-start", "#t-end"):
        # Wide enough that "12/06/2026" or "05:00 AM" is not cut off, and on the screen.
        field_box = p.locator(field).bounding_box()
        assert field_box is not None and field_box["width"] >= 130, field
        assert field_box["x"] + field_box["width"] <= 360, field
    p.screenshot(path=str(OUTPUT / "tally-360.png"), full_page=True)


def test_it_keeps_the_tally_sheet_on_the_phone_through_a_reload(
    demo_server: str, page: Page
) -> None:
    p, url = page, demo_server
    log_in(p, url, "dtm.enumerador@demo.caminantes.org")
    p.goto(f"{url}/dtm/")
    with p.expect_navigation():
        p.click("a[href*='/tally/'] >> nth=0")
    plus = p.locator("form[data-tally] button.step[value$=':+1'] >> nth=0")
    counter = p.locator("form[data-tally] .counter input >> nth=0")
    for _ in range(3):
        plus.click()
    expect(counter).to_have_value("3")
    submission = p.locator("form[data-tally] input[name=uuid]").input_value()
    p.reload()
    p.wait_for_selector("form[data-tally]")
    expect(counter).to_have_value("3")
    expect(p.locator("[data-total]")).to_have_text("3")
    # A resend after a lost connection carries the same id: the server never counts it twice.
    assert p.locator("form[data-tally] input[name=uuid]").input_value() == submission
    # The tally is not personal data, but it is kept under the enumerator's own key.
    (key,) = drafts_in_storage(p)
    assert key.startswith("caminantes-draft:") and ":tally-" in key


def test_it_lists_the_problems_at_the_top_and_takes_the_registrar_to_each(
    demo_server: str, page: Page
) -> None:
    p = page
    log_in(p, demo_server, REGISTRAR)
    p.goto(f"{demo_server}/registry/register/")
    p.select_option("#id_population_type", "in_transit")
    p.fill("#id_members-0-given_names", "Keila")
    p.fill("#id_members-0-birth_date", "2999-01-01")  # in the future; sex left unchosen
    with p.expect_navigation():
        p.click("text=Guardar hogar")
    summary = p.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    text = summary.inner_text()
    assert "members-0" not in text  # no internal keys reach a person
    assert re.search(r"Miembro 1", text), text
    p.screenshot(path=str(OUTPUT / "error-summary-360.png"), full_page=False)
    first = summary.locator("a").first
    target = first.get_attribute("href")
    assert target and target.startswith("#id_members-0-")
    first.click()
    expect(p.locator(target)).to_be_focused()
    assert fits_360(p)
