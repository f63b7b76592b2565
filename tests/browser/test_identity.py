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
    p.wait_for_selector("input[name=survivor]")
    p.screenshot(path=str(OUTPUT / "identity-ticket.png"), full_page=True)
    assert p.locator(".grid .card").count() >= 2
    # No horizontal scrolling at 360 px.
    assert p.evaluate("document.documentElement.scrollWidth") <= 360
    p.click("button[value=later]")
    p.wait_for_url(f"{demo_server}/identity/duplicates/")


def test_it_shows_a_tracing_request_with_its_restricted_match(demo_server: str, page: Page) -> None:
    p = page
    log_in(p, demo_server, "registro.co@demo.caminantes.org")
    p.goto(f"{demo_server}/identity/tracing/")
    p.click("ul.results a >> nth=-1")
    p.wait_for_selector("h1")
    p.screenshot(path=str(OUTPUT / "identity-tracing.png"), full_page=True)
    assert "Posibles coincidencias" in p.content()
    assert p.evaluate("document.documentElement.scrollWidth") <= 360
