"""Pages whose scripts the Content-Security-Policy could break still work under it.

The `page` fixture fails any test on a CSP violation in Chromium's console; these tests
visit what once relied on inline code: the API docs (Swagger UI), an injected script
attempt, and the register form's "add another member" (its index and TOTAL_FORMS were set
by hx-vals/hx-on, now by caminantes.js).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.test_sensitive_pages import log_in

pytestmark = pytest.mark.browser


def test_it_sends_the_policy_and_blocks_an_injected_inline_script(
    demo_server: str, page: Page, csp_violations: list[str]
) -> None:
    response = page.goto(f"{demo_server}/accounts/login/")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    # What an XSS would do: the browser refuses it and says so on the console.
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.__pwned = 1'; document.head.appendChild(s); }"
        )
    assert page.evaluate("() => window.__pwned") is None
    assert csp_violations, "the fixture saw no violation"
    csp_violations.clear()  # the one violation this test caused on purpose


def test_it_shows_the_api_docs_under_the_policy(demo_server: str, page: Page) -> None:
    log_in(page, demo_server, "registro.co@demo.caminantes.org")
    page.goto(f"{demo_server}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Caminantes API" in page.locator(".swagger-ui .info .title").inner_text()


def test_it_adds_members_to_the_register_form_under_the_policy(
    demo_server: str, page: Page
) -> None:
    log_in(page, demo_server, "registro.co@demo.caminantes.org")
    page.goto(f"{demo_server}/registry/register/")
    for index in (1, 2):
        page.click("#add-member")
        page.wait_for_selector(f"#id_members-{index}-given_names")
        total = page.locator("#id_members-TOTAL_FORMS").input_value()
        assert total == str(index + 1)
