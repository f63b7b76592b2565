from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import OUTPUT
from tests.browser.test_sensitive_pages import log_in

pytestmark = pytest.mark.browser


def test_it_shows_an_analyst_the_flow_dashboard_and_a_round_report_on_a_phone(
    demo_server: str, page: Page
) -> None:
    p = page
    log_in(p, demo_server, "dtm.analista@demo.caminantes.org")
    p.goto(f"{demo_server}/dtm/dashboards/")
    p.click("text=Flujos >> nth=0")
    p.wait_for_selector(".kpis .kpi")
    assert p.locator("svg.map circle").count() > 0
    assert p.locator("figure.chart-card svg.chart").count() >= 5
    # Nothing wider than the phone: the charts and the map scale to the screen.
    assert p.evaluate("document.documentElement.scrollWidth") <= 360
    p.screenshot(path=str(OUTPUT / "dtm-flows.png"), full_page=True)
    p.click("text=Encuestas")
    p.wait_for_selector(".survey-note")
    p.screenshot(path=str(OUTPUT / "dtm-surveys.png"), full_page=True)
    p.click("text=Informes y exportaciones")
    p.click("text=HTML >> nth=0")
    p.wait_for_selector("h1")
    assert "Monitoreo de flujo" in p.locator("h1").inner_text()
    p.screenshot(path=str(OUTPUT / "dtm-round-report.png"), full_page=True)
