"""Statements in the back office as a finance officer works them, in Chromium, after a real
login (password, then the authenticator code).

Two donors each start a €33 bank transfer to a demo campaign; one sends it without the
reference. Anna imports the bank's camt.053 — first another account's statement by mistake,
which is refused by name and records nothing — previews it and books it: the transfer
without a reference waits in the review queue with both donations as candidates, Marta's
first (her name is in the transfer text). Anna confirms the wrong one, undoes the match
with a reason (the line is back in the queue, the donation pending), confirms the right
one. The bank's MT940 of the same day brings the same movement again: flagged as a
duplicate, nothing waits twice. The bank's interest and the duplicate are dismissed in
bulk with one reason.
"""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Contexts
from tests.e2e.harness import LiveSite
from tests.e2e.test_staff_journey import log_in
from tests.payments.camt_builder import camt
from tests.payments.mt940_builder import mt940

CAMPAIGN = "legal-defence-ihar-m"  # a demo campaign open for gifts
UPLOAD = "/staff/payments/importedstatement/upload/"


def pending_transfer(page: Page, public_name: str) -> str:
    """A donor starts a €33 bank transfer; returns its RF reference."""
    page.goto(f"/en/campaigns/{CAMPAIGN}/donate/")
    page.get_by_label("Other amount").fill("33")
    page.get_by_label("Bank transfer").check()
    page.get_by_label("Public name (optional)").fill(public_name)
    page.get_by_role("button", name="Continue").click()
    return page.locator("#bank-reference").inner_text().strip()


def choose_file(page: Page, name: str, data: bytes) -> None:
    page.goto(UPLOAD)
    page.get_by_label("Statement file").set_input_files({"name": name, "mimeType": "text/plain", "buffer": data})
    page.get_by_role("button", name="Preview").click()


def test_finance_imports_previews_confirms_undoes_and_dismisses(contexts: Contexts, live_site: LiveSite) -> None:
    anna_member = live_site.staff[0]
    donor = contexts.page(js=False)
    pending_transfer(donor, "Ivan")
    pending_transfer(contexts.page(js=False), "Marta")

    anna = contexts.page()
    log_in(anna, anna_member)
    today = dt.date.today().isoformat()
    gift = {"amount": "33.00", "text": "for Ihar from Marta", "day": today, "payer": "Marta V.",
            "payer_iban": "LT601010012345678901", "bank_ref": "J-33"}  # fmt: skip
    interest = {"amount": "0.12", "text": "Zinsen", "day": today, "payer": "Bank", "bank_ref": "J-INT"}

    # Another account's statement: refused by name, nothing recorded.
    choose_file(anna, "rent.xml", camt([gift], msg=f"J-RENT-{today}", account="NL91ABNA0417164300"))
    expect(anna.locator(".errorlist")).to_contain_text("NL91ABNA0417164300")
    expect(anna.locator("#statement-preview")).to_have_count(0)

    # The foundation's own statement: a preview first, then the booking.
    choose_file(anna, "camt053.xml", camt([gift, interest], msg=f"J-{today}"))
    expect(anna.locator("#preview-counts")).to_contain_text("2 lines: 2 incoming, 0 outgoing; 2 new")
    expect(anna.locator("#statement-preview")).to_contain_text("Marta V.")
    anna.get_by_role("button", name="Book these lines").click()
    expect(anna.locator("#import-summary")).to_contain_text("0 matched, 2 waiting for review")

    anna.get_by_role("link", name="Review queue").click()
    anna.get_by_role("row").filter(has_text="for Ihar from Marta").get_by_role("link").first.click()
    candidates = anna.locator("#candidates tbody tr")
    expect(candidates).to_have_count(2)
    expect(candidates.first).to_contain_text("Marta")  # her name is in the transfer's text
    expect(candidates.nth(1)).to_contain_text("Ivan")

    # Anna confirms Ivan's by mistake, then undoes it.
    candidates.nth(1).get_by_role("button", name="Confirm: this line pays it").click()
    expect(anna.locator(".messagelist")).to_contain_text("resolved")
    anna.goto("/staff/payments/bankline/?state__exact=matched")
    anna.get_by_role("row").filter(has_text="33").get_by_role("link").first.click()
    anna.get_by_role("link", name="Undo this match…").click()
    expect(anna.locator("#undo-donations")).to_contain_text("33.00 EUR")
    anna.get_by_label("Reason").fill("Marta wrote: the transfer was hers")
    anna.get_by_role("button", name="Undo the match").click()
    expect(anna.locator(".messagelist")).to_contain_text("The match was undone")
    candidates = anna.locator("#candidates tbody tr")
    expect(candidates).to_have_count(2)  # Ivan's donation is pending again, so both are candidates
    candidates.filter(has_text="Marta").get_by_role("button", name="Confirm: this line pays it").click()
    expect(anna.locator(".messagelist")).to_contain_text("resolved")

    # The MT940 of the same day: the same movements, recognised, not queued twice.
    choose_file(anna, "mt940.sta", mt940([{**gift, "bank_ref": "NONREF"}, {**interest, "bank_ref": "NONREF"}],
                                         ref=f"J-{today}"))  # fmt: skip
    anna.get_by_role("button", name="Book these lines").click()
    expect(anna.locator("#import-summary")).to_contain_text("2 the same movement as a line of another statement")
    anna.goto("/staff/payments/bankline/?state__exact=unmatched")
    expect(anna.get_by_role("row").filter(has_text="Zinsen")).to_have_count(1)

    # Bulk dismiss with one reason: the interest line waiting and its MT940 twin.
    anna.goto("/staff/payments/bankline/?q=0.12")
    for row in anna.get_by_role("row").filter(has_text="0.12").all():
        row.get_by_role("checkbox").check()
    anna.locator("select[name=action]").select_option(label="Dismiss the selected lines (not donations)…")
    anna.get_by_role("button", name="Go").click()
    expect(anna.locator("#dismiss-lines li")).to_have_count(2)
    anna.get_by_label("Reason").fill("Bank interest, not a donation")
    anna.get_by_role("button", name="Dismiss these lines").click()
    expect(anna.locator(".messagelist")).to_contain_text("2 lines dismissed")
    anna.goto("/staff/payments/bankline/?state__exact=unmatched")
    expect(anna.get_by_role("row").filter(has_text="Zinsen")).to_have_count(0)

    donor.goto(f"/en/campaigns/{CAMPAIGN}/")
    expect(donor.locator("body")).not_to_contain_text(re.compile("Marta V"))
