"""The public campaign page says when the story was last changed, and only a change of the
story's text (in any language) counts."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from solidarity.campaigns.models import Campaign
from tests.factories import active_campaign


@pytest.mark.django_db
def test_only_a_change_of_the_story_moves_its_date_and_the_page_shows_it() -> None:
    campaign = active_campaign(story_en="Detained in May.", story_ru="Задержан в мае.")
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
    assert 'id="story-updated"' in html and "Story last changed on" in html
    assert str(changed.year) in html


@pytest.mark.django_db
def test_a_story_never_changed_shows_no_date() -> None:
    campaign = active_campaign()
    cache.clear()
    html = Client().get(f"/en/campaigns/{campaign.slug}/").content.decode()
    assert 'id="story-updated"' not in html and "Story last changed" not in html
