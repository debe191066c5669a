"""Sharing that leaks nothing: preview tags and images from our own host, feeds, and the
embeddable progress badge — none sets a cookie or needs JavaScript."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from lxml import etree, html
from PIL import Image

from solidarity.campaigns.models import Update
from solidarity.campaigns.services import close_campaign
from solidarity.core.money import Money
from solidarity.donations.services import record_staff_donation
from solidarity.web.share_images import ShareCard, font, render_share_card
from tests.factories import CampaignFactory, active_campaign

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def client() -> Client:
    return Client(HTTP_HOST="127.0.0.1")


@pytest.fixture
def funded(settings):
    settings.SOLIDARITY_PUBLIC_URL = "https://solidarity.example"
    campaign = active_campaign(goal="1000", title_ru="Помощь заключённому")
    record_staff_donation(campaign=campaign, amount=Money(Decimal("250"), "EUR"), channel="cash", actor=None)
    Update.objects.create(
        campaign=campaign,
        published_on=dt.date(2026, 11, 1),
        kind="letter",
        title_en="A letter from prison",
        body_en="Thank you all.",
    )
    return campaign


def meta(page: html.HtmlElement, key: str) -> str:
    found = page.xpath(f'//meta[@property="{key}" or @name="{key}"]/@content')
    assert len(found) == 1, key
    return str(found[0])


def test_campaign_page_describes_itself_for_link_previews_with_an_image_on_our_own_host(client, funded) -> None:
    page = html.fromstring(client.get(f"/en/campaigns/{funded.slug}/").content)
    assert meta(page, "og:title") == funded.title
    assert meta(page, "og:url") == f"https://solidarity.example/en/campaigns/{funded.slug}/"
    assert meta(page, "og:image") == f"https://solidarity.example/en/campaigns/{funded.slug}/card.png"
    assert meta(page, "og:description").startswith("A story")
    assert meta(page, "twitter:card") == "summary_large_image"
    assert meta(page, "twitter:image") == meta(page, "og:image")


def test_pages_link_their_feeds(client, funded) -> None:
    home = html.fromstring(client.get("/en/").content)
    assert home.xpath('//link[@rel="alternate"][@type="application/rss+xml"]/@href') == ["/en/feeds/campaigns.rss"]
    assert home.xpath('//link[@rel="alternate"][@type="application/atom+xml"]/@href') == ["/en/feeds/campaigns.atom"]
    detail = html.fromstring(client.get(f"/ru/campaigns/{funded.slug}/").content)
    feeds = detail.xpath('//head/link[@rel="alternate"]/@href')
    assert f"/ru/campaigns/{funded.slug}/updates.rss" in feeds
    assert f"/ru/campaigns/{funded.slug}/updates.atom" in feeds


def test_share_image_is_a_cacheable_png_that_sets_no_cookie(client, funded) -> None:
    response = client.get(f"/en/campaigns/{funded.slug}/card.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "public" in response["Cache-Control"] and "max-age" in response["Cache-Control"]
    assert not response.cookies
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG" and image.size == (1200, 630)


def test_share_image_is_drawn_in_the_language_of_its_address(client, funded) -> None:
    english = client.get(f"/en/campaigns/{funded.slug}/card.png").content
    russian = client.get(f"/ru/campaigns/{funded.slug}/card.png").content
    assert english != russian


def test_the_bundled_font_draws_cyrillic_and_belarusian_letters() -> None:
    face = font(40)
    missing = face.getmask("\ue000").getbbox()  # a private-use code point: the "missing glyph" box
    for letter in "ЖжЩыЁёЎўІі€":
        assert face.getmask(letter).getbbox() != missing, letter


def test_a_long_title_is_cut_with_an_ellipsis_not_drawn_off_the_picture() -> None:
    card = ShareCard(
        site_name="Solidarity",
        title="Очень длинное название сбора " * 12,
        subtitle="Имя · В СИЗО",
        figures="250 € из 1 000 €",
        percent=25,
        finished=False,
        status_label="",
    )
    image = Image.open(io.BytesIO(render_share_card(card)))
    assert image.size == (1200, 630)


def test_a_finished_campaign_image_says_the_collection_is_over(client, funded) -> None:
    close_campaign(campaign=funded)
    response = client.get(f"/en/campaigns/{funded.slug}/card.png")
    assert response.status_code == 200


def test_drafts_have_no_image_feed_or_badge(client) -> None:
    draft = CampaignFactory()
    for path in (
        f"/en/campaigns/{draft.slug}/card.png",
        f"/en/campaigns/{draft.slug}/updates.rss",
        f"/campaigns/{draft.slug}/badge.svg",
    ):
        assert client.get(path, follow=True).status_code == 404, path


def test_rss_feed_lists_public_campaigns_with_their_figures(client, funded) -> None:
    CampaignFactory(title_en="A draft nobody may see")
    response = client.get("/en/feeds/campaigns.rss")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/rss+xml")
    assert not response.cookies and "public" in response["Cache-Control"]
    channel = etree.fromstring(response.content).find("channel")
    titles = [item.findtext("title") for item in channel.iter("item")]
    assert titles == [funded.title]
    item = next(channel.iter("item"))
    assert item.findtext("link") == f"http://127.0.0.1/en/campaigns/{funded.slug}/"
    assert "€250 of €1,000 collected" in item.findtext("description")


def test_atom_feed_in_russian(client, funded) -> None:
    response = client.get("/ru/feeds/campaigns.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = etree.fromstring(response.content)
    assert feed.find(f"{ATOM}entry/{ATOM}title").text == "Помощь заключённому"


def test_campaign_updates_feeds(client, funded) -> None:
    rss = etree.fromstring(client.get(f"/en/campaigns/{funded.slug}/updates.rss").content)
    item = next(rss.iter("item"))
    assert item.findtext("title") == "A letter from prison"
    assert item.findtext("link").endswith(f"/en/campaigns/{funded.slug}/#update-{funded.updates.get().pk}")
    atom = etree.fromstring(client.get(f"/en/campaigns/{funded.slug}/updates.atom").content)
    assert atom.find(f"{ATOM}entry/{ATOM}summary").text == "Thank you all."


def test_badge_is_valid_svg_with_no_cookie_and_no_script(client, funded) -> None:
    response = client.get(f"/campaigns/{funded.slug}/badge.svg")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert not response.cookies and "public" in response["Cache-Control"]
    svg = etree.fromstring(response.content)
    assert svg.tag == f"{SVG}svg"
    assert int(svg.get("width")) > 50 and svg.get("height") == "20"
    assert not list(svg.iter(f"{SVG}script")) and b"javascript:" not in response.content
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts == ["Solidarity", "€250 of €1,000"]
    assert svg.findtext(f"{SVG}title") == f"{funded.title}: €250 of €1,000 collected"


def test_badge_under_a_language_prefix_speaks_that_language(client, funded) -> None:
    svg = etree.fromstring(client.get(f"/ru/campaigns/{funded.slug}/badge.svg").content)
    assert [t.text for t in svg.iter(f"{SVG}text")][1] == "250\xa0€ из 1\xa0000\xa0€"


def test_badge_of_a_finished_campaign(client, funded) -> None:
    close_campaign(campaign=funded)
    svg = etree.fromstring(client.get(f"/campaigns/{funded.slug}/badge.svg").content)
    assert [t.text for t in svg.iter(f"{SVG}text")][1] == "collected €250 · closed"
