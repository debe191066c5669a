"""The load-data generator writes balanced synthetic data, and only where it is told to."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from solidarity.campaigns.models import Campaign
from solidarity.ledger.models import Posting
from solidarity.ledger.verification import verify_ledger


@pytest.mark.django_db(transaction=True)
def test_generates_balanced_campaigns_and_postings(on_postgres, settings) -> None:
    settings.DEBUG = True
    call_command("generate_load_data", "--campaigns", "30", "--postings", "400", stdout=StringIO(), stderr=StringIO())
    assert Campaign.objects.count() == 30
    assert Posting.objects.count() == 400
    assert not verify_ledger().problems


@pytest.mark.django_db
def test_refuses_a_database_that_is_not_empty(on_postgres, campaign, settings) -> None:
    settings.DEBUG = True
    with pytest.raises(CommandError, match="--force"):
        call_command("generate_load_data", "--campaigns", "1", "--postings", "2")


@pytest.mark.django_db
def test_refuses_production_settings_without_yes(on_postgres, settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--yes"):
        call_command("generate_load_data", "--campaigns", "1", "--postings", "2")
