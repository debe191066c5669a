"""Dates on campaign pages, the site-wide transparency table and charts that fit a phone."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client

from solidarity.core.formatting import format_money
from solidarity.core.money import Money
from solidarity.web.charts import CHAR_WIDTH, WIDTH, Bar, bar_chart

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    call_command("load_demo", stdout=None)
    return Client(HTTP_HOST="127.0.0.1")


def test_the_seed_page_says_when_its_story_was_written_and_last_updated(client) -> None:
    html = client.get("/en/campaigns/sergei-sakovets/").content.decode()
    assert 'Story written on <time datetime="2022-03-01">March 1, 2022</time>' in html
    assert 'last updated on <time datetime="2022-03-20">March 20, 2022</time>' in html
    be = client.get("/be/campaigns/sergei-sakovets/").content.decode()
    assert 'Гісторыя напісана <time datetime="2022-03-01">' in be
    assert '<time datetime="2021-10-11">' in html  # timeline entries carry their dates


def test_site_transparency_has_a_row_per_campaign_and_chart_legends(client) -> None:
    html = client.get("/ru/transparency/").content.decode()
    table = html[html.index('id="per-campaign"') :]
    rows = re.findall(r'<tr><th scope="row"><a href="/ru/campaigns/([\w-]+)/transparency/">', table)
    assert sorted(rows) == sorted(
        ["sergei-sakovets", "legal-defence-ihar-m", "medical-care-tatsiana-r", "children-of-andrei-l-in-exile"]
    )
    assert "1\xa0125\xa0€" in table  # the seed campaign's collected total
    assert ">Собрано</text>" in html and ">Выплачено</text>" in html  # each chart's legend


def _text_extents(svg: str) -> list[tuple[float, float, str]]:
    """(left, right, text) of every <text>, estimated generously as CHAR_WIDTH a character."""
    extents = []
    for attrs, text in re.findall(r"<text ([^>]*)>([^<]*)</text>", svg):
        x = float(re.search(r'x="([\d.]+)"', attrs).group(1))  # type: ignore[union-attr]
        width = len(text) * CHAR_WIDTH
        left = x - width if 'text-anchor="end"' in attrs else x
        extents.append((left, left + width, text))
    return extents


def test_no_label_or_figure_runs_off_a_phone_sized_chart() -> None:
    bars = [
        Bar("Collected", Money(Decimal("1750000"), "PLN")),
        Bar(
            "Transfers to the detention centre and parcels for the whole of the winter", Money(Decimal(1), "PLN"), "out"
        ),
        Bar("Balance", Money(Decimal("1749999"), "PLN")),
    ]
    svg = bar_chart(bars, title="t", legend=[("in", "Collected"), ("out", "Paid out")])
    assert f'viewBox="0 0 {WIDTH} ' in svg
    for left, right, text in _text_extents(svg):
        assert left >= 0 and right <= WIDTH, f"{text!r} runs from {left:.0f} to {right:.0f} of {WIDTH}"
    assert all(format_money(bar.value) in svg for bar in bars)
    assert svg.count("<text") == 2 + 3 + 3 + 1  # legend, figures, labels (the long one on two lines)


def test_the_per_campaign_table_comes_in_pages(client, monkeypatch) -> None:
    from solidarity.web import transparency_pages

    monkeypatch.setattr(transparency_pages, "CAMPAIGNS_PER_PAGE", 3)
    first = client.get("/en/transparency/").content.decode()
    second = client.get("/en/transparency/?page=2").content.decode()
    slugs = re.compile(r'<th scope="row"><a href="/en/campaigns/([\w-]+)/transparency/">')
    assert len(slugs.findall(first)) == 3 and len(slugs.findall(second)) == 1
    assert set(slugs.findall(first)).isdisjoint(slugs.findall(second))
    assert "Page 1 of 2" in first and 'href="?page=2#per-campaign" rel="next"' in first
    assert client.get("/en/transparency/?page=x%00").status_code == 200  # any other value: the first page
