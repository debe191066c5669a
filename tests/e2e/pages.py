"""The site's public page types, and how a person reaches the ones behind a form."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import Page, expect

from tests.e2e.harness import LiveSite

ACTIVE = "legal-defence-ihar-m"
CLOSED = "sergei-sakovets"


def open_path(path: str) -> Callable[[Page, LiveSite], None]:
    def go(page: Page, site: LiveSite) -> None:
        response = page.goto(path)
        assert response is not None and response.ok, f"{path}: {response.status if response else 'no response'}"

    return go


def fill_donate_form(page: Page, *, amount: str, channel: str) -> None:
    page.goto(f"/en/campaigns/{ACTIVE}/donate/")
    page.get_by_label("Other amount").fill(amount)
    page.get_by_label(channel).check()
    page.get_by_role("button", name="Continue").click()


def donate_with_errors(page: Page, site: LiveSite) -> None:
    """The form sent empty: every field that needs an answer says so."""
    page.goto(f"/en/campaigns/{ACTIVE}/donate/")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".field-error").first).to_be_visible()


def bank_transfer(page: Page, site: LiveSite) -> None:
    fill_donate_form(page, amount="30", channel="Bank transfer")
    expect(page.locator("#bank-reference")).to_be_visible()


def pay_on_hosted_page(page: Page, button: str = "Donate") -> None:
    """Fill the card processor's hosted page (the Stripe fake) and pay ("Subscribe" for a
    monthly gift)."""
    page.get_by_label("Email").fill("jane@example.org")
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiry (MM / YY)").fill("12/34")
    page.get_by_label("CVC").fill("123")
    page.get_by_label("Cardholder name").fill("Jane Doe")
    page.get_by_role("button", name=button).click()


def thanks(page: Page, site: LiveSite) -> None:
    fill_donate_form(page, amount="15", channel="Card")
    pay_on_hosted_page(page)
    expect(page).to_have_url(re.compile(r"/en/donate/thanks/"))
    expect(page.locator("#receipt-code")).to_be_visible()


def receipt_checked(page: Page, site: LiveSite) -> None:
    page.goto("/en/receipts/")
    page.get_by_label("Receipt code").fill("NO-SUCH-CODE-0000")
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_role("status")).to_be_visible()


def help_with_errors(page: Page, site: LiveSite) -> None:
    page.goto("/en/help/")
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator(".field-error").first).to_be_visible()


@dataclass(frozen=True)
class PageType:
    name: str
    reach: Callable[[Page, LiveSite], None]


PUBLIC_PAGES = [
    PageType("home", open_path("/en/")),
    PageType("list", open_path("/en/campaigns/")),
    PageType("list-filtered", open_path("/en/campaigns/?status=closed&category=legal_aid")),
    PageType("campaign-active", open_path(f"/en/campaigns/{ACTIVE}/")),
    PageType("campaign-closed", open_path(f"/en/campaigns/{CLOSED}/")),
    PageType("campaign-closed-ru", open_path(f"/ru/campaigns/{CLOSED}/")),
    PageType("transparency", open_path("/en/transparency/")),
    PageType("transparency-campaign", open_path(f"/en/campaigns/{CLOSED}/transparency/")),
    PageType("donate", open_path(f"/en/campaigns/{ACTIVE}/donate/")),
    PageType("donate-errors", donate_with_errors),
    PageType("bank-transfer", bank_transfer),
    PageType("thanks", thanks),
    PageType("receipts", open_path("/en/receipts/")),
    PageType("receipts-checked", receipt_checked),
    PageType("help", open_path("/en/help/")),
    PageType("help-errors", help_with_errors),
    PageType("about", open_path("/en/about/")),
    PageType("privacy", open_path("/en/privacy/")),
    PageType("contact", open_path("/en/contact/")),
    PageType("giving-safely", open_path("/en/giving-safely/")),
]
