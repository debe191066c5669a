"""Campaign content in the reader's language, or marked as another language when it is not.

A Belarusian reader of the seed campaign reads Belarusian: story, needs, timeline, the
beneficiary's name, charges, update and payout descriptions. Where staff have not
translated something yet, the page says so and marks the text with its language.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from solidarity.demo import seed_story as seed
from tests.factories import active_campaign

pytestmark = pytest.mark.django_db

VOID = {"meta", "link", "br", "img", "input", "hr", "source", "col", "area", "wbr"}
# Names that stay in Latin letters on every page: the site's, services', formats and file names.
LATIN_NAMES = {
    "Solidarity", "Instagram", "Atom", "RSS", "cookie", "IBAN", "BIC", "SVG", "PNG", "CSV", "JSON", "PDF", "JPEG",
    "WebP", "Stripe", "Tor", "Browser", "Signal", "Telegram", "Certificate", "Transparency", "zip", "json", "pem",
    "public", "key", "checkpoint", "entries",
}  # fmt: skip
READER_PAGES = [
    "/", "/campaigns/", "/campaigns/sergei-sakovets/", "/campaigns/sergei-sakovets/transparency/",
    "/campaigns/legal-defence-ihar-m/", "/campaigns/legal-defence-ihar-m/donate/", "/receipts/", "/transparency/",
    "/transparency/log/", "/about/", "/privacy/", "/help/",
]  # fmt: skip


class TextByLanguage(HTMLParser):
    """Visible text of a page, each piece with the language of its nearest `lang` ancestor."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, str | None]] = []
        self.texts: list[tuple[str | None, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.open.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag: str) -> None:
        while self.open and self.open.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        if data.strip() and not any(tag in ("script", "style", "title", "code", "pre") for tag, _ in self.open):
            # lang="" is HTML's "language unknown": what a donor wrote, in their own words.
            lang = next((lang for _, lang in reversed(self.open) if lang is not None), None)
            self.texts.append((lang, data.strip()))


def texts_in(html: str, lang: str) -> list[str]:
    parser = TextByLanguage()
    parser.feed(html)
    return [text for text_lang, text in parser.texts if text_lang == lang]


@pytest.fixture
def demo() -> None:
    call_command("load_demo", stdout=None)


@pytest.fixture
def client() -> Client:
    return Client(HTTP_HOST="127.0.0.1")


@pytest.mark.parametrize("lang", ["ru", "be"])
@pytest.mark.parametrize("path", READER_PAGES)
def test_russian_and_belarusian_pages_hold_no_other_language_outside_marked_elements(demo, client, lang, path) -> None:
    response = client.get(f"/{lang}{path}")
    assert response.status_code == 200
    for text in texts_in(response.content.decode(), lang):
        if lang == "be":
            assert not re.search("[ищъ]", text), f"Russian letters on a Belarusian page: {text[:120]!r}"
        words = set(re.findall(r"[A-Za-z]{3,}", text)) - LATIN_NAMES
        english = {w for w in words if not re.fullmatch("[A-Z]{3}", w)}  # ISO currency codes stay
        assert not english, f"English on a Belarusian page: {sorted(english)} in {text[:120]!r}"


def test_the_belarusian_seed_page_tells_the_story_in_belarusian(demo, client) -> None:
    html = client.get("/be/campaigns/sergei-sakovets/").content.decode()
    assert seed.NAME_BE in html and "Sergei Sakovets" not in html
    assert seed.STORY_BE.splitlines()[0] in html
    assert seed.CHARGES_BE in html
    assert seed.TIMELINE[-1][5] in html  # a place in Belarusian
    assert seed.NEEDS[0][4] in html
    assert seed.CLOSING_UPDATE["be"][0] in html
    assert "untranslated" not in html  # everything on it is translated
    transparency = client.get("/be/campaigns/sergei-sakovets/transparency/").content.decode()
    assert seed.DISBURSEMENTS[0][6] in transparency


def test_missing_belarusian_text_shows_the_russian_one_marked_and_noted(demo, client) -> None:
    html = client.get("/be/campaigns/legal-defence-ihar-m/").content.decode()
    story = "Игорь вёл местный новостной канал."
    assert re.search(r'<div lang="ru"><p>' + story, html)
    assert "яшчэ не перакладзена" in html
    assert "Ігар М." in html  # the name is translated, so it is not marked


def test_a_text_written_only_in_english_is_marked_english_on_the_russian_page(client) -> None:
    with translation.override("en"):  # staff wrote it in English (a request before may have left "be" active)
        campaign = active_campaign(currency="EUR", goal="100")
    html = client.get(f"/ru/campaigns/{campaign.slug}/").content.decode()
    assert f'<span lang="en">{campaign.title_en}</span>' in html
    assert "ещё не переведено" in html
    english = client.get(f"/en/campaigns/{campaign.slug}/").content.decode()
    assert 'class="untranslated"' not in english
