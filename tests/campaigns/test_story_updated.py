"""The public campaign page says when the story was last changed, and only a change of the
story's text (in any language) counts. The page's "last updated on" (campaigns.selectors.story_dates)
appears only after the day the story was written, so the campaigns here were published before."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from solidarity.campaigns.models import Campaign
from tests.factories import active_campaign


@pytest.mark.django_db
def test_only_a_change_of_the_story_moves_its_date_and_the_page_shows_it() -> None:
    campaign = active_campaign(story_en="Detained in May.", story_ru="Задержан в мае.")
    Campaign.objects.filter(pk=campaign.pk).update(published_at=timezone.now() - dt.timedelta(days=30))
    campaign.refresh_from_db()
    assert campaign.story_updated_at is None

    campaign.title_en = "A new title"
    campaign.save()
    assert Campaign.objects.get(pk=campaign.pk).story_updated_at is None

    campaign.story_ru = "Задержан в мае; суд в июле."
    campaign.save(update_fields=["story_ru"])
    changed = Campaign.objects.get(pk=campaign.pk).story_updated_at
    assert changed is not None

    campaign.refresh_from_db()
    campaign.deadline = None
    campaign.save()
    assert Campaign.objects.get(pk=campaign.pk).story_updated_at == changed

    cache.clear()
    html = Client().get(f"/en/campaigns/{campaign.slug}/").content.decode()
    assert "last updated on" in html
    assert f'<time datetime="{changed.date():%Y-%m-%d}">' in html


@pytest.mark.django_db
def test_a_story_never_changed_shows_no_date() -> None:
    campaign = active_campaign()
    Campaign.objects.filter(pk=campaign.pk).update(published_at=timezone.now() - dt.timedelta(days=30))
    cache.clear()
    html = Client().get(f"/en/campaigns/{campaign.slug}/").content.decode()
    assert "Story written on" in html and "last updated on" not in html
