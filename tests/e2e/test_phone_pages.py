"""A reader on a 375 px phone without JavaScript, in English, Russian and Belarusian.

The transparency charts fit the screen with every label and figure whole, the site-wide
page has its per-campaign table and legends, the seed campaign says when its story was
written and last updated and dates its timeline, and the API reference reads without
JavaScript.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE, Contexts

SEED = "sergei-sakovets"
LEGEND = {"en": ("Collected", "Paid out"), "ru": ("Собрано", "Выплачено"), "be": ("Сабрана", "Выплачана")}
WRITTEN = {"en": "Story written on", "ru": "История написана", "be": "Гісторыя напісана"}


@pytest.fixture
def phone(contexts: Contexts) -> Page:
    return contexts.page(js=False, viewport=PHONE)


def assert_nothing_runs_off_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a {PHONE['width']} px screen"


def assert_charts_whole(page: Page) -> int:
    """Every label and figure of every chart lies inside its chart and inside the screen."""
    charts = page.locator("svg.chart")
    for i in range(charts.count()):
        chart = charts.nth(i)
        frame = chart.bounding_box()
        assert frame and frame["x"] >= 0 and frame["x"] + frame["width"] <= PHONE["width"]
        texts = chart.locator("text")
        assert texts.count() > 0
        for j in range(texts.count()):
            box = texts.nth(j).bounding_box()
            label = texts.nth(j).text_content()
            assert box, label
            assert box["x"] >= frame["x"] - 0.5, f"{label!r} starts left of its chart"
            assert box["x"] + box["width"] <= frame["x"] + frame["width"] + 0.5, f"{label!r} is cut at the right"
            assert box["height"] >= 9, f"{label!r} is too small to read ({box['height']:.1f} px)"
    return charts.count()


@pytest.mark.parametrize("lang", ["en", "ru", "be"])
def test_site_transparency_on_a_phone(phone: Page, lang: str) -> None:
    phone.goto(f"/{lang}/transparency/")
    assert assert_charts_whole(phone) >= 1
    collected, paid_out = LEGEND[lang]
    legend = phone.locator("svg.chart text")
    expect(legend.filter(has_text=collected).first).to_be_visible()
    expect(legend.filter(has_text=paid_out).first).to_be_visible()
    rows = phone.locator("#per-campaign tbody tr")
    assert rows.count() >= 4
    expect(phone.locator(f'#per-campaign a[href="/{lang}/campaigns/{SEED}/transparency/"]')).to_be_visible()
    assert_nothing_runs_off_the_screen(phone)


@pytest.mark.parametrize("lang", ["en", "ru", "be"])
def test_campaign_transparency_on_a_phone(phone: Page, lang: str) -> None:
    phone.goto(f"/{lang}/campaigns/{SEED}/transparency/")
    assert assert_charts_whole(phone) == 1
    assert_nothing_runs_off_the_screen(phone)


@pytest.mark.parametrize("lang", ["en", "ru", "be"])
def test_the_seed_campaign_on_a_phone_carries_its_dates(phone: Page, lang: str) -> None:
    phone.goto(f"/{lang}/campaigns/{SEED}/")
    dates = phone.locator(".story-dates")
    expect(dates).to_contain_text(WRITTEN[lang])
    expect(dates.locator('time[datetime="2022-03-01"]')).to_be_visible()
    expect(dates.locator('time[datetime="2022-03-20"]')).to_be_visible()
    expect(phone.locator("ol.timeline time")).to_have_count(6)
    expect(phone.locator(".untranslated")).to_have_count(0)
    assert_nothing_runs_off_the_screen(phone)


def test_the_api_reference_reads_on_a_phone_without_javascript(phone: Page) -> None:
    phone.goto("/api/v1/reference/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Solidarity API 1")
    expect(phone.locator("section.api-op").first).to_be_visible()
    expect(phone.locator("section.api-schema").first).to_be_attached()
    assert_nothing_runs_off_the_screen(phone)
