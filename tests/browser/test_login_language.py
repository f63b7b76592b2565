from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import OUTPUT

pytestmark = pytest.mark.browser


def test_it_logs_a_registration_officer_in_and_switches_to_portuguese(
    demo_server: str, page: Page
) -> None:
    p = page  # on a 360 px wide phone screen
    p.goto(f"{demo_server}/")
    p.wait_for_url("**/accounts/login/**")
    assert p.locator("h1").inner_text() == "Iniciar sesión"
    p.screenshot(path=str(OUTPUT / "login-es.png"), full_page=True)
    p.fill("#id_username", "registro.co@demo.caminantes.org")
    p.fill("#id_password", "caminantes-demo")
    p.click("button[type=submit]:near(#id_password)")
    p.wait_for_url(f"{demo_server}/")
    assert "Rosa Registro" in p.locator("h1").inner_text()
    assert "Oficial de registro" in p.content()
    p.screenshot(path=str(OUTPUT / "home-es.png"), full_page=True)

    with p.expect_navigation():
        p.select_option("#language-switcher", "pt")
    assert p.locator("html").get_attribute("lang") == "pt"
    assert "Bem-vind" in p.locator("h1").inner_text()
    assert "Sair" in p.content()
    # Nothing is wider than the phone: no sideways scrolling of the page itself.
    width = p.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    p.screenshot(path=str(OUTPUT / "home-pt.png"), full_page=True)
