"""Each role, logged in with password and authenticator code in Chromium, opens every
back-office page of the role table (solidarity/staff/page_access.py): the pages its row
ticks answer (200, or the page's own redirect), every other page answers 403."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from solidarity.staff.roles import Role
from tests.e2e.conftest import Contexts
from tests.e2e.harness import LiveSite, StaffMember
from tests.e2e.test_staff_journey import log_in


def _status(page: Page, path: str) -> int:
    # The browser context's own request client: the same session cookie, no redirects followed.
    return page.context.request.get(path, max_redirects=0).status


@pytest.mark.parametrize("role", [str(r) for r in Role])
def test_a_role_opens_the_pages_it_may_and_no_other(contexts: Contexts, live_site: LiveSite, role: str) -> None:
    facts = live_site.role_pages
    member = StaffMember(**facts["members"][role])
    page = contexts.page()
    log_in(page, member)
    wrong: list[str] = []
    opened = refused = 0
    for name, spec in sorted(facts["pages"].items()):
        path = facts["own_token"][role].get(name, spec["path"])
        may = role in spec["allowed"]
        if may and spec["unsampled"]:
            continue
        expected = spec["status"] if may else 403
        got = _status(page, path)
        if got != expected:
            wrong.append(f"{name} {path}: {got}, expected {expected}")
        opened += may
        refused += not may
    assert not wrong, f"{role}: " + "; ".join(wrong)
    assert opened and refused, f"{role} opened {opened} pages and was refused {refused}"
    # Still logged in and verified after all of it: the first page shows the back office.
    page.goto("/staff/")
    assert page.get_by_role("heading", name="Back office").is_visible()
