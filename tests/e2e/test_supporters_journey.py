"""Named gifts as donors see them (issue 16.1), JavaScript on and off, in en/ru/be.

A donor who types a public name and message and asks to show the amount pays by card on
the hosted page; the campaign page then lists them (newest first, with the day and the
amount) in every language. A message that is too long comes back with the error beside
the field, in the page's language.
"""

from __future__ import annotations

import json
import re
import secrets
import time
import urllib.request

from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import Contexts
from tests.e2e.harness import LiveSite
from tests.e2e.pages import ACTIVE, pay_on_hosted_page
from tests.e2e.test_standing_order_journey import log_in_next_step

HEADINGS = {"en": "Supporters", "ru": "Поддержавшие", "be": "Тыя, хто падтрымаў"}


def reload_until_shown(page: Page, path: str, locator: Locator, timeout: float = 20.0) -> None:
    """Open `path` until `locator` is there: another app server may still serve its
    few-seconds-old copy of the page (docs/architecture.md, "Totals, hot rows and caches")."""
    deadline = time.monotonic() + timeout
    while True:
        page.goto(path)
        if locator.count() > 0 or time.monotonic() > deadline:
            break
    expect(locator.first).to_be_visible()


def test_a_named_card_gift_shows_on_the_campaign_page_in_every_language(donor_page: Page, live_site: LiveSite) -> None:
    page = donor_page
    name = f"Olga {secrets.token_hex(3)}"
    page.goto(f"/en/campaigns/{ACTIVE}/donate/")
    page.get_by_label("Other amount").fill("17")
    page.get_by_label("Card").check()
    page.get_by_label("Public name (optional)").fill(name)
    page.get_by_label("Public message (optional)").fill("<b>Hold on</b>, we are with you")
    page.get_by_label("Show the amount next to my name or message").check()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile("^" + re.escape(live_site.fake.url) + "/pay/"))
    pay_on_hosted_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert live_site.fake.wait_for_deliveries(timeout=15), "the webhook was not delivered"

    for lang, heading in HEADINGS.items():
        supporters = page.get_by_role("region", name=heading)
        entry = supporters.get_by_role("listitem").filter(has_text=name)
        reload_until_shown(page, f"/{lang}/campaigns/{ACTIVE}/", entry)
        expect(entry).to_contain_text("<b>Hold on</b>, we are with you")  # shown as typed, never as markup
        expect(entry).to_contain_text("17")
        expect(entry.locator("time")).to_have_attribute("datetime", re.compile(r"^\d{4}-\d\d-\d\d$"))
        # Newest first: this gift heads the list.
        expect(supporters.get_by_role("listitem").first).to_contain_text(name)
    assert page.context.cookies() == []


def test_a_too_long_name_comes_back_with_the_error_beside_it_in_belarusian(page: Page) -> None:
    page.goto(f"/be/campaigns/{ACTIVE}/donate/")
    page.get_by_label("Іншая сума").fill("20")
    page.get_by_label("Банкаўскі перавод").check()
    name_field = page.get_by_label("Публічнае імя (неабавязкова)")
    # An older browser ignores maxlength: the server must still answer with the form.
    name_field.evaluate("field => field.removeAttribute('maxlength')")
    name_field.fill("Я" * 81)
    page.get_by_role("button", name="Працягнуць").click()
    expect(page.locator("#err-name")).to_contain_text("не болей 80 сімвалаў")
    expect(name_field).to_have_attribute("aria-invalid", "true")
    expect(name_field).to_have_value("Я" * 81)
    assert page.context.cookies() == []


def test_a_named_cash_gift_recorded_through_the_staff_api_shows_within_seconds(
    contexts: Contexts, live_site: LiveSite
) -> None:
    """Staff record cash handed over at a meeting, with the name and message the donor
    chose; readers (JavaScript on and off) see it on the campaign page within seconds."""
    readers = [contexts.page(js=True), contexts.page(js=False)]
    for reader in readers:  # the page is now in the caches, without the gift
        reader.goto(f"/ru/campaigns/{ACTIVE}/")
    staff = contexts.page()
    log_in_next_step(staff, live_site.staff[3])
    staff.goto("/staff/api/apitoken/add/")
    staff.get_by_label("Name").fill("cash gifts at meetings")
    staff.get_by_role("button", name="Create token").click()
    secret = staff.locator("#api-token-secret").input_value()
    name = f"Ales {secrets.token_hex(3)}"
    body = {
        "campaign": ACTIVE,
        "amount": {"amount": "30.00", "currency": "EUR"},
        "channel": "cash",
        "public_name": name,
        "message": "Трымайцеся!",
    }
    request = urllib.request.Request(  # noqa: S310 (the live site on 127.0.0.1)
        live_site.url + "/api/v1/staff/donations",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
        assert response.status == 201
    recorded = time.monotonic()
    for reader in readers:
        entry = reader.get_by_role("region", name=HEADINGS["ru"]).get_by_role("listitem").filter(has_text=name)
        reload_until_shown(reader, f"/ru/campaigns/{ACTIVE}/", entry, timeout=8.0)
        expect(entry).to_contain_text("Трымайцеся!")
        expect(entry.locator(".supporter-amount")).to_have_count(0)  # the donor did not ask to show it
        assert reader.context.cookies() == []
    assert time.monotonic() - recorded < 15, "the gift took longer than seconds to show"
