"""A real Caminantes for the browser: its own SQLite file, migrated, demo loaded, served.

The server runs in a separate process exactly as `make demo` runs it, so the browser test
also proves the newcomer's path. Screenshots go to test-output/browser/.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from conftest import BROWSER, copy_sqlite

ROOT = Path(__file__).resolve().parents[2]
# `python -m caminantes` from this checkout (what the `caminantes` script runs), so the
# server is the code under test even when the virtualenv was installed from another one.
CAMINANTES = [sys.executable, "-m", "caminantes"]
OUTPUT = ROOT / "test-output" / "browser"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _environment(var: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update({"DEBUG": "1", "CAMINANTES_DEMO": "1", "CAMINANTES_VAR_DIR": str(var)})
    env.update(extra)
    return env


def _build_demo(var: Path, template: Path | None) -> None:
    """`make demo`'s steps. The suite's migrated SQLite template, when there is one, saves
    running every migration again: `migrate` then finds nothing to do."""
    if template is not None:
        copy_sqlite(template, var / "caminantes.sqlite3")
    for args in (["migrate", "--noinput"], ["demo"]):
        subprocess.run(
            [*CAMINANTES, *args],
            env=_environment(var),
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=600,
        )


@pytest.fixture(scope="session")
def demo_var(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path | None) -> Path:
    """A var directory holding a migrated SQLite with the demo loaded.

    Building the demo takes a minute. Under pytest-xdist every worker that runs browser
    tests needs one, so the first builds it once in the run's shared temporary directory
    (behind a lock) and every worker serves its own copy: servers never share a file."""
    var = tmp_path_factory.mktemp("browser-var")
    if "PYTEST_XDIST_WORKER" not in os.environ:
        _build_demo(var, sqlite_template)
        return var
    shared = tmp_path_factory.getbasetemp().parent / "browser-demo"
    with (shared.parent / "browser-demo.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (shared / ".built").exists():
            shutil.rmtree(shared, ignore_errors=True)
            shared.mkdir()
            _build_demo(shared, sqlite_template)
            (shared / ".built").touch()
    shutil.copytree(shared, var, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".built"))
    return var


@contextlib.contextmanager
def serve(var: Path, **settings: str) -> Iterator[str]:
    """Serve the demo in `var` (environment settings in `settings`) until the block ends."""
    port = _free_port()
    log_path = var / f"server-{port}.log"
    log = log_path.open("w")
    server = subprocess.Popen(
        [*CAMINANTES, "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=_environment(var, **settings),
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(log_path.read_text()) from None
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def demo_server(demo_var: Path) -> Iterator[str]:
    # Every browser test logs in from 127.0.0.1: more than the 30 password attempts per
    # address and quarter-hour a real server allows (the limit itself is tested in accounts).
    with serve(demo_var, LOGIN_RATE_PER_ADDRESS="1000") as url:
        yield url


# Playwright's synchronous API keeps an asyncio loop marked as running in this thread for
# as long as it is open, and Django then refuses every database call ("You cannot call this
# from an async context"). The browser tests run together, first (conftest.py at the root):
# Chromium and Playwright are closed as soon as the last of them is done, so the worker goes
# on with the rest of the suite.
_open: list[contextlib.ExitStack] = []


def close_browser() -> None:
    while _open:
        _open.pop().close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    stack = contextlib.ExitStack()
    _open.append(stack)
    p = stack.enter_context(sync_playwright())
    b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    stack.callback(b.close)
    yield b
    close_browser()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    result = yield  # the test's own fixtures (its page) are closed first
    if nextitem is None or not nextitem.nodeid.startswith(BROWSER):
        close_browser()
    return result


def fits_360(p: Page) -> bool:
    """The page scrolls no wider than a 360 px phone."""
    return bool(p.evaluate("document.documentElement.scrollWidth") <= 360)


def is_csp_violation(message: ConsoleMessage) -> bool:
    """Chromium reports what the Content-Security-Policy blocked on the console."""
    text = message.text
    return "Content Security Policy" in text or text.startswith("Refused to")


@pytest.fixture
def csp_violations() -> list[str]:
    """What the Content-Security-Policy blocked on `page`: any left at the end fails the test."""
    return []


@pytest.fixture
def page(browser: Browser, csp_violations: list[str]) -> Iterator[Page]:
    """A phone-sized page; the test fails if the Content-Security-Policy blocked anything."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="es-CO")
    page = context.new_page()
    violations = csp_violations
    page.on(
        "console",
        lambda m: violations.append(f"{page.url}: {m.text}") if is_csp_violation(m) else None,
    )
    yield page
    context.close()
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations))
