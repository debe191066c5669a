"""The back office as a staff member who reads Russian sees it in Chromium.

Elena logs in with her password and the code from her authenticator app, her browser asking
for Russian; the first page, the donations and payouts lists, a donation, a payout, the
campaign's change page, the packages' pages (authenticator apps, background tasks) and a
page her role may not open show no English words of the interface, no storage fields
("minor"), and none is wider than the 1280 px window. Her authenticator's secret shows nowhere.
Right after a family sends a request for help (in Russian, without JavaScript), her first
page counts it. Every list, its add page and its first row are then walked in Russian and
in Belarusian.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Contexts
from tests.e2e.harness import LiveSite, StaffMember
from tests.e2e.test_staff_journey import totp_code

# Whole words of the interface that must not be left in English.
ENGLISH = (
    "Add",
    "Save",
    "Delete",
    "Change",
    "History",
    "Search",
    "Amount",
    "Campaign",
    "Donation",
    "Payout",
    "Status",
    "Device",
    "devices",
    "Confirmed",
    "Key",
    "Tasks",
    "Backend",
    "Forbidden",
)


# What the login's two steps say, by the browser's language: the button that sends the
# password, the authenticator code's label, the button that sends it, the first page's heading.
LOGIN_WORDS = {
    "ru-RU": ("Войти", "Код из приложения-аутентификатора", "Подтвердить", "Служебный раздел"),
    "be-BY": ("Увайсьці", "Код з праграмы-аўтэнтыфікатара", "Пацвердзіць", "Службовы раздзел"),
}


def log_in_in(page: Page, member: StaffMember, locale: str = "ru-RU") -> None:
    """Password, then the authenticator's code, on pages in the browser's language."""
    log_in, code_label, verify, heading = LOGIN_WORDS[locale]
    page.goto("/staff/")
    expect(page).to_have_url(re.compile(r"/staff/login/"))
    assert english_left(page) == []
    page.locator("input[name=username]").fill(member.username)
    page.locator("input[name=password]").fill(member.password)
    page.get_by_role("button", name=log_in).click()
    expect(page).to_have_url(re.compile(r"/staff/two-factor/"))
    assert english_left(page) == []
    page.get_by_label(code_label).fill(totp_code(bytes.fromhex(member.totp_key_hex)))
    page.get_by_role("button", name=verify).click()
    expect(page.get_by_role("heading", name=heading)).to_be_visible()


# The interface of a back-office page, without the data in its cells and fields (a bank's
# CSV columns are called "Amount"): headings, labels, column heads, help, buttons, links.
INTERFACE = (
    "h1, h2, h3, label, th, .help, .breadcrumbs, caption,"
    " .object-tools, .submit-row, #changelist-filter summary, #changelist-filter h3, .paginator"
)


def english_left(page: Page, interface_only: bool = False) -> list[str]:
    text = "\n".join(page.locator(INTERFACE).all_inner_texts()) if interface_only else page.locator("body").inner_text()
    found = [word for word in ENGLISH if re.search(rf"\b{word}\b", text)]
    if re.search(r"minor", text, re.IGNORECASE):
        found.append("minor")
    return found


def wider_than_window(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth > 1280"))


# Boxes that scroll sideways inside the page (a list wider than the room beside its filters);
# a select box's long options do not count.
SCROLLING_BOXES = """[...document.querySelectorAll('body *')]
  .filter(e => e.tagName !== 'SELECT' && e.scrollWidth > e.clientWidth + 1
               && ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))
  .map(e => `${e.id || e.className || e.tagName} ${e.scrollWidth} px in ${e.clientWidth} px`)"""


def new_help_requests(page: Page) -> int:
    page.goto("/staff/")
    row = page.locator("#waiting-work tr").filter(has_text="Новые просьбы о помощи")
    return int(row.locator(".waiting-count").inner_text())


def test_a_request_a_family_sends_is_counted_on_the_russian_first_page_at_once(
    contexts: Contexts, live_site: LiveSite
) -> None:
    elena = next(member for member in live_site.staff if member.username == "elena")
    page = contexts.page(locale="ru-RU", viewport={"width": 1280, "height": 900})
    log_in_in(page, elena)
    before = new_help_requests(page)

    family = contexts.page(js=False)
    family.goto("/ru/help/")
    family.get_by_label("Имя задержанного человека").fill("Ганна Змитрович")
    family.get_by_label("Что произошло").fill("Задержали после обыска в квартире.")
    family.get_by_label("Какая помощь нужна").fill("Адвокат для апелляции.")
    family.get_by_label("Как безопасно с вами связаться?").fill("Signal: +000 222")
    family.get_by_role("button", name="Отправить обращение").click()
    expect(family.locator("#help-reference")).to_be_visible()

    assert new_help_requests(page) == before + 1
    assert english_left(page) == []


def rows(page: Page, list_path: str) -> list[str]:
    """The list page, and its first row's page where the list has one."""
    page.goto(list_path)
    links = page.locator("#result_list tbody tr th a, #result_list tbody tr td a")
    return [list_path] + ([links.first.get_attribute("href") or ""] if links.count() else [])


