"""A family asks for help; a caseworker (password and authenticator code) sees the new
request counted on the back office's first page, reads it, keeps a case note, and turns it
into a draft campaign under a pseudonym with the family's consent, which the beneficiary's
page then shows."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Contexts
from tests.e2e.harness import LiveSite, StaffMember
from tests.e2e.test_staff_journey import log_in, run_action

REAL_NAME = "Hanna Zmitrovich-Liasnaja"


def _new_requests_count(page: Page) -> int:
    page.goto("/staff/")
    row = page.locator("#waiting-work tr").filter(has_text="New help requests")
    return int(row.locator(".waiting-count").inner_text())


def test_a_caseworker_takes_a_request_to_a_pseudonymous_draft_campaign(contexts: Contexts, live_site: LiveSite) -> None:
    caseworker = contexts.page()
    log_in(caseworker, StaffMember(**live_site.role_pages["members"]["caseworker-journey"]))
    before = _new_requests_count(caseworker)

    family = contexts.page(js=False)
    family.goto("/en/help/")
    family.get_by_label("Name of the person in detention").fill(REAL_NAME)
    family.get_by_label("What happened").fill("Detained after a search of the flat.")
    family.get_by_label("What help is needed").fill("A lawyer for the appeal.")
    family.get_by_label("How can we reach you safely?").fill("Signal: +000 111")
    family.get_by_role("button", name="Send the request").click()
    reference = family.locator("#help-reference").inner_text().strip()

    assert _new_requests_count(caseworker) == before + 1
    caseworker.locator("#waiting-work").get_by_role("link", name="New help requests").click()
    caseworker.get_by_role("link", name=reference).click()
    expect(caseworker.get_by_text(REAL_NAME)).to_be_visible()  # the caseworker reads it

    caseworker.get_by_role("link", name="Add a note").click()
    caseworker.get_by_label("Note").fill("Called the sister; the appeal is on Monday.")
    caseworker.get_by_role("button", name="Add the note").click()
    expect(caseworker.get_by_text("Called the sister; the appeal is on Monday.")).to_be_visible()

    caseworker.goto("/staff/helprequests/helprequest/")
    run_action(caseworker, reference, "Start verification")
    expect(caseworker.get_by_role("row").filter(has_text=reference)).to_contain_text("Being verified")
    run_action(caseworker, reference, "Approve and create a draft campaign…")
    caseworker.get_by_label("Public pseudonym").fill(REAL_NAME)  # a real name is refused…
    caseworker.get_by_label("Situation").select_option(label="Sentenced, serving a term")
    caseworker.get_by_label("The charges").check()
    caseworker.get_by_label("Consent given by").select_option(label="A family member")
    caseworker.get_by_label("Consent given on").fill((dt.date.today() - dt.timedelta(days=1)).isoformat())
    caseworker.get_by_role("button", name="Approve").click()
    expect(caseworker.get_by_text("The pseudonym contains the person's real name")).to_be_visible()
    caseworker.get_by_label("Public pseudonym").fill("Hanna L.")  # …a pseudonym is taken
    caseworker.get_by_role("button", name="Approve").click()
    expect(caseworker.get_by_text("approved; a draft campaign was created")).to_be_visible()

    caseworker.goto("/staff/campaigns/beneficiary/?q=Hanna+L.")
    caseworker.get_by_role("link", name="Hanna L.").click()
    expect(caseworker.get_by_text(re.compile(r"The pseudonym, The charges — given by A family member"))).to_be_visible()
    expect(caseworker.get_by_text(REAL_NAME)).to_have_count(0)
