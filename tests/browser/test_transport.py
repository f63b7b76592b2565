"""The demo's bus on a 360 px phone in Spanish: the trips list, tomorrow's manifest partly
boarded with its small forms, the booking search; under the strict Content-Security-Policy
(the `page` fixture fails on a violation), with the print button wired by a script file."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import OUTPUT, fits_360
from tests.browser.test_sensitive_pages import log_in

pytestmark = pytest.mark.browser

OFFICER = "distribucion.co@demo.caminantes.org"


def test_it_runs_the_demo_bus_from_a_phone(demo_server: str, page: Page) -> None:
    p = page
    log_in(p, demo_server, OFFICER)
    p.goto(f"{demo_server}/assistance/transport/")
    expect(p.locator("h1")).to_have_text("Transporte humanitario")
    assert fits_360(p)
    p.locator("ul.results a", has_text="Abordaje").first.click()
    expect(p.locator("h2", has_text="Lista de pasajeros")).to_be_visible()
    expect(p.locator("table.manifest tbody tr", has_text="Abordó").first).to_be_visible()
    expect(p.locator("[data-print]")).to_be_visible()
    assert fits_360(p)
    p.screenshot(path=str(OUTPUT / "transport-trip-360.png"), full_page=True)
    pending = p.locator("table.manifest tbody tr", has_text="Aún no abordó").first
    pending.locator("button", has_text="No se presentó").click()
    expect(p.locator("text=Marcado como no presentado.")).to_be_visible()
    p.locator("a.button", has_text="Reservar asientos").click()
    # The click starts a navigation: measure the page it leads to, not the one unloading.
    expect(p.locator("h1")).to_have_text("Reservar asientos")
    assert fits_360(p)
