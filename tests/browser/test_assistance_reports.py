from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import OUTPUT
from tests.browser.test_sensitive_pages import log_in

pytestmark = pytest.mark.browser


def test_it_shows_the_stock_report_and_people_reached_on_a_phone(
    demo_server: str, page: Page
) -> None:
    p = page
    log_in(p, demo_server, "distribucion.co@demo.caminantes.org")
    p.click("text=Informes de asistencia")
    p.click("text=Bodega central Cúcuta")
    p.wait_for_selector("table.stack tbody tr")
    assert "Informe de existencias" in p.locator("h1").inner_text()
    assert p.locator("table.stack tbody tr").count() > 10
    assert p.locator("figure.chart-card svg.chart").count() == 1
    # Nothing wider than the phone: the table turns into cards, the chart scales.
    assert p.evaluate("document.documentElement.scrollWidth") <= 360
    p.screenshot(path=str(OUTPUT / "assistance-stock-report.png"), full_page=True)
    p.check("#id_by_lot")
    p.click("main form button[type=submit]")
    p.wait_for_url("**by_lot=on**")
    assert p.get_by_text("HIG-2026-01").count() > 0
    with p.expect_download() as download:
        p.click("text=Descargar CSV")
    assert download.value.suggested_filename.endswith(".csv")
    p.goto(f"{demo_server}/assistance/reports/people-reached/")
    p.wait_for_selector(".kpis .kpi")
    assert p.evaluate("document.documentElement.scrollWidth") <= 360
    p.screenshot(path=str(OUTPUT / "assistance-people-reached.png"), full_page=True)
