"""A searched phone shows nothing: a donor's whole journey and a family's help request,
with JavaScript on and off, leave the browser's cookie jar empty.

The journey: a bank transfer; a monthly card gift paid on the hosted page (the Stripe
fake); its secret management link, where the amount is changed and the gift stopped;
the receipt check with the card gift's code; a help request. Every form on the way is
protected by its form token, not by a cookie.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.harness import LiveSite
from tests.e2e.pages import ACTIVE, fill_donate_form, pay_on_hosted_page

ACTIVE_TITLE = "Legal defence for blogger Ihar M."


def _bank_transfer(page: Page) -> None:
    fill_donate_form(page, amount="20", channel="Bank transfer")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bank transfer")
    expect(page.locator("#bank-reference")).to_have_text(re.compile(r"^RF\d\d"))
    expect(page.locator("#receipt-code")).to_be_visible()


def _monthly_card_gift(page: Page, site: LiveSite) -> tuple[str, str]:
    """Returns the receipt code and the management link the thank-you page showed once."""
    page.goto(f"/en/campaigns/{ACTIVE}/donate/")
    page.get_by_label("Other amount").fill("12")
    page.get_by_role("radio", name="Monthly", exact=True).check()
    page.get_by_label("Card").check()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile("^" + re.escape(site.fake.url) + "/pay/"))
    pay_on_hosted_page(page, button="Subscribe")
    expect(page).to_have_url(re.compile("^" + re.escape(site.url) + "/en/donate/thanks/\\?t="))
    thanks_url = page.url
    code = page.locator("#receipt-code").inner_text().strip()
    manage = page.locator("#manage-link").get_attribute("href") or ""
    assert manage.startswith("/en/monthly/"), manage
    assert site.fake.wait_for_deliveries(timeout=15), "the webhook was not delivered"
    # The thank-you link works once; opened again it says the receipt was shown.
    page.goto(thanks_url)
    expect(page.locator("#thanks-used")).to_contain_text("shown once already")
    expect(page.get_by_role("link", name="Check a receipt code")).to_be_visible()
    return code, manage


def _manage_monthly_gift(page: Page, manage: str) -> None:
    page.goto(manage)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your monthly gift")
    page.get_by_label("New monthly amount").fill("15")
    page.get_by_role("button", name="Change").click()
    expect(page.get_by_role("status")).to_contain_text("changed from the next payment on")
    page.get_by_role("button", name="Stop my monthly gift").click()
    expect(page.get_by_role("status")).to_contain_text("Your monthly gift is cancelled")


def _check_receipt(page: Page, code: str) -> None:
    page.goto("/en/receipts/")
    page.get_by_label("Receipt code").fill(code)
    page.get_by_role("button", name="Check").click()
    result = page.get_by_role("status")
    expect(result).to_contain_text("Counted.")
    expect(result).to_contain_text(ACTIVE_TITLE)


def _help_request(page: Page) -> None:
    page.goto("/en/help/")
    page.get_by_label("Name of the person in detention").fill("A. Prisoner")
    page.get_by_label("What happened").fill("Detained at a protest, charged under article 342.")
    page.get_by_label("What help is needed").fill("A lawyer and parcels.")
    page.get_by_label("How can we reach you safely?").fill("Signal: +000 000")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your request has been sent")
    expect(page.locator("#help-reference")).to_be_visible()


def test_a_donor_and_a_family_leave_no_cookie_on_the_device(donor_page: Page, live_site: LiveSite) -> None:
    page = donor_page
    _bank_transfer(page)
    code, manage = _monthly_card_gift(page, live_site)
    _manage_monthly_gift(page, manage)
    _check_receipt(page, code)
    _help_request(page)
    assert page.context.cookies() == []
