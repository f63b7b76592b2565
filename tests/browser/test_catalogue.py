from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import OUTPUT
from tests.browser.test_sensitive_pages import log_in

pytestmark = pytest.mark.browser


def test_it_shows_the_catalogue_and_adds_a_kit_on_a_phone(demo_server: str, page: Page) -> None:
    p = page
    log_in(p, demo_server, "distribucion.co@demo.caminantes.org")
    p.click("nav >> text=Catálogo")
    p.wait_for_selector("h1:has-text('Catálogo')")
    assert p.get_by_text("Kit de agua segura").count() == 1  # added by the demo
    assert p.evaluate("document.documentElement.scrollWidth") <= 360
    p.screenshot(path=str(OUTPUT / "assistance-catalogue.png"), full_page=True)
    p.click("text=Nuevo kit")
    p.fill("#id_code", "winter-kit")
    p.fill("#id_name_es", "Kit de invierno")
    p.select_option("#id_lines-0-item", label="Cobija (unidad)")
    p.fill("#id_lines-0-quantity", "0")
    p.click("main form button[type=submit]")
    p.wait_for_selector("[data-error-summary]")
    assert "Línea 1" in p.locator("[data-error-summary]").inner_text()
    assert p.evaluate("document.documentElement.scrollWidth") <= 360
    p.screenshot(path=str(OUTPUT / "assistance-catalogue-kit-refused.png"), full_page=True)
    p.fill("#id_lines-0-quantity", "2")
    p.click("main form button[type=submit]")
    p.wait_for_selector("h3:has-text('Kit de invierno')")
