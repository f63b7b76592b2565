from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import OUTPUT

pytestmark = pytest.mark.browser


def log_in(p: Page, url: str, email: str) -> None:
    p.goto(f"{url}/accounts/login/")
    p.fill("#id_username", email)
    p.fill("#id_password", "caminantes-demo")
    p.click("main button[type=submit]")
    p.wait_for_url(f"{url}/")


def test_it_asks_for_the_password_before_showing_a_new_token_once(
    demo_server: str, page: Page
) -> None:
    p = page
    log_in(p, demo_server, "registro.co@demo.caminantes.org")
    p.goto(f"{demo_server}/accounts/tokens/")
    p.wait_for_url(re.compile(r".*/accounts/confirm/.*"))
    p.fill("#id_password", "caminantes-demo")
    p.click("main button[type=submit]")
    p.wait_for_url(f"{demo_server}/accounts/tokens/")
    p.fill("#id_name", "hoja de cálculo")
    p.click("text=Crear token")
    secret = p.locator(".secret").inner_text()
    assert secret.startswith("cam_")
    p.screenshot(path=str(OUTPUT / "token-created.png"), full_page=True)
    p.goto(f"{demo_server}/accounts/tokens/")
    assert secret not in p.content()
    assert "hoja de cálculo" in p.content()


def test_it_lets_a_registrar_register_a_family_on_a_phone(demo_server: str, page: Page) -> None:
    p = page
    log_in(p, demo_server, "registro.co@demo.caminantes.org")
    p.goto(f"{demo_server}/registry/")
    p.fill("#q", "Yorbelis Mendoza Rivas")
    p.wait_for_selector("#results a.button")
    p.screenshot(path=str(OUTPUT / "registry-search.png"), full_page=True)
    p.click("#results a.button")
    p.select_option("#id_population_type", "in_transit")
    p.fill("#id_members-0-given_names", "Yorbelis")
    p.fill("#id_members-0-first_surname", "Mendoza")
    p.fill("#id_members-0-second_surname", "Rivas")
    p.select_option("#id_members-0-sex", "F")  # no default: an explicit choice
    p.fill("#id_members-0-birth_date", "1988-05-09")
    p.check("#id_members-0-consent_registration")
    p.click("#add-member")
    p.wait_for_selector("#id_members-1-given_names")
    p.fill("#id_members-1-given_names", "Santiago")
    p.fill("#id_members-1-first_surname", "Mendoza")
    p.select_option("#id_members-1-sex", "M")
    p.fill("#id_members-1-birth_date", "2017-02-01")
    p.check("#id_members-1-consent_registration")
    p.check("#id_members-1-consent_by_guardian")
    p.fill("#id_members-1-guardian_name", "Yorbelis Mendoza")
    p.screenshot(path=str(OUTPUT / "registry-form.png"), full_page=True)
    with p.expect_navigation():
        p.click("text=Guardar hogar")
    if p.locator("#duplicates").count():  # the demo may hold a look-alike: confirm it is new
        p.check("input[name=confirmed_new]")
        with p.expect_navigation():
            p.click("text=Guardar hogar")
    p.wait_for_url(re.compile(r".*/registry/households/.*"))
    assert "Santiago Mendoza" in p.content()
    assert p.evaluate("document.documentElement.scrollWidth") <= 360
    p.screenshot(path=str(OUTPUT / "registry-household.png"), full_page=True)
