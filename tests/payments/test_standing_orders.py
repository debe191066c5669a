"""Standing orders (issue 16.4): a monthly bank-transfer gift has one reference that stays
valid; each transfer quoting it is matched automatically as the pledge's next donation,
settled and in the ledger; the pledge's secret link lists the transfers received."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from solidarity.campaigns.funds import campaign_totals
from solidarity.core.money import Money
from solidarity.donations.models import Channel, Donation, DonationStatus, Pledge, PledgeStatus, Recurrence
from solidarity.ledger.verification import verify_ledger
from solidarity.payments import reconciliation
from solidarity.payments.models import BankLine
from tests.donations.test_donate_flow import bank_form, client  # noqa: F401  (the form client fixture)
from tests.payments.test_reconciliation import run

pytestmark = pytest.mark.django_db


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def start_standing_order(client, campaign, amount: str = "20", lang: str = "en") -> tuple[str, str]:  # noqa: F811
    """The donor asks for a monthly bank transfer; returns (reference, manage link)."""
    response = client.post(
        f"/{lang}/campaigns/{campaign.slug}/donate/", bank_form(recurrence="monthly", other_amount=amount)
    )
    assert response.status_code == 200, response.content.decode()[-2000:]
    html = response.content.decode()
    reference = re.search(r'id="bank-reference">([^<]+)<', html).group(1).replace(" ", "")  # type: ignore[union-attr]
    manage = re.search(r'id="manage-link" href="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    assert 'id="standing-order"' in html and 'id="reference-valid"' in html
    return reference, manage


def month(reference: str, day: str, amount: str = "20.00") -> dict[str, str]:
    return {"amount": amount, "text": reference, "day": day, "bank_ref": f"SO-{day}"}


def test_a_monthly_bank_gift_gets_a_standing_reference_and_a_secret_link(client, campaign) -> None:  # noqa: F811
    reference, manage = start_standing_order(client, campaign)
    pledge = Pledge.objects.get()
    assert (pledge.channel, pledge.bank_reference, pledge.status) == (Channel.BANK_TRANSFER, reference, "pending")
    first = Donation.objects.get()
    assert (first.pledge, first.recurrence, first.bank_reference) == (pledge, Recurrence.MONTHLY, reference)
    page = client.get(manage).content.decode()
    assert "No transfer has arrived yet" in page and reference in page.replace(" ", "")


def test_each_transfer_with_the_reference_becomes_the_next_settled_donation(client, campaign, staff_user) -> None:  # noqa: F811
    reference, manage = start_standing_order(client, campaign)
    summary = run(
        [month(reference, "2026-09-03"), month(reference, "2026-10-03"), month(reference, "2026-11-03", "25.00")],
        staff_user,
    )
    assert (summary.matched, summary.unmatched) == (3, 0)
    pledge = Pledge.objects.get()
    assert pledge.status == PledgeStatus.ACTIVE
    months = list(pledge.donations.order_by("received_on"))
    assert [(d.status, d.money, d.channel, d.received_on.isoformat()) for d in months] == [
        (DonationStatus.PAID, eur("20"), Channel.BANK_TRANSFER, "2026-09-03"),
        (DonationStatus.PAID, eur("20"), Channel.BANK_TRANSFER, "2026-10-03"),
        (DonationStatus.PAID, eur("25"), Channel.BANK_TRANSFER, "2026-11-03"),
    ]
    assert all(d.ledger_transaction_id is not None for d in months)
    assert campaign_totals(campaign).collected == eur("65")
    assert campaign_totals(campaign).donations == 3
    assert BankLine.objects.filter(state=BankLine.State.MATCHED).count() == 3
    assert verify_ledger().ok

    page = client.get(manage).content.decode()
    listed = re.findall(r'<time datetime="(\d{4}-\d\d-\d\d)"', page[page.index('id="transfers-received"') :])
    assert listed[:3] == ["2026-09-03", "2026-10-03", "2026-11-03"]


def test_importing_the_same_statement_again_adds_no_month(client, campaign, staff_user) -> None:  # noqa: F811
    reference, _manage = start_standing_order(client, campaign)
    entries = [month(reference, "2026-09-03"), month(reference, "2026-10-03")]
    run(entries, staff_user)
    again = run(entries, staff_user, msg="S2")
    assert (again.duplicate, again.matched) == (2, 0)
    assert Donation.objects.filter(status=DonationStatus.PAID).count() == 2


def test_a_stopped_standing_order_still_counts_what_the_bank_keeps_sending(client, campaign, staff_user) -> None:  # noqa: F811
    reference, manage = start_standing_order(client, campaign)
    run([month(reference, "2026-09-03")], staff_user)
    page = client.post(manage, {"action": "cancel"}).content.decode()
    assert "Cancel the standing order at your bank too" in page
    assert Pledge.objects.get().status == PledgeStatus.CANCELLED
    summary = run([month(reference, "2026-10-03")], staff_user, msg="S2")
    assert summary.matched == 1 and campaign_totals(campaign).collected == eur("40")


def test_a_second_transfer_of_a_one_off_reference_still_waits_for_review(client, campaign, staff_user) -> None:  # noqa: F811
    html = client.post(f"/en/campaigns/{campaign.slug}/donate/", bank_form()).content.decode()
    reference = re.search(r'id="bank-reference">([^<]+)<', html).group(1).replace(" ", "")  # type: ignore[union-attr]
    summary = run([month(reference, "2026-09-03", "25.00"), month(reference, "2026-10-03", "25.00")], staff_user)
    assert (summary.matched, summary.unmatched) == (1, 1)
    assert BankLine.objects.get(state=BankLine.State.UNMATCHED).note == "reference already paid: a second transfer?"


def test_checking_the_first_month_before_it_arrives_says_the_reference_does_not_expire(client, campaign) -> None:  # noqa: F811
    html = client.post(
        f"/ru/campaigns/{campaign.slug}/donate/", bank_form(recurrence="monthly", other_amount="20")
    ).content.decode()
    code = re.search(r'id="receipt-code">([^<]+)<', html).group(1)  # type: ignore[union-attr]
    result = client.post("/ru/receipts/", {"code": code}).content.decode()
    assert "для каждого ежемесячного перевода" in result and "действует до" not in result


def test_the_review_queue_can_match_a_line_to_a_standing_order(client, campaign, staff_user) -> None:  # noqa: F811
    reference, _manage = start_standing_order(client, campaign)
    run([month(reference, "2026-09-03")], staff_user)
    run([{"amount": "20.00", "text": "monthly gift", "day": "2026-10-03", "bank_ref": "SO-typo"}], staff_user, msg="S2")
    line = BankLine.objects.get(state=BankLine.State.UNMATCHED)
    reconciliation.match_line_to_donation(line=line, reference=reference, actor=staff_user)
    assert Pledge.objects.get().donations.filter(status=DonationStatus.PAID).count() == 2
    assert campaign_totals(campaign).collected == eur("40")
