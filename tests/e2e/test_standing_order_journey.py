"""Standing orders as a donor and the foundation's finance person live them (issue 16.4).

A donor chooses a monthly gift by bank transfer (JavaScript on and off, en/ru/be) and is
shown one reference that stays valid and a secret link; finance imports a statement with
two months of the standing order; the secret link lists both transfers, and the campaign
total counts them — no manual matching.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Contexts
from tests.e2e.harness import LiveSite, StaffMember
from tests.e2e.pages import ACTIVE
from tests.e2e.test_staff_journey import password_step, totp_code, upload_statement
from tests.payments.camt_builder import camt

WORDS = {
    "en": {"amount": "Other amount", "monthly": "Monthly", "bank": "Bank transfer", "continue": "Continue",
           "heading": "Standing order details", "none_yet": "No transfer has arrived yet"},
    "ru": {"amount": "Другая сумма", "monthly": "Ежемесячно", "bank": "Банковский перевод", "continue": "Продолжить",
           "heading": "Реквизиты постоянного поручения", "none_yet": "Пока не поступило ни одного перевода"},
    "be": {"amount": "Іншая сума", "monthly": "Штомесяц", "bank": "Банкаўскі перавод", "continue": "Працягнуць",
           "heading": "Рэквізіты сталага даручэння", "none_yet": "Пакуль не паступіла ніводнага пераводу"},
}  # fmt: skip


def set_up_standing_order(page: Page, lang: str, amount: str) -> tuple[str, str]:
    """Returns the reference (as shown) and the secret link's path."""
    words = WORDS[lang]
    page.goto(f"/{lang}/campaigns/{ACTIVE}/donate/")
    page.get_by_label(words["amount"]).fill(amount)
    page.get_by_role("radio", name=words["monthly"], exact=True).check()
    page.get_by_label(words["bank"]).check()
    page.get_by_role("button", name=words["continue"]).click()
    expect(page.get_by_role("heading", name=words["heading"])).to_be_visible()
    expect(page.locator("#standing-order")).to_be_visible()
    expect(page.locator("#reference-valid")).to_be_visible()
    reference = page.locator("#bank-reference").inner_text().strip()
    manage = page.locator("#manage-link").get_attribute("href") or ""
    assert manage.startswith(f"/{lang}/monthly/"), manage
    return reference, manage


@pytest.mark.parametrize("lang", ["en", "ru", "be"])
def test_a_monthly_bank_gift_shows_a_reference_that_stays_valid_and_a_secret_link(donor_page: Page, lang: str) -> None:
    page = donor_page
    reference, manage = set_up_standing_order(page, lang, "12")
    page.goto(manage)
    expect(page.locator("#transfers-received")).to_contain_text(WORDS[lang]["none_yet"])
    expect(page.locator("#bank-reference")).to_have_text(reference)
    assert page.context.cookies() == []


def log_in_next_step(page: Page, member: StaffMember) -> None:
    """Log in with password and a code not used yet (test_staff_journey.totp_code)."""
    page.goto("/staff/")
    password_step(page, member)
    page.get_by_label("Code from your authenticator app").fill(totp_code(bytes.fromhex(member.totp_key_hex)))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Back office")).to_be_visible()


def test_each_month_of_a_standing_order_is_matched_and_shown_on_the_secret_link(
    contexts: Contexts, live_site: LiveSite
) -> None:
    donor = contexts.page(js=False)
    reference, manage = set_up_standing_order(donor, "be", "14")

    finance = contexts.page()
    log_in_next_step(finance, live_site.staff[0])
    today = dt.date.today()
    earlier = today - dt.timedelta(days=31)
    statement = camt(
        [
            {"amount": "14.00", "text": reference, "day": earlier.isoformat(), "bank_ref": "E2E-SO-1"},
            {"amount": "14.00", "text": reference, "day": today.isoformat(), "bank_ref": "E2E-SO-2"},
        ],
        msg=f"E2E-SO-{today}",
    )
    upload_statement(finance, statement)
    expect(finance.locator("#import-summary")).to_contain_text("2 matched, 0 waiting for review")

    donor.goto(manage)
    received = donor.locator("#transfers-received li")
    expect(received).to_have_count(2)
    expect(received.nth(0).locator("time")).to_have_attribute("datetime", earlier.isoformat())
    expect(received.nth(1).locator("time")).to_have_attribute("datetime", today.isoformat())
    expect(received.nth(1)).to_contain_text(re.compile(r"14"))
    assert donor.context.cookies() == []