def test_a_russian_reader_sees_the_back_office_in_russian_and_within_the_window(
    contexts: Contexts, live_site: LiveSite
) -> None:
    elena = next(member for member in live_site.staff if member.username == "elena")
    page = contexts.page(locale="ru-RU", viewport={"width": 1280, "height": 900})
    log_in_in(page, elena)
    page.goto(f"/staff/campaigns/campaign/?q={live_site.staff_journey_slug}")
    campaign_page = page.get_by_role("link", name="Адвокат для Александра К.").get_attribute("href") or ""
    pages = [
        "/staff/",
        "/staff/donations/donation/",
        "/staff/disbursements/disbursement/",
        rows(page, "/staff/donations/donation/")[1],
        rows(page, "/staff/disbursements/disbursement/")[1],
        campaign_page,
        *rows(page, f"/staff/otp_totp/totpdevice/?q={elena.username}"),
        *rows(page, "/staff/django_tasks_database/dbtaskresult/"),
        "/staff/ledger/account/add/",  # nobody adds accounts by hand: the page refuses
    ]
    problems = {}
    for path in pages:
        assert path.startswith("/staff/"), pages
        page.goto(path)
        expect(page.locator("#content, main").first).to_be_visible()
        found = english_left(page)
        if elena.totp_key_hex in page.content():
            found.append("the authenticator's secret")
        if wider_than_window(page):
            found.append(f"scrollWidth {page.evaluate('document.documentElement.scrollWidth')}")
        if found:
            problems[path] = found
    assert problems == {}


@pytest.mark.parametrize("locale", LOGIN_WORDS)
def test_every_back_office_page_fits_the_window_and_speaks_the_staff_members_language(
    contexts: Contexts, live_site: LiveSite, locale: str
) -> None:
    """Each list on the first page, its add page and its first row, in Russian and in
    Belarusian: no English interface words, within 1280 px, and nothing on it scrolls
    sideways in its own box (test_backoffice_language.py reads the same pages' whole text)."""
    elena = next(member for member in live_site.staff if member.username == "elena")
    page = contexts.page(locale=locale, viewport={"width": 1280, "height": 900})
    log_in_in(page, elena, locale)
    page.goto("/staff/")
    lists = sorted(
        {
            href
            for href in page.locator("#content-main a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
            if href and href.endswith("/") and href.count("/") == 4
        }
    )
    assert len(lists) > 20, lists
    paths = []
    for list_path in lists:
        paths += rows(page, list_path)
        add = page.locator("a.addlink").first
        if add.count():
            paths.append(add.get_attribute("href") or "")
    problems = {}
    for path in paths:
        page.goto(path)
        found = english_left(page, interface_only=True) + page.evaluate(SCROLLING_BOXES)
        if wider_than_window(page):
            found.append(f"scrollWidth {page.evaluate('document.documentElement.scrollWidth')}")
        if found:
            problems[path] = found
    assert problems == {}
