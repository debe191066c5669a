"""Browser tests: Playwright driving Debian's Chromium against the site served by gunicorn.

They run whenever Chromium is installed (CI installs it: see .ci/run) and are skipped,
with the reason, on a machine without it. The summary line "browser tests run: N" says
how many ran.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright, Request, sync_playwright

from tests.e2e.harness import LiveSite, start_site

E2E_DIR = Path(__file__).resolve().parent
CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
_ran: list[str] = []


def _skip_reason() -> str:
    if os.environ.get("E2E_SKIP"):
        return "browser tests switched off with E2E_SKIP"
    if not CHROMIUM.exists():
        return (
            f"Chromium not found at {CHROMIUM}: `apt-get install chromium fonts-dejavu-core` to run the browser tests"
        )
    return ""


def required() -> bool:
    """CI sets E2E_REQUIRED=1: a missing browser or axe-core is then a failure, not a skip."""
    return bool(os.environ.get("E2E_REQUIRED"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = _skip_reason()
    browser_items = [item for item in items if Path(str(item.path)).is_relative_to(E2E_DIR)]
    if not reason or not browser_items:
        return
    if required():
        raise pytest.UsageError(f"E2E_REQUIRED is set but the browser tests cannot run: {reason}")
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=reason))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and "tests/e2e/" in report.nodeid.replace("\\", "/"):
        _ran.append(report.nodeid)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    reason = _skip_reason()
    line = f"browser tests run: {len(_ran)}" + (f" (skipped: {reason})" if reason else "")
    terminalreporter.write_line(line)


# ---------------------------------------------------------------------- site and browser
@pytest.fixture(scope="session")
def live_site() -> Iterator[LiveSite]:
    site = start_site()
    try:
        yield site
    finally:
        site.stop()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


# --------------------------------------------------------- nothing leaves the origin
@dataclass
class OriginGuard:
    """Records every request a browser context makes and every CSP complaint it logs.

    Allowed: the site's own origin; the Stripe fake's hosted page, only as a top-level
    navigation that the site redirected to (or that the hosted page itself started).
    """

    site_origin: str
    checkout_origin: str
    requests: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    @staticmethod
    def origin(url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"

    def on_request(self, request: Request) -> None:
        url = request.url
        self.requests.append(url)
        if url.startswith("data:") or self.origin(url) == self.site_origin:
            return
        if self.origin(url) == self.checkout_origin and request.is_navigation_request():
            source = request.redirected_from.url if request.redirected_from else request.frame.url
            if self.origin(source) in (self.site_origin, self.checkout_origin):
                return
        self.violations.append(f"{request.method} {url} (from {request.frame.url})")

    def on_console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.violations.append(f"CSP: {message.text}")


@dataclass
class Contexts:
    """Makes browser contexts that are closed, and checked by the OriginGuard, after the test."""

    browser: Browser
    site: LiveSite
    made: list[tuple[BrowserContext, OriginGuard]] = field(default_factory=list)

    def new(
        self,
        *,
        js: bool = True,
        viewport: dict[str, int] | None = None,
        site_url: str | None = None,
        **options: Any,
    ) -> BrowserContext:
        """`site_url`: the site under another name (`LiveSite.passkey_url`), then its only origin."""
        context = self.browser.new_context(
            java_script_enabled=js,
            viewport=viewport or DESKTOP,  # type: ignore[arg-type]
            base_url=site_url or self.site.url,
            **{"locale": "en-GB", **options},  # a test may ask for another language (locale="ru-RU")
        )
        context.set_default_timeout(15_000)
        guard = OriginGuard(site_origin=site_url or self.site.origin, checkout_origin=self.site.fake.url)
        context.on("request", guard.on_request)
        context.on("console", guard.on_console)
        self.made.append((context, guard))
        return context

    def page(self, **options: Any) -> Page:
        return self.new(**options).new_page()

    def close(self) -> list[str]:
        violations = []
        for context, guard in self.made:
            context.close()
            violations.extend(guard.violations)
        return violations


@pytest.fixture
def contexts(browser: Browser, live_site: LiveSite) -> Iterator[Contexts]:
    made = Contexts(browser, live_site)
    yield made
    violations = made.close()
    assert not violations, "requests that left the site's origin, or CSP errors:\n" + "\n".join(violations)


@pytest.fixture
def page(contexts: Contexts) -> Page:
    """A desktop page with JavaScript on."""
    return contexts.page()


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def donor_page(request: pytest.FixtureRequest, contexts: Contexts) -> Page:
    """The same journey once with JavaScript and once without."""
    return contexts.page(js=request.param)


PageFactory = Callable[..., Page]
