"""Accessibility: axe-core on every public page type, labels and errors tied to their
fields, and a whole donation made with the keyboard alone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import E2E_DIR, Contexts, required
from tests.e2e.harness import LiveSite
from tests.e2e.pages import ACTIVE, PUBLIC_PAGES, PageType, donate_with_errors, help_with_errors

AXE = E2E_DIR / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}


def need_axe() -> None:
    if not AXE.exists():
        message = "axe-core is not installed: run `npm ci --prefix tests/e2e` (`make test` does)"
        if required():
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def axe_page(contexts: Contexts) -> Page:
    need_axe()
    # axe is injected as a script, which the site's Content-Security-Policy rightly forbids.
    return contexts.page(bypass_csp=True)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in BLOCKING_IMPACTS]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']}: {v['id']} — {v['help']}")
        lines.extend(f"    {node['target']}: {node['failureSummary']}" for node in v["nodes"][:5])
    return "\n".join(lines)


@pytest.mark.parametrize("page_type", PUBLIC_PAGES, ids=lambda p: p.name)
def test_no_serious_or_critical_axe_violation(axe_page: Page, live_site: LiveSite, page_type: PageType) -> None:
    page_type.reach(axe_page, live_site)
    violations = axe_violations(axe_page)
    assert not violations, f"{page_type.name} ({axe_page.url}):\n{describe(violations)}"


def test_no_serious_or_critical_axe_violation_on_a_phone(contexts: Contexts, live_site: LiveSite) -> None:
    need_axe()
    page = contexts.page(bypass_csp=True, viewport={"width": 375, "height": 812})
    for path in ("/en/", f"/en/campaigns/{ACTIVE}/", f"/en/campaigns/{ACTIVE}/donate/"):
        page.goto(path)
        violations = axe_violations(page)
        assert not violations, f"{path} at 375 px:\n{describe(violations)}"


FIELDS_AND_ERRORS = """() => {
  const problems = [];
  const controls = [...document.querySelectorAll('main input, main select, main textarea')]
    .filter(el => el.type !== 'hidden' && !el.closest('[aria-hidden=true]'));
  for (const el of controls) {
    const named = el.labels.length > 0 || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
    if (!named) problems.push(`no label: ${el.outerHTML.slice(0, 120)}`);
  }
  for (const error of document.querySelectorAll('main .field-error')) {
    if (!error.id) { problems.push(`error without id: ${error.textContent}`); continue; }
    const tied = [...document.querySelectorAll('[aria-describedby]')].filter(
      el => el.getAttribute('aria-describedby').split(/\\s+/).includes(error.id));
    const onField = tied.some(el => el.matches('input, select, textarea')
      || (el.matches('fieldset') && el.querySelector('input, select, textarea')));
    if (!onField) problems.push(`error not tied to its field: #${error.id} ${error.textContent.trim()}`);
  }
  for (const el of controls.filter(el => el.getAttribute('aria-invalid') === 'true')) {
    const ids = (el.getAttribute('aria-describedby') || '').split(/\\s+/);
    const group = el.closest('fieldset[aria-describedby]');
    if (!ids.some(id => document.getElementById(id)?.classList.contains('field-error')) && !group)
      problems.push(`invalid field without its error: ${el.name}`);
  }
  return {problems, errors: document.querySelectorAll('main .field-error').length};
}"""


@pytest.mark.parametrize("reach", [donate_with_errors, help_with_errors], ids=["donate", "help"])
def test_every_field_has_a_label_and_its_error_is_tied_to_it(
    contexts: Contexts, live_site: LiveSite, reach: Any
) -> None:
    page = contexts.page()
    reach(page, live_site)
    found = page.evaluate(FIELDS_AND_ERRORS)
    assert found["errors"] >= 1
    assert not found["problems"], "\n".join(found["problems"])


def tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches `selector`; it must show that it has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", f"{selector} has focus but shows no focus outline"
            return
    raise AssertionError(f"{limit} presses of Tab never reached {selector}")


def test_a_card_donation_can_be_made_with_the_keyboard_alone(contexts: Contexts, live_site: LiveSite) -> None:
    page = contexts.page()
    page.goto(f"/en/campaigns/{ACTIVE}/")
    tab_to(page, "a.button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Donate")
    tab_to(page, "input[name=preset]")
    page.keyboard.press("Space")
    expect(page.locator("input[name=preset]").first).to_be_checked()
    tab_to(page, "input[name=channel][value=card]")
    page.keyboard.press("Space")
    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile("^" + re.escape(live_site.fake.url) + "/pay/"))
    for selector, text in [
        ("#email", "jane@example.org"),
        ("#cardNumber", "4242 4242 4242 4242"),
        ("#cardExpiry", "12/34"),
        ("#cardCvc", "123"),
        ("#billingName", "Jane Doe"),
    ]:
        tab_to(page, selector)
        page.keyboard.type(text)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/en/donate/thanks/"))
    expect(page.locator("#receipt-code")).to_be_visible()
