"""Named gifts: a donor's chosen name and message on the campaign page, its feed and the
public API; amounts only when asked; staff can hide an entry; everyone else anonymous."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client

from solidarity.core import caching
from solidarity.core.errors import DomainError, InvalidTransition, NotAllowed
from solidarity.core.money import Money
from solidarity.donations.intents import create_donation_intent
from solidarity.donations.models import Donation
from solidarity.donations.services import record_staff_donation
from solidarity.donations.settlement import settle_donation
from solidarity.donations.supporters import campaign_supporters, hide_public_entry, show_public_entry
from solidarity.ledger.models import AccountPurpose
from solidarity.staff.models import AuditEntry
from tests.api.conftest import staff_token
from tests.core.test_caching import fresh_caches  # noqa: F401  (autouse: both page caches empty)
from tests.factories import staff_with_role
from tests.public_forms import FormClient

pytestmark = pytest.mark.django_db


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def gift(campaign, staff_user, amount: str = "10", **public) -> Donation:
    return record_staff_donation(
        campaign=campaign, amount=eur(amount), channel="cash", actor=staff_user, **public
    ).donation


def test_the_list_is_newest_first_with_the_day_and_amounts_only_when_asked(campaign, staff_user) -> None:
    gift(campaign, staff_user, "30", public_name="Anna", received_on=dt.date(2026, 3, 1))
    gift(campaign, staff_user, "40", message="Hold on!", show_amount=True, received_on=dt.date(2026, 3, 5))
    gift(campaign, staff_user, "50")  # anonymous
    supporters = campaign_supporters(campaign)
    assert [(e.name, e.message, e.day, e.amount) for e in supporters.entries] == [
        ("", "Hold on!", dt.date(2026, 3, 5), eur("40")),
        ("Anna", "", dt.date(2026, 3, 1), None),
    ]
    assert (supporters.named, supporters.anonymous) == (2, 1)


def test_a_pending_or_expired_gift_names_nobody(campaign) -> None:
    create_donation_intent(campaign=campaign, amount=eur("20"), channel="bank_transfer", public_name="Boris")
    assert campaign_supporters(campaign).entries == []


def test_a_settled_transfer_shows_its_name(campaign) -> None:
    intent = create_donation_intent(
        campaign=campaign, amount=eur("20"), channel="bank_transfer", public_name="Boris", show_amount=True
    )
    settle_donation(
        donation=intent.donation,
        received=eur("25"),
        settled_on=dt.date(2026, 4, 2),
        asset=AccountPurpose.BANK,
        key="t1",
    )
    (entry,) = campaign_supporters(campaign).entries
    assert (entry.name, entry.amount, entry.day) == ("Boris", eur("25"), dt.date(2026, 4, 2))


def test_staff_hide_an_entry_with_a_reason_audited_and_it_counts_as_anonymous(campaign, staff_user) -> None:
    donation = gift(campaign, staff_user, public_name="Insult")
    with pytest.raises(DomainError, match="Say why"):
        hide_public_entry(donation=donation, actor=staff_user, reason=" ")
    hide_public_entry(donation=donation, actor=staff_user, reason="abusive")
    supporters = campaign_supporters(campaign)
    assert (supporters.entries, supporters.named, supporters.anonymous) == ([], 0, 1)
    entry = AuditEntry.objects.get(action="donation.hide_public_entry")
    assert entry.actor == staff_user and entry.summary["reason"] == "abusive"
    with pytest.raises(InvalidTransition):
        hide_public_entry(donation=donation, actor=staff_user, reason="again")
    show_public_entry(donation=donation, actor=staff_user)
    assert [e.name for e in campaign_supporters(campaign).entries] == ["Insult"]
    assert AuditEntry.objects.filter(action="donation.show_public_entry").count() == 1


def test_a_reviewer_cannot_hide_an_entry(campaign, staff_user) -> None:
    donation = gift(campaign, staff_user, public_name="Anna")
    with pytest.raises(NotAllowed):
        hide_public_entry(donation=donation, actor=staff_with_role("reviewer"), reason="no")


def test_the_campaign_page_shows_names_and_messages_escaped(campaign, staff_user) -> None:
    gift(campaign, staff_user, "12", public_name="<b>Olga</b>", message="<script>alert(1)</script>\nStay strong")
    gift(campaign, staff_user, "99")
    html = Client().get(f"/ru/campaigns/{campaign.slug}/").content.decode()
    section = html[html.index('id="supporters"') :]
    assert "&lt;b&gt;Olga&lt;/b&gt;" in section and "<b>Olga</b>" not in section
    assert "&lt;script&gt;" in section and "<script>alert" not in html
    assert "<p>Stay strong</p>" in section
    assert "Анонимных пожертвований: 1" in section
    assert "12" not in re.sub(r"<[^>]+>", "", section.split("</section>")[0]).replace("2026", "")


def test_a_named_cash_gift_from_the_staff_api_shows_at_once_despite_the_page_cache(
    campaign, settings, django_capture_on_commit_callbacks
) -> None:
    settings.SOLIDARITY_READER_RENDER_CACHE = True
    settings.SOLIDARITY_READER_MAX_AGE = 300  # long enough that only invalidation can explain a fresh page
    reader = Client()
    page = f"/en/campaigns/{campaign.slug}/"
    assert "Katsiaryna" not in reader.get(page).content.decode()
    finance = staff_token("finance")
    body = {
        "campaign": campaign.slug,
        "amount": {"amount": "15.00", "currency": "EUR"},
        "channel": "cash",
        "public_name": "Katsiaryna",
        "message": "From the neighbours",
        "show_amount": True,
    }
    api = Client(HTTP_HOST="127.0.0.1")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/staff/donations", body, content_type="application/json", headers=finance.headers)
    assert response.status_code == 201
    caching._local.clear()  # another app server's copy: only the shared cache is left
    html = reader.get(page).content.decode()
    assert "Katsiaryna" in html and "From the neighbours" in html and "€15" in html


def test_hiding_an_entry_takes_it_off_the_cached_page(
    campaign, staff_user, settings, django_capture_on_commit_callbacks
) -> None:
    settings.SOLIDARITY_READER_RENDER_CACHE = True
    settings.SOLIDARITY_READER_MAX_AGE = 300
    donation = gift(campaign, staff_user, public_name="Mallory")
    page = f"/en/campaigns/{campaign.slug}/"
    assert "Mallory" in Client().get(page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        hide_public_entry(donation=donation, actor=staff_user, reason="asked to be removed")
    assert "Mallory" not in Client().get(page).content.decode()


def test_the_feed_and_the_api_carry_the_entries(campaign, staff_user) -> None:
    gift(campaign, staff_user, "20", public_name="Anna", message="Hold on", show_amount=True)
    gift(campaign, staff_user, "30")
    feed = Client().get(f"/en/campaigns/{campaign.slug}/updates.rss").content.decode()
    assert "Anna gave €20" in feed and "Hold on" in feed and "#supporter-" in feed
    body = Client(HTTP_HOST="127.0.0.1").get(f"/api/v1/campaigns/{campaign.slug}/supporters").json()
    assert body["named"] == 1 and body["anonymous"] == 1
    (item,) = body["items"]
    assert item["name"] == "Anna" and item["message"] == "Hold on"
    assert item["amount"] == {"amount": "20.00", "currency": "EUR", "minor": 2000}


@pytest.mark.parametrize(
    ("lang", "name_error", "message_error"),
    [
        ("en", "at most 80 characters", "at most 500 characters"),
        ("ru", "не более 80 символов", "не более 500 символов"),
        ("be", "не болей 80 сімвалаў", "не болей 500 сімвалаў"),
    ],
)
def test_a_too_long_name_or_message_comes_back_with_the_error_beside_it(
    campaign, lang: str, name_error: str, message_error: str
) -> None:
    form = {
        "other_amount": "25",
        "currency": "EUR",
        "recurrence": "one_off",
        "channel": "bank_transfer",
        "public_name": "n" * 81,
        "message": "m" * 501,
    }
    response = FormClient(HTTP_HOST="127.0.0.1").post(f"/{lang}/campaigns/{campaign.slug}/donate/", form)
    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(r'id="err-name">[^<]*' + re.escape(name_error), html)
    assert re.search(r'id="err-message">[^<]*' + re.escape(message_error), html)
    assert "m" * 501 in html  # what the donor typed is given back to shorten
    assert not Donation.objects.exists()


def test_the_donate_form_keeps_the_choice_to_show_the_amount(campaign) -> None:
    form = {
        "other_amount": "25",
        "currency": "EUR",
        "recurrence": "one_off",
        "channel": "bank_transfer",
        "public_name": "Anna",
        "show_amount": "on",
    }
    FormClient(HTTP_HOST="127.0.0.1").post(f"/en/campaigns/{campaign.slug}/donate/", form)
    assert Donation.objects.get().show_amount is True


def test_the_back_office_hides_an_entry_after_asking_why(campaign) -> None:
    from tests.donations.test_refund_requests_back_office import office_for

    editor = staff_with_role("finance", "fin-hide")
    donation = gift(campaign, editor, public_name="Real Name Of A Relative")
    office = office_for(editor)
    picked = {"action": "hide_public_entries", "_selected_action": [donation.pk]}
    page = office.post("/staff/donations/donation/", picked)
    assert page.status_code == 200 and "Your reason goes into the audit log" in page.content.decode()
    office.post("/staff/donations/donation/", {**picked, "confirm": "yes", "reason": "names a relative"})
    donation.refresh_from_db()
    assert donation.public_hidden_at is not None and donation.public_hidden_by == editor
    assert "Real Name Of A Relative" not in Client().get(f"/en/campaigns/{campaign.slug}/").content.decode()
