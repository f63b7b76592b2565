from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import OUTPUT
from tests.browser.test_sensitive_pages import log_in

pytestmark = pytest.mark.browser


def test_it_lets_a_reviewer_compare_a_planted_duplicate_on_a_phone(
    demo_server: str, page: Page
) -> None:
    p = page
    log_in(p, demo_server, "registro.co@demo.caminantes.org")
    p.goto(f"{demo_server}/identity/duplicates/")
    p.screenshot(path=str(OUTPUT / "identity-tickets.png"), full_page=True)
    p.click("ul.results a >> nth=0")
    p.wait_for_selector("table.compare")
    # One table: a column per record, a row per field, the differing rows marked.
    table = p.locator("table.compare")
    columns = table.locator("thead th").count() - 1
    assert columns >= 2
    assert table.locator("tbody tr").count() >= 8
    assert table.locator("tbody tr.differs").count() >= 1
    assert table.locator("tbody tr.differs th .mark").first.is_visible()
    # Both records sit side by side: the first field's cells share one line on the screen.
    first_row = table.locator("tbody tr").first.locator("td")
    tops = {round(first_row.nth(i).bounding_box()["y"]) for i in range(columns)}  # type: ignore[index]
    assert len(tops) == 1
    # The marked rows are highlighted (a colour of their own, not the plain white).
    differing = table.locator("tbody tr.differs td").first
    assert differing.evaluate("e => getComputedStyle(e).backgroundColor") != "rgb(255, 255, 255)"
    table.screenshot(path=str(OUTPUT / "identity-compare-360.png"))
    p.screenshot(path=str(OUTPUT / "identity-ticket.png"), full_page=True)
    # The whole comparison fits the phone: no horizontal scrolling at 360 px.
    assert p.evaluate("document.documentElement.scrollWidth") <= 360
    assert table.bounding_box()["width"] <= 360  # type: ignore[index]
    p.click("button[value=later]")
    p.wait_for_url(f"{demo_server}/identity/duplicates/")


def test_it_asks_before_not_the_same_person_and_then_offers_the_undo(
    demo_server: str, page: Page
) -> None:
    p = page
    log_in(p, demo_server, "registro.co@demo.caminantes.org")
    p.goto(f"{demo_server}/identity/duplicates/?status=open")
    p.click("ul.results a >> nth=0")
    p.wait_for_selector("table.compare")
    ticket = p.url
    p.click("button[value=not_same]")
    p.wait_for_selector("input[name=confirm]", state="attached")
    p.screenshot(path=str(OUTPUT / "identity-not-same-confirm.png"), full_page=True)
    p.click("text=Sí, no es la misma persona")
    p.wait_for_url(ticket)
    assert "No es la misma persona" in p.content()
    p.screenshot(path=str(OUTPUT / "identity-not-same-undo.png"), full_page=True)
    p.click("form.undo button")
    p.wait_for_url(ticket)
    assert p.locator("button[value=not_same]").count() == 1  # waiting for a decision again
    p.goto(f"{demo_server}/identity/duplicates/?status=not_same")
    assert p.locator("nav.tabs a[aria-current=page]").count() == 1


def test_it_shows_a_tracing_request_with_its_restricted_match(demo_server: str, page: Page) -> None:
    p = page
    log_in(p, demo_server, "registro.co@demo.caminantes.org")
    p.goto(f"{demo_server}/identity/tracing/")
    p.click("ul.results a >> nth=-1")
    p.wait_for_selector("h1")
    p.screenshot(path=str(OUTPUT / "identity-tracing.png"), full_page=True)
    assert "Posibles coincidencias" in p.content()
    assert p.evaluate("document.documentElement.scrollWidth") <= 360
