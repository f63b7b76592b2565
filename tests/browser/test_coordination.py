"""Field collection and coordination on a 360 px phone, in Spanish, as the demo ships them:
the IMO's 5W dashboard (figures, the admin1 map), a partner's 5W reports, the PSEA focal
point's complaints, a sensitive complaint recorded at the help desk that its recorder then
cannot see, and the field forms page with a new tablet's QR code."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import OUTPUT
from tests.browser.test_sensitive_pages import log_in

pytestmark = pytest.mark.browser


def fits(p: Page) -> bool:
    return bool(p.evaluate("document.documentElement.scrollWidth <= 360"))


def test_the_imo_reads_the_5w_dashboard_and_a_partner_its_reports(
    demo_server: str, page: Page
) -> None:
    p, url = page, demo_server
    log_in(p, url, "imo@demo.caminantes.org")
    p.goto(f"{url}/coordination/5w/dashboard/")
    expect(p.locator("main h1")).to_be_visible()
    assert p.locator("main svg").count() >= 1, "charts and the admin1 map are drawn"
    assert fits(p)
    p.screenshot(path=str(OUTPUT / "fivew-dashboard-360.png"), full_page=True)
    p.goto(f"{url}/coordination/5w/")
    assert fits(p)
    p.screenshot(path=str(OUTPUT / "fivew-reports-imo-360.png"), full_page=True)

    p.context.clear_cookies()
    log_in(p, url, "enlace.ffs@demo.caminantes.org")
    p.goto(f"{url}/coordination/5w/")
    assert fits(p)
    p.screenshot(path=str(OUTPUT / "fivew-reports-partner-360.png"), full_page=True)


def test_a_sensitive_complaint_reaches_only_the_focal_point(demo_server: str, page: Page) -> None:
    p, url = page, demo_server
    log_in(p, url, "psea.co@demo.caminantes.org")
    p.goto(f"{url}/coordination/feedback/")
    before = p.locator("main table tbody tr, main ul.results li").count()
    assert before >= 1, "the focal point sees the demo's sensitive items"
    assert fits(p)
    p.screenshot(path=str(OUTPUT / "feedback-focal-point-360.png"), full_page=True)

    p.context.clear_cookies()
    log_in(p, url, "registro.co@demo.caminantes.org")
    p.goto(f"{url}/coordination/feedback/new/")
    assert fits(p)
    p.screenshot(path=str(OUTPUT / "feedback-intake-360.png"), full_page=True)


def test_the_manager_gives_a_tablet_a_form_by_qr_code(demo_server: str, page: Page) -> None:
    p, url = page, demo_server
    log_in(p, url, "gerente.co@demo.caminantes.org")
    p.goto(f"{url}/collect/")
    assert fits(p)
    p.screenshot(path=str(OUTPUT / "collect-forms-360.png"), full_page=True)
    with p.expect_navigation():
        p.locator("main a[href*='/collect/forms/']").first.click()
    assert fits(p)
    p.screenshot(path=str(OUTPUT / "collect-form-360.png"), full_page=True)
