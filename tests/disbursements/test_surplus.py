"""The surplus rule is carried out: closing with money left offers the rule's action, which
one person asks for and another approves, as balanced ledger transactions shown on both
transparency pages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from solidarity.campaigns import services as campaign_services
from solidarity.campaigns.funds import campaign_totals
from solidarity.core.errors import DomainError, InsufficientFunds, InvalidTransition, NotAllowed
from solidarity.core.money import Money
from solidarity.disbursements import services, surplus
from solidarity.disbursements.models import SurplusTransfer, SurplusTransferStatus
from solidarity.donations.services import record_staff_donation
from solidarity.ledger.models import AccountPurpose, Posting, TransactionKind
from solidarity.ledger.verification import verify_ledger
from solidarity.staff.models import AuditEntry
from solidarity.transparency.selectors import site_report
from tests.factories import BeneficiaryFactory, CampaignFactory, active_campaign, staff_with_role
from tests.staff.role_clients import verified_client

pytestmark = pytest.mark.django_db


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


@pytest.fixture
def anna():
    return staff_with_role("finance", "anna")


@pytest.fixture
def boris():
    return staff_with_role("finance", "boris")


def closed_with_surplus(rule: str, anna, given: str = "365", paid: str = "300"):
    campaign = active_campaign(title_en="A lawyer for Aliaksandr K.", surplus_rule=rule)
    record_staff_donation(campaign=campaign, amount=eur(given), channel="cash", actor=anna)
    if paid:
        services.record_disbursement(
            need=campaign.needs.first(),
            payee_category="lawyer",
            amount=eur(paid),
            paid_on=campaign.published_at.date(),
            public_description="Lawyer's fee",
            actor=anna,
        ).refresh_from_db()
    return campaign_services.close_campaign(campaign=campaign)


def next_campaign_of(campaign, status: str = "active"):
    if status == "active":
        return active_campaign(title_en="Parcels for Aliaksandr K.", beneficiary=campaign.beneficiary)
    return CampaignFactory(title_en="Parcels for Aliaksandr K.", beneficiary=campaign.beneficiary)


def test_the_same_family_rule_moves_the_surplus_to_its_next_campaign_with_four_eyes(anna, boris) -> None:
    campaign = closed_with_surplus("same_beneficiary", anna, given="415", paid="")  # all €415 is the surplus
    following = next_campaign_of(campaign)
    offer = surplus.surplus_offer(campaign)
    assert offer.can_move and offer.surplus == eur("415") and offer.next_campaigns == [following]
    transfer = surplus.request_surplus_transfer(
        campaign=campaign, actor=anna, reason="Collection over", to_campaign=following
    )
    assert transfer.status == SurplusTransferStatus.AWAITING_APPROVAL
    assert campaign_totals(campaign).balance == eur("415")  # nothing moves before the second person
    with pytest.raises(NotAllowed, match="Four eyes"):
        surplus.approve_surplus_transfer(transfer=transfer, actor=anna)
    surplus.approve_surplus_transfer(transfer=transfer, actor=boris)
    old, new = campaign_totals(campaign), campaign_totals(following)
    assert old.balance == eur("0") and old.collected == eur("415") and old.spent == eur("0")
    assert old.moved == eur("-415")
    assert new.balance == eur("415") and new.collected == eur("0") and new.spent == eur("0")
    transfer.refresh_from_db()
    for txn in (transfer.out_transaction, transfer.in_transaction):
        assert txn.kind == TransactionKind.SURPLUS
        assert sum(p.amount_minor for p in Posting.objects.filter(transaction=txn)) == 0
    assert sum(p.amount_minor for p in Posting.objects.filter(account__purpose=AccountPurpose.GENERAL_FUND)) == 0
    assert [e.action for e in AuditEntry.objects.filter(action__startswith="surplus.").order_by("id")] == [
        "surplus.request",
        "surplus.approve",
    ]
    assert verify_ledger().ok


def test_the_general_fund_rule_moves_the_surplus_there_and_both_transparency_pages_show_it(anna, boris) -> None:
    campaign = closed_with_surplus("general_fund", anna)
    transfer = surplus.request_surplus_transfer(campaign=campaign, actor=anna, reason="Collection over")
    surplus.approve_surplus_transfer(transfer=transfer, actor=boris)
    totals = campaign_totals(campaign)
    assert totals.balance == eur("0") and totals.spent == eur("300") and totals.collected == eur("365")
    assert site_report().general_fund == [eur("65")]
    page = Client().get(f"/en/campaigns/{campaign.slug}/transparency/").content.decode()
    assert "moved to the foundation&#x27;s general fund" in page or "moved to the foundation's general fund" in page
    assert "€65" in page
    site = Client().get("/en/transparency/").content.decode()
    assert 'id="general-fund"' in site and "€65" in site
    assert verify_ledger().ok


def test_the_next_campaign_s_page_says_where_the_money_came_from(anna, boris) -> None:
    campaign = closed_with_surplus("same_beneficiary", anna)
    following = next_campaign_of(campaign)
    transfer = surplus.request_surplus_transfer(campaign=campaign, actor=anna, reason="over", to_campaign=following)
    surplus.approve_surplus_transfer(transfer=transfer, actor=boris)
    earlier = Client().get(f"/en/campaigns/{campaign.slug}/transparency/").content.decode()
    assert "Parcels for Aliaksandr K." in earlier and "€65" in earlier
    later = Client().get(f"/en/campaigns/{following.slug}/transparency/").content.decode()
    assert "A lawyer for Aliaksandr K." in later and "Received €65" in later


@pytest.mark.parametrize(
    ("rule", "target", "error"),
    [
        ("general_fund", "next", InvalidTransition),  # the rule names the general fund
        ("same_beneficiary", None, InvalidTransition),  # the rule names the family's next campaign
        ("same_beneficiary", "stranger", InvalidTransition),  # another family
        ("refund_on_request", None, InvalidTransition),  # refunds, not a move
    ],
)
def test_a_move_the_rule_does_not_name_is_refused_and_nothing_changes(anna, rule, target, error) -> None:
    campaign = closed_with_surplus(rule, anna)
    to = {"next": next_campaign_of(campaign), "stranger": active_campaign(beneficiary=BeneficiaryFactory())}.get(target)
    with pytest.raises(error):
        surplus.request_surplus_transfer(campaign=campaign, actor=anna, reason="over", to_campaign=to)
    assert not SurplusTransfer.objects.exists() and campaign_totals(campaign).balance == eur("65")


def test_an_open_campaign_a_waiting_payout_or_too_much_is_refused(anna, boris) -> None:
    open_one = active_campaign(surplus_rule="general_fund")
    record_staff_donation(campaign=open_one, amount=eur("100"), channel="cash", actor=anna)
    with pytest.raises(InvalidTransition):
        surplus.request_surplus_transfer(campaign=open_one, actor=anna, reason="over")
    campaign = closed_with_surplus("general_fund", anna, given="415", paid="")
    with pytest.raises(InsufficientFunds):
        surplus.request_surplus_transfer(campaign=campaign, actor=anna, reason="over", amount=eur("415.01"))
    with pytest.raises(DomainError):
        surplus.request_surplus_transfer(campaign=campaign, actor=anna, reason="  ")
    waiting = services.record_disbursement(
        need=campaign.needs.first(),
        payee_category="lawyer",
        amount=eur("400"),
        paid_on=campaign.published_at.date(),
        public_description="Lawyer's fee",
        actor=anna,
    )
    with pytest.raises(InvalidTransition, match="waits for approval"):
        surplus.request_surplus_transfer(campaign=campaign, actor=anna, reason="over")
    services.approve_disbursement(disbursement=waiting, actor=boris)
    transfer = surplus.request_surplus_transfer(campaign=campaign, actor=anna, reason="over")
    assert transfer.money == eur("15")
    with pytest.raises(InvalidTransition):
        surplus.request_surplus_transfer(campaign=campaign, actor=boris, reason="again")
    surplus.reject_surplus_transfer(transfer=transfer, actor=boris, reason="keep it for the appeal")
    with pytest.raises(InvalidTransition):
        surplus.approve_surplus_transfer(transfer=transfer, actor=boris)
    assert campaign_totals(campaign).balance == eur("15")


def test_closing_offers_the_rule_s_action_and_two_people_carry_it_out_in_the_back_office(anna) -> None:
    campaign = active_campaign(title_en="A lawyer for Aliaksandr K.", surplus_rule="general_fund")
    record_staff_donation(campaign=campaign, amount=eur("65"), channel="cash", actor=anna)
    reviewer = verified_client("reviewer")
    closed = reviewer.post(
        "/staff/campaigns/campaign/",
        {"action": "close", "_selected_action": [campaign.pk]},
        follow=True,
    )
    request_url = reverse("admin:disbursements_surplustransfer_request", args=[campaign.pk])
    assert request_url in closed.content.decode() and "€65" in closed.content.decode()
    first = verified_client("finance")
    page = first.get(request_url).content.decode()
    assert "general fund" in page and "€65" in page
    assert first.post(request_url, {"reason": "Collection over"}).status_code == 302
    transfer = SurplusTransfer.objects.get()
    changelist = reverse("admin:disbursements_surplustransfer_changelist")
    own = first.post(changelist, {"action": "approve_selected", "_selected_action": [transfer.pk], "confirm": "yes"})
    assert own.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == SurplusTransferStatus.AWAITING_APPROVAL  # four eyes: not by the one who asked
    second = verified_client("admin")  # another person (admins approve too)
    confirm = second.post(changelist, {"action": "approve_selected", "_selected_action": [transfer.pk]})
    assert "Fund balance after" in confirm.content.decode() and "€0" in confirm.content.decode()
    second.post(changelist, {"action": "approve_selected", "_selected_action": [transfer.pk], "confirm": "yes"})
    transfer.refresh_from_db()
    assert transfer.status == SurplusTransferStatus.POSTED
    assert campaign_totals(campaign).balance == eur("0")
    shown = second.get(reverse("admin:disbursements_surplustransfer_change", args=[transfer.pk])).content.decode()
    assert "€65" in shown and "6500" not in shown and "Moved to the foundation" in shown


@pytest.mark.parametrize(("role", "status"), [("finance", 200), ("admin", 403), ("editor", 403), ("reviewer", 403)])
def test_only_finance_opens_the_payout_and_surplus_pages(anna, role, status) -> None:
    campaign = closed_with_surplus("general_fund", anna)
    client = verified_client(role)
    for url in (
        reverse("admin:disbursements_disbursement_record"),
        reverse("admin:disbursements_disbursement_record_for", args=[campaign.pk]),
        reverse("admin:disbursements_surplustransfer_choose"),
        reverse("admin:disbursements_surplustransfer_request", args=[campaign.pk]),
    ):
        assert client.get(url).status_code == status, (role, url)
    monthly = client.get(reverse("admin:disbursements_disbursement_monthly")).status_code
    assert monthly == (200 if role in ("finance", "admin") else 403), role
