"""Protection on a 360 px phone, in Spanish, as the demo ships it: the GBV officer gives her
password again, finds her cases by survivor code, opens one (no code in the address or the
title, nothing kept by the browser), reveals the name on demand; a colleague who is not
assigned finds no code at all."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import OUTPUT
from tests.browser.test_sensitive_pages import log_in

pytestmark = pytest.mark.browser
CODE = re.compile(r"(VBG|TdP)-[A-Z0-9]{8}")


def confirm_password(p: Page) -> None:
    p.wait_for_url(re.compile(r".*/accounts/confirm/.*"))
    p.fill("#id_password", "caminantes-demo")
    p.click("main button[type=submit]")


def test_the_gbv_officer_opens_a_case_and_reveals_the_name_on_demand(
    demo_server: str, page: Page
) -> None:
    p, url = page, demo_server
    log_in(p, url, "vbg.co@demo.caminantes.org")
    p.goto(f"{url}/protection/")
    confirm_password(p)
    p.wait_for_url(f"{url}/protection/")
    codes = CODE.findall(p.content())
    assert codes, "her demo cases are listed by survivor code"
    assert p.evaluate("document.documentElement.scrollWidth") <= 360
    p.screenshot(path=str(OUTPUT / "protection-cases-360.png"), full_page=True)

    with p.expect_navigation():
        p.locator("ul.results a").first.click()
    assert not CODE.search(p.url)
    assert not CODE.search(p.title())
    response = p.goto(p.url)
    assert response is not None
    assert "no-store" in (response.headers.get("cache-control") or "")
    assert p.evaluate("document.documentElement.scrollWidth") <= 360
    p.screenshot(path=str(OUTPUT / "protection-case-360.png"), full_page=True)

    with p.expect_navigation():
        p.click("text=Revelar el nombre")
    assert not CODE.search(p.url)
    expect(p.locator("main [role=status] strong")).not_to_be_empty()
    p.screenshot(path=str(OUTPUT / "protection-name-revealed-360.png"), full_page=True)
    with p.expect_navigation():
        p.click("text=Volver al caso")
    expect(p.locator("main")).to_contain_text("Quién abrió este caso")


def test_an_officer_not_assigned_sees_no_survivor_code(demo_server: str, page: Page) -> None:
    p, url = page, demo_server
    log_in(p, url, "vbg2.co@demo.caminantes.org")
    p.goto(f"{url}/protection/")
    confirm_password(p)
    p.wait_for_url(f"{url}/protection/")
    assert not CODE.search(p.content())
    p.screenshot(path=str(OUTPUT / "protection-cases-unassigned-360.png"), full_page=True)
