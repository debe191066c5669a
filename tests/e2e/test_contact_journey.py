"""A sceptical journalist and a careful donor find out who runs the fund (issue 16.7),
JavaScript on and off, in en/ru/be: the footer of any page leads to the contact page,
which names the foundation and its safe channels, and on to the giving-safely advice."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.pages import ACTIVE

WORDS = {
    "en": {"contact": "Who runs this fund", "safely": "Giving safely", "tor": "Use Tor Browser",
           "cards": "Do not pay with a local card or account", "statement": "What your bank statement shows"},
    "ru": {"contact": "Кто ведёт этот фонд", "safely": "Как помогать безопасно", "tor": "Пользуйтесь Tor Browser",
           "cards": "Не платите местной картой", "statement": "Что видно в выписке по счёту"},
    "be": {"contact": "Хто вядзе гэты фонд", "safely": "Як дапамагаць бяспечна", "tor": "Карыстайцеся Tor Browser",
           "cards": "Не плаціце мясцовай карткай", "statement": "Што відаць у выпісцы па рахунку"},
}  # fmt: skip
DEMO_NAME = "Solidarity Foundation e.V. (demo)"


@pytest.mark.parametrize("lang", ["en", "ru", "be"])
def test_the_footer_leads_to_who_runs_the_fund_and_to_giving_safely(donor_page: Page, lang: str) -> None:
    page = donor_page
    words = WORDS[lang]
    page.goto(f"/{lang}/campaigns/{ACTIVE}/")
    page.get_by_role("contentinfo").get_by_role("link", name=words["contact"]).click()
    expect(page).to_have_url(re.compile(rf"/{lang}/contact/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(words["contact"])
    expect(page.locator("#legal-name")).to_have_text(DEMO_NAME)
    expect(page.locator("#registration")).to_be_visible()
    expect(page.locator("#contact-email")).to_contain_text("contact@solidarity.example")
    expect(page.locator("#openpgp-fingerprint")).to_be_visible()
    expect(page.locator("#contact-signal")).to_be_visible()
    expect(page.locator("#contact-drop")).to_be_visible()
    expect(page.locator("#onion")).to_be_visible()  # the demo has no onion address: it says so
    expect(page.locator("#no-onion")).to_be_visible()

    page.get_by_role("main").get_by_role("link", name=re.compile("^" + words["safely"])).click()
    expect(page).to_have_url(re.compile(rf"/{lang}/giving-safely/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(words["safely"])
    expect(page.locator("#advice-tor")).to_contain_text(words["tor"])
    expect(page.get_by_role("heading", name=words["cards"])).to_be_visible()
    expect(page.get_by_role("heading", name=words["statement"])).to_be_visible()
    expect(page.locator("#advice-transfer-statement")).to_contain_text("DE89 3704 0044 0532 0130 00")
    assert page.context.cookies() == []
