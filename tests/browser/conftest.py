"""Real-browser fixtures: Debian's Chromium, driven by Playwright, against pytest-django's live server.

The browser is never downloaded (no ``playwright install``): the tests use ``chromium`` from PATH and
skip without it — except under ``CI=true``, where a missing browser fails the run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPO_ROOT / "test-output" / "browser"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API keeps an asyncio loop in the test thread, so Django would refuse the
    synchronous ORM calls made there (test database setup, seeding, flushing, the tests' own queries).
    Set from the first browser test on, not at import, so the rest of the suite keeps Django's check."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} — CI=true requires the browser tests to run", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    executable = shutil.which("chromium")
    if executable is None:
        _unavailable("Chromium not found on PATH (install Debian's chromium package)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed (make install-dev)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def demo_org(transactional_db, settings) -> None:
    """The demo organisation (manager1, lead1, …), in the database the live server reads.

    MD5 hashing only here: argon2 for the ~35 demo people would cost ~15 s per test.
    """
    from creditdesk.accounts.seed import run

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    run()


@pytest.fixture
def console_errors() -> list[str]:
    """Console errors and uncaught exceptions, each as ``"<page url> :: <text>"``."""
    return []


@pytest.fixture
def page(browser, live_server, demo_org, console_errors) -> Iterator:
    """A fresh desktop-sized page (own cookies) that records console errors."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)

    def on_console(msg) -> None:
        if msg.type == "error":
            console_errors.append(f"{page.url} :: {msg.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: console_errors.append(f"{page.url} :: uncaught {exc}"))
    yield page
    context.close()


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR
