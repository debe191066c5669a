"""The back office as two staff members use it, and what the public sees of each step.

A donor gives €400 by bank transfer; Anna (password and authenticator) imports the bank
statement that carries the transfer, resolves a second line without a reference in the
review queue, and records a €350 payout to the lawyer, starting from the campaign (its
beneficiary's pseudonym and balance in view, only its needs listed); the payout is above the approval
threshold, so Boris approves it — his password alone opens nothing, so he first enrols an
authenticator through the one-time link Anna sends him from the users page; Anna closes the
collection. The receipt check, the transparency page and the campaign page
show each result.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import time
from urllib.parse import urlsplit

from django_otp.oath import hotp
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Contexts
from tests.e2e.harness import LiveSite, StaffMember
from tests.payments.camt_builder import camt

TITLE = "A lawyer for Aliaksandr K."


# The last 30-second step each authenticator key has given a code for in this test run.
_STEPS_USED: dict[bytes, int] = {}


def totp_code(key: bytes) -> str:
    """The code an authenticator app shows, for a time step not used yet: django-otp accepts a
    step once and one step ahead (tolerance 1), so journeys that log one account in within the
    same 30 s take the next step, or wait for the clock to reach one they may use."""
    used = _STEPS_USED.get(key, -1)
    while (now := int(time.time()) // 30) + 1 <= used:
        time.sleep(0.2)  # both usable steps are spent: wait for the clock's next step
    step = max(now, used + 1)
    _STEPS_USED[key] = step
    return f"{hotp(key, step, digits=6):06d}"


def password_step(page: Page, member: StaffMember) -> None:
    page.get_by_label("Username").fill(member.username)
    page.get_by_label("Password").fill(member.password)
    page.get_by_role("button", name="Log in").click()


def log_in(page: Page, member: StaffMember) -> None:
    """Password, then the code from the authenticator app."""
    page.goto("/staff/")
    expect(page).to_have_url(re.compile(r"/staff/login/"))
    password_step(page, member)
    expect(page).to_have_url(re.compile(r"/staff/two-factor/"))
    page.get_by_label("Code from your authenticator app").fill(totp_code(bytes.fromhex(member.totp_key_hex)))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Back office")).to_be_visible()


def send_enrolment_link(admin: Page, username: str) -> str:
    """An admin creates a one-time enrolment link on the users page; returns its path."""
    admin.goto("/staff/auth/user/")
    run_action(admin, username, "Send enrolment link")
    link = admin.locator("#enrolment-links code").inner_text().strip()
    return urlsplit(link).path


def enrol(page: Page, member: StaffMember, link: str) -> None:
    """A new staff member opens the link, logs in with the password, scans the QR code, types
    the first code, and is shown ten recovery codes once."""
    page.goto(link)
    expect(page).to_have_url(re.compile(r"/staff/login/"))
    password_step(page, member)
    expect(page).to_have_url(re.compile(r"/staff/enrol/"))
    expect(page.get_by_text("Every staff account needs a second factor")).to_be_visible()
    expect(page.locator("figure svg")).to_be_visible()  # the QR code for the authenticator app
    key = base64.b32decode(page.locator("#totp-secret").inner_text().strip())
    page.get_by_label("Code from your authenticator app").fill(totp_code(key))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have saved them: continue to the back office").click()
    expect(page.get_by_role("heading", name="Back office")).to_be_visible()


def shows_eventually(page: Page, path: str, selector: str, text: str, deadline_s: float = 20.0) -> None:
    """Reader pages may be served from a cache for SOLIDARITY_READER_MAX_AGE (5) seconds:
    reload until `selector` shows `text`, up to a deadline."""
    page.goto(path)
    deadline = time.monotonic() + deadline_s
    while text not in (page.locator(selector).first.text_content() or ""):
        assert time.monotonic() < deadline, f"{path}: {selector} never showed {text!r}"
        page.wait_for_timeout(500)  # the polling interval, under the deadline above
        page.reload()


def upload_statement(page: Page, statement: bytes) -> None:
    """Import a camt.053 file in the back office (the summary shows in #import-summary)."""
    page.goto("/staff/payments/importedstatement/upload/")
    page.get_by_label("File").set_input_files(
        {"name": "statement.xml", "mimeType": "application/xml", "buffer": statement}
    )
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("button", name="Book these lines").click()


def run_action(page: Page, row_text: str, action: str) -> None:
    """Tick one row of a changelist and run an admin action on it."""
    page.get_by_role("row").filter(has_text=row_text).get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option(label=action)
    page.get_by_role("button", name="Go").click()


def test_staff_match_a_transfer_pay_out_with_a_second_approval_and_close_the_collection(
    contexts: Contexts, live_site: LiveSite
) -> None:
    slug = live_site.staff_journey_slug
    anna_member, boris_member, *_ = live_site.staff
    donor = contexts.page(js=False)
    donor.goto(f"/en/campaigns/{slug}/donate/")
    donor.get_by_label("Other amount").fill("400")
    donor.get_by_label("Bank transfer").check()
    donor.get_by_role("button", name="Continue").click()
    reference = donor.locator("#bank-reference").inner_text().strip()
    receipt_code = donor.locator("#receipt-code").inner_text().strip()

    anna = contexts.page()
    log_in(anna, anna_member)
    today = dt.date.today().isoformat()
    statement = camt(
        [
            {"amount": "400.00", "text": reference, "day": today, "bank_ref": "E2E-400"},
            {"amount": "15.00", "text": "for Aliaksandr", "day": today, "bank_ref": "E2E-15", "payer": "Olga P."},
        ],
        msg=f"E2E-{today}",
    )
    upload_statement(anna, statement)
    expect(anna.locator("#import-summary")).to_contain_text("1 matched, 1 waiting for review")

    anna.get_by_role("link", name="Review queue").click()
    anna.get_by_role("row").filter(has_text="for Aliaksandr").get_by_role("link").first.click()
    expect(anna.get_by_text("Text: for Aliaksandr")).to_be_visible()
    anna.get_by_label("Campaign").select_option(label=TITLE)
    anna.get_by_role("button", name="Resolve").click()
    expect(anna.locator(".messagelist")).to_contain_text("resolved")

    # A payout starts from the campaign: the chooser shows its beneficiary's pseudonym and balance.
    anna.goto("/staff/disbursements/disbursement/record/")
    row = anna.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text("€415")
    row.get_by_role("link", name=TITLE).click()
    expect(anna.locator("#payout-campaign")).to_contain_text(TITLE)
    expect(anna.locator("#payout-balance")).to_have_text("€415")
    # Only this campaign's needs, each line naming the need, the campaign and the amount.
    options = anna.locator("#id_need option")
    labels = options.all_inner_texts()
    assert labels and all(TITLE in label for label in labels) and len(set(labels)) == len(labels)
    need = anna.locator("#id_need option", has_text="Lawyer for the trial")
    anna.get_by_label("Need").select_option(need.first.get_attribute("value") or "")
    anna.get_by_label("Payee category").select_option(label="Lawyer")
    anna.get_by_label("Amount").fill("350")
    anna.get_by_label("Public description").fill("Lawyer's fee for the first hearing")
    anna.get_by_role("button", name="Record payout").click()
    expect(anna.locator(".messagelist")).to_contain_text("Payout recorded")
    expect(anna.get_by_role("row").filter(has_text="350")).to_contain_text("Awaiting a second approval")

    # Boris has no second factor yet: his password alone opens nothing and enrols nothing.
    boris = contexts.page()
    boris.goto("/staff/")
    password_step(boris, boris_member)
    expect(boris.get_by_role("heading", name="Ask an administrator for an enrolment link")).to_be_visible()
    expect(boris.locator("figure svg")).to_have_count(0)
    link = send_enrolment_link(anna, boris_member.username)
    boris = contexts.page()
    enrol(boris, boris_member, link)
    boris.goto("/staff/disbursements/disbursement/?status__exact=awaiting")
    run_action(boris, "350", "Approve the selected payouts (a second person)…")
    # The confirmation page shows the campaign, the amount and the balance after before anything moves.
    expect(boris.get_by_role("cell", name=TITLE)).to_be_visible()
    boris.locator("div.submit-row input[type=submit]").click()
    expect(boris.locator(".messagelist")).to_contain_text("approved and paid")

    anna.goto("/staff/campaigns/campaign/")
    run_action(anna, TITLE, "Close the collection")
    expect(anna.locator(".messagelist .error")).to_have_count(0)

    donor.goto("/en/receipts/")
    donor.get_by_label("Receipt code").fill(receipt_code)
    donor.get_by_role("button", name="Check").click()
    expect(donor.get_by_role("status")).to_contain_text("Counted.")
    expect(donor.get_by_role("status")).to_contain_text("€400")

    shows_eventually(donor, f"/en/campaigns/{slug}/transparency/", "#t-spent", "€350")
    expect(donor.locator("#t-collected")).to_have_text("€415")
    expect(donor.locator("#t-spent")).to_have_text("€350")
    expect(donor.locator("ol.payouts")).to_contain_text("Lawyer's fee for the first hearing")

    shows_eventually(donor, f"/en/campaigns/{slug}/", "aside.summary", "The collection is over.")
    summary = donor.get_by_role("complementary", name="Collection")
    expect(summary).to_contain_text("The collection is over.")
    expect(summary).to_contain_text("€415")
    expect(donor.get_by_role("link", name="Donate")).to_have_count(0)
