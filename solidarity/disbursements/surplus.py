"""A finished campaign's surplus, moved as its rule says, by two people.

The rule a campaign shows its donors ("kept for the same family's later needs", "moved to
the foundation's general fund for other prisoners") is carried out as ledger transactions:
one person asks (`request_surplus_transfer`), another approves (`approve_surplus_transfer`),
both audited. The fund pays out at most what it holds (checked at both steps, under the
campaign's lock), and only once no payout of it waits for approval.

The ledger never mixes owners in one transaction, so the move is two balanced transactions
posted together: the finished campaign's fund → the foundation's general fund (its owner's
books), and, for the family's next campaign, the general fund → that campaign's fund (the
other owner's books). A move to the general fund is the first alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from solidarity.campaigns.funds import campaign_fund, campaign_owner, fund_balance, lock_campaign, require_fund_covers
from solidarity.campaigns.models import Campaign, CampaignStatus, SurplusRule
from solidarity.core.errors import CurrencyMismatch, DomainError, InvalidAmount, InvalidTransition, NotAllowed
from solidarity.core.money import Money
from solidarity.disbursements.models import Disbursement, DisbursementStatus, SurplusTransfer, SurplusTransferStatus
from solidarity.ledger.models import Account, AccountPurpose, Transaction, TransactionKind
from solidarity.ledger.services import get_account, post_transaction
from solidarity.staff.roles import Role, require_role
from solidarity.staff.services import record_audit

# A surplus is what a campaign holds once its collection is over.
FINISHED_PAYING = (CampaignStatus.CLOSED, CampaignStatus.REPORTED)
# The family's next campaign may still be prepared, or already collecting.
NEXT_CAMPAIGN_STATUSES = (CampaignStatus.DRAFT, CampaignStatus.IN_REVIEW, CampaignStatus.ACTIVE)


@dataclass(frozen=True)
class SurplusOffer:
    """What the rule of a finished campaign offers to do with what it holds."""

    campaign: Campaign
    surplus: Money
    rule: str
    next_campaigns: list[Campaign]  # for "same family": where the surplus may go

    @property
    def can_move(self) -> bool:
        if not self.surplus.is_positive() or self.campaign.status not in FINISHED_PAYING:
            return False
        if self.rule == SurplusRule.GENERAL_FUND:
            return True
        return self.rule == SurplusRule.SAME_BENEFICIARY and bool(self.next_campaigns)


def surplus_offer(campaign: Campaign) -> SurplusOffer:
    """The campaign's surplus and, for the same family's rule, its next campaigns in the same currency."""
    next_campaigns: list[Campaign] = []
    if campaign.surplus_rule == SurplusRule.SAME_BENEFICIARY:
        next_campaigns = list(
            Campaign.objects.filter(
                beneficiary_id=campaign.beneficiary_id,
                status__in=NEXT_CAMPAIGN_STATUSES,
                currency=campaign.currency,
            )
            .exclude(pk=campaign.pk)
            .order_by("created_at", "id")
        )
    return SurplusOffer(
        campaign=campaign,
        surplus=fund_balance(campaign),
        rule=campaign.surplus_rule,
        next_campaigns=next_campaigns,
    )


def _check_target(campaign: Campaign, to_campaign: Campaign | None) -> None:
    rule = campaign.surplus_rule
    if rule == SurplusRule.REFUND_ON_REQUEST:
        raise InvalidTransition(
            _("This campaign's surplus is refunded to donors who ask; it is not moved. Use a refund request.")
        )
    if rule == SurplusRule.GENERAL_FUND:
        if to_campaign is not None:
            raise InvalidTransition(_("This campaign's rule moves its surplus to the general fund, not to a campaign."))
        return
    if to_campaign is None:
        raise InvalidTransition(
            _("This campaign's rule keeps its surplus for the same family: choose its next campaign.")
        )
    if to_campaign.pk == campaign.pk or to_campaign.beneficiary_id != campaign.beneficiary_id:
        raise InvalidTransition(_("The surplus goes only to the same family's next campaign."))
    if to_campaign.status not in NEXT_CAMPAIGN_STATUSES:
        raise InvalidTransition(_("The family's next campaign must still be in preparation or collecting."))
    if to_campaign.currency != campaign.currency:
        raise CurrencyMismatch(
            _("The next campaign collects in %(other)s; this fund is kept in %(currency)s.")
            % {"other": to_campaign.currency, "currency": campaign.currency}
        )


def _require_no_waiting_payout(campaign: Campaign) -> None:
    if Disbursement.objects.filter(campaign=campaign, status=DisbursementStatus.AWAITING_APPROVAL).exists():
        raise InvalidTransition(_("A payout of this campaign waits for approval: decide it before moving the surplus."))


def request_surplus_transfer(
    *, campaign: Campaign, actor: Any, reason: str, to_campaign: Campaign | None = None, amount: Money | None = None
) -> SurplusTransfer:
    """Ask for a finished campaign's surplus (all it holds, or `amount`) to be moved as its rule says."""
    require_role(actor, Role.FINANCE)
    if actor is None:
        raise NotAllowed(_("A surplus move is asked for by a person."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the surplus is moved now."))
    with transaction.atomic():
        lock_campaign(campaign)
        campaign.refresh_from_db()
        if campaign.status not in FINISHED_PAYING:
            raise InvalidTransition(_("Only a closed or reported campaign has a surplus to move."))
        _check_target(campaign, to_campaign)
        _require_no_waiting_payout(campaign)
        if SurplusTransfer.objects.filter(campaign=campaign, status=SurplusTransferStatus.AWAITING_APPROVAL).exists():
            raise InvalidTransition(_("A move of this campaign's surplus already waits for approval."))
        balance = fund_balance(campaign)
        amount = amount if amount is not None else balance
        if not amount.is_positive():
            raise InvalidAmount(_("This campaign holds nothing to move."))
        require_fund_covers(campaign, amount, what=_("This surplus move"))
        transfer = SurplusTransfer.objects.create(
            campaign=campaign,
            to_campaign=to_campaign,
            rule=campaign.surplus_rule,
            amount_minor=amount.minor,
            currency=amount.currency,
            reason=reason[:300],
            status=SurplusTransferStatus.AWAITING_APPROVAL,
            requested_by=actor,
        )
        record_audit(
            actor=actor,
            action="surplus.request",
            target=transfer,
            campaign=campaign.pk,
            to_campaign=to_campaign.pk if to_campaign else None,
            amount=str(amount),
            reason=transfer.reason,
        )
    return transfer


def _post(transfer: SurplusTransfer, actor: Any) -> None:
    money = transfer.money
    general = get_account(purpose=AccountPurpose.GENERAL_FUND, currency=money.currency)
    ref = f"surplus:{transfer.pk}"

    def move(campaign: Campaign, lines: list[tuple[Account, Money]], memo: str, side: str) -> Transaction:
        return post_transaction(
            kind=TransactionKind.SURPLUS,
            owner=campaign_owner(campaign),
            occurred_on=timezone.localdate(),
            created_by=actor,
            memo=memo,
            ref=ref,
            idempotency_key=f"{ref}:{side}",
            lines=lines,
        )

    source = transfer.campaign
    transfer.out_transaction = move(
        source, [(campaign_fund(source), money), (general, -money)], "Surplus moved as the campaign's rule says", "out"
    )
    if transfer.to_campaign is not None:
        target = transfer.to_campaign
        transfer.in_transaction = move(
            target,
            [(general, money), (campaign_fund(target), -money)],
            "Surplus received from the family's earlier campaign",
            "in",
        )


def approve_surplus_transfer(*, transfer: SurplusTransfer, actor: Any) -> SurplusTransfer:
    """The second person approves: the surplus moves (the fund is checked again under its lock)."""
    require_role(actor, Role.FINANCE, Role.ADMIN)
    if actor is None:
        raise NotAllowed(_("Approval is given by a person."))
    with transaction.atomic():
        lock_campaign(transfer.campaign)
        locked = (
            SurplusTransfer.objects.select_for_update(of=("self",))
            .select_related("campaign", "to_campaign")
            .get(pk=transfer.pk)
        )
        if locked.status != SurplusTransferStatus.AWAITING_APPROVAL:
            raise InvalidTransition(_("Only a surplus move awaiting approval can be approved."))
        if locked.requested_by_id == actor.pk:
            raise NotAllowed(_("Four eyes: the person who asked for a surplus move cannot approve it."))
        _check_target(locked.campaign, locked.to_campaign)
        _require_no_waiting_payout(locked.campaign)
        require_fund_covers(locked.campaign, locked.money, what=_("This surplus move"))
        _post(locked, actor)
        locked.status = SurplusTransferStatus.POSTED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at", "out_transaction", "in_transaction"])
        record_audit(actor=actor, action="surplus.approve", target=locked, amount=str(locked.money))
    return locked


def reject_surplus_transfer(*, transfer: SurplusTransfer, actor: Any, reason: str) -> SurplusTransfer:
    """Refuse (or withdraw) a surplus move that waits: nothing moves."""
    require_role(actor, Role.FINANCE, Role.ADMIN)
    if not reason.strip():
        raise DomainError(_("Say why the surplus move is rejected."))
    with transaction.atomic():
        locked = SurplusTransfer.objects.select_for_update().get(pk=transfer.pk)
        if locked.status != SurplusTransferStatus.AWAITING_APPROVAL:
            raise InvalidTransition(_("Only a surplus move awaiting approval can be rejected."))
        locked.status = SurplusTransferStatus.REJECTED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        record_audit(actor=actor, action="surplus.reject", target=locked, reason=reason.strip()[:300])
    return locked
