"""A passkey instead of the authenticator app, in Chromium with a virtual authenticator (CDP).

Dora (an admin) sends Clara an enrolment link; Clara opens it, logs in with her password,
chooses "Use a passkey instead", and is shown ten recovery codes once. Later she logs in with
her password and the passkey and reaches the back office; without JavaScript the same second
step takes a recovery code. The site is reached as http://localhost:P (a passkey's relying
party id must be a domain name); the package's scripts run under the site's strict CSP, which
the `contexts` fixture checks (no CSP error in the console, no request to another origin).
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Contexts
from tests.e2e.harness import LiveSite
from tests.e2e.test_staff_journey import log_in, password_step, send_enrolment_link

VIRTUAL_AUTHENTICATOR = {
    "protocol": "ctap2",
    "transport": "internal",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
}


def with_virtual_authenticator(page: Page) -> object:
    """A platform authenticator that says yes (fingerprint accepted) to every ceremony."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": VIRTUAL_AUTHENTICATOR})
    return cdp, authenticator["authenticatorId"]


def test_a_staff_member_enrols_a_passkey_through_the_link_and_logs_in_with_it(
    contexts: Contexts, live_site: LiveSite
) -> None:
    _anna, _boris, clara, dora, *_ = live_site.staff
    admin = contexts.page(site_url=live_site.passkey_url)
    log_in(admin, dora)
    link = send_enrolment_link(admin, clara.username)

    page = contexts.page(site_url=live_site.passkey_url)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    cdp, authenticator_id = with_virtual_authenticator(page)

    page.goto(link)
    expect(page).to_have_url(re.compile(r"/staff/login/"))
    password_step(page, clara)
    expect(page).to_have_url(re.compile(r"/staff/enrol/"))
    page.get_by_role("button", name="Use a passkey instead").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    recovery_code = page.locator("#recovery-codes li").first.inner_text().strip()
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})  # type: ignore[attr-defined]
    assert len(credentials["credentials"]) == 1
    page.get_by_role("link", name="I have saved them: continue to the back office").click()
    expect(page.get_by_role("heading", name="Back office")).to_be_visible()

    # Later: password, then the passkey.
    page.context.clear_cookies()
    page.goto("/staff/")
    expect(page).to_have_url(re.compile(r"/staff/login/"))
    password_step(page, clara)
    expect(page).to_have_url(re.compile(r"/staff/two-factor/"))
    page.get_by_role("button", name="Use your passkey").click()
    expect(page.get_by_role("heading", name="Back office")).to_be_visible()
    assert not errors, errors

    # The link is used up, and the password alone still opens nothing.
    stranger = contexts.page(site_url=live_site.passkey_url)
    stranger.goto(link)
    expect(stranger.get_by_text("already been used")).to_be_visible()
    stranger.goto("/staff/")
    password_step(stranger, clara)
    expect(stranger).to_have_url(re.compile(r"/staff/two-factor/"))
    stranger.goto("/staff/")
    expect(stranger).to_have_url(re.compile(r"/staff/two-factor/"))

    # Without JavaScript there is no passkey button; the form takes a recovery code.
    no_js = contexts.page(js=False)
    no_js.goto("/staff/")
    password_step(no_js, clara)
    expect(no_js).to_have_url(re.compile(r"/staff/two-factor/"))
    expect(no_js.get_by_role("button", name="Use your passkey")).to_have_count(0)
    no_js.get_by_label("Code from your authenticator app").fill(recovery_code)
    no_js.get_by_role("button", name="Verify").click()
    expect(no_js.get_by_role("heading", name="Back office")).to_be_visible()
