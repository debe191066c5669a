"""Thank-you and receipt pages as donors meet them (issue 16.6), JavaScript on and off.

A bank donor who checks the receipt before sending the money gets the account, the
reference, the amount and the day the reference expires again, in their language; a card
donor's thank-you link works once, and opened again (from the history) says the receipt
was shown and how to check it.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.harness import LiveSite
from tests.e2e.pages import ACTIVE, pay_on_hosted_page

WORDS = {
    "en": {
        "amount": "Other amount", "bank": "Bank transfer", "card": "Card", "continue": "Continue",
        "check_link": "Check a receipt code", "code": "Receipt code", "check": "Check",
        "pending": "Not arrived yet.", "valid_until": "Reference valid until", "used": "This page was already shown",
    },
    "ru": {
        "amount": "Другая сумма", "bank": "Банковский перевод", "card": "Карта", "continue": "Продолжить",
        "check_link": "Проверить код квитанции", "code": "Код квитанции", "check": "Проверить",
        "pending": "Ещё не поступило.", "valid_until": "Назначение платежа действует до",
        "used": "Эта страница уже была показана",
    },
    "be": {
        "amount": "Іншая сума", "bank": "Банкаўскі перавод", "card": "Картка", "continue": "Працягнуць",
        "check_link": "Праверыць код квітанцыі", "code": "Код квітанцыі", "check": "Праверыць",
        "pending": "Яшчэ не паступіла.", "valid_until": "Прызначэнне плацяжу дзейнічае да",
        "used": "Гэтая старонка ўжо была паказана",
    },
}  # fmt: skip


def _give(page: Page, lang: str, channel: str, amount: str) -> None:
    words = WORDS[lang]
    page.goto(f"/{lang}/campaigns/{ACTIVE}/donate/")
    page.get_by_label(words["amount"]).fill(amount)
    page.get_by_label(words[channel]).check()
    page.get_by_role("button", name=words["continue"]).click()


def _check(page: Page, lang: str, code: str) -> None:
    words = WORDS[lang]
    page.get_by_role("link", name=words["check_link"]).click()
    page.get_by_label(words["code"]).fill(code)
    page.get_by_role("button", name=words["check"], exact=True).click()


@pytest.mark.parametrize("lang", ["en", "ru", "be"])
def test_checking_a_pending_bank_receipt_repeats_the_transfer_details(donor_page: Page, lang: str) -> None:
    page = donor_page
    _give(page, lang, "bank", "23")
    reference = page.locator("#bank-reference").inner_text().strip()
    valid_until = page.locator("#reference-valid time").get_attribute("datetime")
    code = page.locator("#receipt-code").inner_text().strip()
    _check(page, lang, code)
    result = page.get_by_role("status")
    expect(result).to_contain_text(WORDS[lang]["pending"])
    expect(result).to_contain_text("DE89 3704 0044 0532 0130 00")
    expect(result.locator("#bank-reference")).to_have_text(reference)
    expect(result).to_contain_text("23")
    expect(result).to_contain_text(WORDS[lang]["valid_until"])
    expect(result.locator("#reference-valid time")).to_have_attribute("datetime", valid_until or "")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", valid_until or ""), valid_until
    assert page.context.cookies() == []


@pytest.mark.parametrize("lang", ["ru", "be"])
def test_the_card_thank_you_page_works_once(donor_page: Page, live_site: LiveSite, lang: str) -> None:
    page = donor_page
    _give(page, lang, "card", "16")
    expect(page).to_have_url(re.compile("^" + re.escape(live_site.fake.url) + "/pay/"))
    pay_on_hosted_page(page)
    expect(page).to_have_url(re.compile(re.escape(live_site.url) + f"/{lang}/donate/thanks/"))
    expect(page.locator("#receipt-code")).to_be_visible()
    thanks_url = page.url
    page.goto(thanks_url)  # from the history, or by someone else holding the phone
    expect(page.get_by_role("heading", level=1)).to_have_text(WORDS[lang]["used"])
    expect(page.locator("#receipt-code")).to_have_count(0)
    expect(page.get_by_role("link", name=WORDS[lang]["check_link"])).to_be_visible()
    assert page.context.cookies() == []
