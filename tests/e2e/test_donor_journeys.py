"""A donor's journeys, as a person makes them, with JavaScript on and off.

Each test runs twice (the ``donor_page`` fixture): the site must work the same without
JavaScript, which is how many donors reach it (Tor Browser's safest level).
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.harness import LiveSite

SEED_TITLE = "Help for political prisoner Sergei Sakovets and his mother with disabilities"
SEED_TITLE_RU = "Помощь политзаключённому Сергею Саковцу и его маме с инвалидностью"
ACTIVE_TITLE = "Legal defence for blogger Ihar M."
RECEIPT_CODE = re.compile(r"^[A-Za-z0-9-]{16,}$")


def test_a_reader_finds_the_seed_campaign_reads_it_in_russian_and_sees_the_collection_is_over(
    donor_page: Page, live_site: LiveSite
) -> None:
    page = donor_page
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/en/$"))
    page.get_by_role("link", name=SEED_TITLE).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SEED_TITLE)
    summary = page.get_by_role("complementary", name="Collection")
    expect(summary).to_contain_text("The collection is over.")
    expect(summary).to_contain_text("€1,125")
    expect(page.get_by_role("link", name="Donate")).to_have_count(0)

    page.get_by_role("navigation", name="Language").get_by_role("link", name="RU").click()
    expect(page).to_have_url(re.compile(r"/ru/campaigns/sergei-sakovets/$"))
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", level=1)).to_have_text(SEED_TITLE_RU)
    expect(page.get_by_role("complementary")).to_contain_text("Сбор завершён")
    expect(page.get_by_role("complementary")).to_contain_text("1 125")

    page.get_by_role("navigation", name="Язык").get_by_role("link", name="EN").click()
    expect(page).to_have_url(re.compile(r"/en/campaigns/sergei-sakovets/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(SEED_TITLE)
    # Reading sets no cookie: nothing links one visit to the next.
    assert page.context.cookies() == []


def _start_donation(page: Page, *, amount: str, channel: str) -> None:
    page.goto("/en/")
    page.get_by_role("link", name=ACTIVE_TITLE).first.click()
    page.get_by_role("link", name="Donate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Donate")
    page.get_by_label("Other amount").fill(amount)
    page.get_by_label(channel).check()
    page.get_by_role("button", name="Continue").click()


def _check_receipt(page: Page, code: str) -> None:
    page.get_by_role("link", name="Check a receipt code").click()
    page.get_by_label("Receipt code").fill(code)
    page.get_by_role("button", name="Check").click()
    result = page.get_by_role("status")
    expect(result).to_contain_text("Counted.")
    expect(result).to_contain_text(ACTIVE_TITLE)


def test_a_donor_gives_by_card_on_the_hosted_page_and_checks_the_receipt(donor_page: Page, live_site: LiveSite) -> None:
    page = donor_page
    _start_donation(page, amount="35", channel="Card")
    # The hosted checkout page of the card processor (the Stripe fake): another origin.
    expect(page).to_have_url(re.compile("^" + re.escape(live_site.fake.url) + "/pay/"))
    page.get_by_label("Email").fill("jane@example.org")
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiry (MM / YY)").fill("12/34")
    page.get_by_label("CVC").fill("123")
    page.get_by_label("Cardholder name").fill("Jane Doe")
    page.get_by_role("button", name="Donate").click()

    expect(page).to_have_url(re.compile("^" + re.escape(live_site.url) + "/en/donate/thanks/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    code = page.locator("#receipt-code").inner_text().strip()
    assert RECEIPT_CODE.match(code), code
    assert live_site.fake.wait_for_deliveries(timeout=15), "the webhook was not delivered"
    _check_receipt(page, code)


def test_a_donor_gives_by_bank_transfer_and_sees_iban_reference_and_qr_code(
    donor_page: Page, live_site: LiveSite
) -> None:
    page = donor_page
    _start_donation(page, amount="20", channel="Bank transfer")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bank transfer")
    details = page.locator("dl.bank-details")
    expect(details).to_contain_text("DE89 3704 0044 0532 0130 00")
    expect(page.locator("#bank-reference")).to_have_text(re.compile(r"^RF\d\d( [0-9A-Z]{1,4})+$"))
    expect(page.locator("#receipt-code")).to_have_text(RECEIPT_CODE)
    expect(page.locator("figure.qr svg")).to_be_visible()
