from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from solidarity.campaigns.services import close_campaign
from solidarity.core.money import Money
from solidarity.donations.services import record_staff_donation
from tests.factories import CampaignFactory, TimelineEventFactory, active_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client()


def test_root_redirects_by_accept_language_without_a_cookie(client) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9,en;q=0.5")
    assert response.status_code == 302
    assert response["Location"] == "/ru/"
    assert "Accept-Language" in response["Vary"]
    assert not response.cookies
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de")["Location"] == "/en/"


@pytest.mark.parametrize("path", ["/en/", "/ru/", "/be/", "/en/campaigns/", "/en/about/", "/en/privacy/"])
def test_reader_pages_render_without_cookies(client, campaign, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert not response.cookies


def test_campaign_page_shows_needs_goal_progress_and_timeline(client, staff_user) -> None:
    campaign = active_campaign(goal="1100")
    TimelineEventFactory(
        beneficiary=campaign.beneficiary, kind="transferred", place_en="Pre-trial detention centre No. 1"
    )
    record_staff_donation(campaign=campaign, amount=Money(Decimal(550), "EUR"), channel="cash", actor=staff_user)
    html = client.get(f"/en/campaigns/{campaign.slug}/").content.decode()
    assert "€1,100" in html and "€550" in html
    assert '<progress max="110000" value="55000"' in html
    assert "Pre-trial detention centre No. 1" in html
    assert "Still needed: €550" in html
    assert "The collection is over" not in html


def test_closed_and_overfunded_campaign_says_so(client, staff_user) -> None:
    campaign = active_campaign(goal="1100")
    record_staff_donation(campaign=campaign, amount=Money(Decimal(1125), "EUR"), channel="cash", actor=staff_user)
    close_campaign(campaign=campaign)
    html = client.get(f"/en/campaigns/{campaign.slug}/").content.decode()
    assert "The collection is over." in html
    assert "€1,125" in html
    assert "Overfunded by €25." in html


def test_draft_campaign_is_not_public(client) -> None:
    draft = CampaignFactory()
    assert client.get(f"/en/campaigns/{draft.slug}/").status_code == 404
    assert draft.title not in client.get("/en/campaigns/").content.decode()


def test_list_filters_by_state_category_and_text(client, staff_user) -> None:
    open_one = active_campaign(title_en="Open lawyer case")
    finished = active_campaign(title_en="Finished family case")
    close_campaign(campaign=finished)
    assert "Open lawyer case" in client.get("/en/campaigns/?status=active").content.decode()
    assert "Finished family case" not in client.get("/en/campaigns/?status=active").content.decode()
    assert "Finished family case" in client.get("/en/campaigns/?status=closed").content.decode()
    assert "Open lawyer case" not in client.get("/en/campaigns/?category=medical").content.decode()
    assert "Open lawyer case" in client.get("/en/campaigns/?category=legal_aid").content.decode()
    searched = client.get("/en/campaigns/?q=LAWYER").content.decode()
    assert "Open lawyer case" in searched and "Finished family case" not in searched
    assert open_one.slug in searched


def test_language_switcher_links_to_the_same_page(client, campaign) -> None:
    html = client.get(f"/en/campaigns/{campaign.slug}/").content.decode()
    assert f'href="/ru/campaigns/{campaign.slug}/"' in html
    assert f'href="/be/campaigns/{campaign.slug}/"' in html


def test_posting_to_a_reader_page_is_refused(client, campaign) -> None:
    assert client.post("/en/").status_code == 405
