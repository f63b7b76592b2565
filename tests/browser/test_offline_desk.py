"""The distribution desk keeps working when the link drops, on a 768 px tablet.

The demo distribution officer opens the desk of the demo distribution; the page saves the
day's list on the device. The network is cut (Chromium offline): three handovers are
recorded from the saved list and wait on the device, counted on screen. The network comes
back: each is sent once, through the API, with the id the browser made; sending one of them
again answers 200 and changes nothing.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_sensitive_pages import log_in

pytestmark = pytest.mark.browser

OFFICER = "distribucion.co@demo.caminantes.org"

API_JSON = """async ([url, options]) => {
  const csrf = document.querySelector("[data-desk] input[name=csrfmiddlewaretoken]").value;
  const headers = {"Content-Type": "application/json", "Accept": "application/json",
                   "X-CSRFToken": csrf};
  const r = await fetch(url, Object.assign({credentials: "same-origin", headers}, options));
  return {status: r.status, body: await r.json()};
}"""

QUEUE = """() => new Promise((resolve) => {
  const open = indexedDB.open("caminantes-desk-" + document.body.getAttribute("data-user"));
  open.onsuccess = () => {
    const req = open.result.transaction("queue").objectStore("queue").getAll();
    req.onsuccess = () => resolve(req.result);
  };
})"""


def served_today(p: Page) -> int:
    text = p.locator("[data-served-today]").inner_text()
    return int(re.findall(r"\d+", text)[0])


def test_it_records_three_handovers_offline_and_sends_each_once(demo_server: str, page: Page
                                                                ) -> None:  # fmt: skip
    p, url = page, demo_server
    p.set_viewport_size({"width": 768, "height": 1024})
    log_in(p, url, OFFICER)
    p.goto(f"{url}/assistance/distribution/")
    p.click("text=Kits de higiene")
    p.click("text=Abrir la mesa de entrega")
    p.wait_for_url(re.compile(r".*/assistance/desk/.*"))
    expect(p.locator("[data-cached-count]")).to_contain_text("hogares guardados")
    before = served_today(p)
    api = p.locator("[data-desk]").get_attribute("data-api")
    listed: dict[str, Any] = p.evaluate(API_JSON, [f"{api}/list", {}])["body"]
    due = [r for r in listed["items"] if r["may_collect"] and r["members"]][:3]
    assert len(due) == 3

    p.context.set_offline(True)
    for row in due:
        p.fill("#desk-q", row["code"])
        p.press("#desk-q", "Enter")
        panel = p.locator(f"[data-offline-part] [data-household='{row['household']}']")
        expect(panel).to_be_visible()
        panel.locator("select").select_option(row["members"][0]["uuid"])
        panel.locator("button[type=submit]").click()
        expect(p.locator(f"[data-queued='{row['household']}']")).to_be_visible()
    expect(p.locator("[data-pending-count]")).to_have_text("3")
    queued = p.evaluate(QUEUE)
    assert sorted(q["household"] for q in queued) == sorted(r["household"] for r in due)
    p.screenshot(path="test-output/browser/desk-offline.png", full_page=True)

    p.context.set_offline(False)
    p.click("[data-send-now]")
    expect(p.locator("[data-pending-count]")).to_have_text("0", timeout=20_000)
    expect(p.locator("[data-refused]")).to_be_hidden()

    again = queued[0]
    body = {k: again[k] for k in ("request_id", "household", "collected_by", "proxy_name",
                                  "proxy_consent")}  # fmt: skip
    resent = p.evaluate(
        API_JSON, [f"{api}/handovers", {"method": "POST", "body": json.dumps(body)}]
    )
    assert resent["status"] == 200 and resent["body"]["replayed"] is True
    for row in due:
        looked = p.evaluate(API_JSON, [f"{api}/households/{row['household']}", {}])["body"]
        assert looked["standing"] == "served_today"
    p.reload()
    assert served_today(p) == before + 3


def open_desk(p: Page, url: str) -> str:
    log_in(p, url, OFFICER)
    p.goto(f"{url}/assistance/distribution/")
    p.click("text=Kits de higiene")
    p.click("text=Abrir la mesa de entrega")
    p.wait_for_url(re.compile(r".*/assistance/desk/.*"))
    expect(p.locator("[data-cached-count]")).to_contain_text("hogares guardados")
    return str(p.locator("[data-desk]").get_attribute("data-api"))


def test_it_shows_a_refusal_that_arrives_later_for_that_household(
    demo_server: str, page: Page, browser: Browser
) -> None:
    p, url = page, demo_server
    api = open_desk(p, url)
    listed: dict[str, Any] = p.evaluate(API_JSON, [f"{api}/list", {}])["body"]
    row = next(r for r in listed["items"] if r["may_collect"] and r["members"])

    p.context.set_offline(True)
    p.fill("#desk-q", row["code"])
    p.press("#desk-q", "Enter")
    panel = p.locator(f"[data-offline-part] [data-household='{row['household']}']")
    panel.locator("select").select_option(row["members"][0]["uuid"])
    panel.locator("button[type=submit]").click()
    expect(p.locator("[data-pending-count]")).to_have_text("1")

    # Meanwhile the family is served at another desk, which is online.
    other = browser.new_context(viewport={"width": 768, "height": 1024}, locale="es-CO")
    q = other.new_page()
    open_desk(q, url)
    body = {"request_id": str(uuid.uuid4()), "household": row["household"],
            "collected_by": row["members"][0]["uuid"]}  # fmt: skip
    served = q.evaluate(
        API_JSON, [f"{api}/handovers", {"method": "POST", "body": json.dumps(body)}]
    )
    assert served["status"] == 201
    other.close()

    p.context.set_offline(False)
    p.click("[data-send-now]")
    refused = p.locator(f"[data-refused-household='{row['household']}']")
    expect(refused).to_be_visible(timeout=20_000)
    expect(refused).to_contain_text("ya recibió")
    expect(p.locator("[data-pending-count]")).to_have_text("0")
