"""Money going back out of a donation takes two people: a request with a reason, then an approval.

A finance user asks (`request_refund`): a refund to the donor of all or part of what is
left of a donation, or a reversal of a donation that should not have been recorded.
Nothing moves and the campaign totals stay as they are. A different person approves
(`approve_refund`) or rejects (`reject_refund`); the person who asked cannot approve,
and an outflow that would take the campaign fund below zero is refused at the request and
again at the approval, under the campaign's lock. Both steps are audited with the reason.

Donations know no rail, so the caller says whether the approval books the money now
(`book=True`: a bank refund staff made, a reversal) or whether a rail sends it and reports
it later (a card refund: `payments.refunds.approve_refund_request` calls the processor
after this commits, then `mark_refund_sent` or `mark_refund_failed`). The rail's report
books it through `settlement.return_money`, which links the booking to this request.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from solidarity.campaigns.funds import fund_balance, lock_campaign, require_fund_covers
from solidarity.core.errors import CurrencyMismatch, DomainError, InvalidAmount, InvalidTransition, NotAllowed
from solidarity.core.money import Money
from solidarity.donations import settlement
from solidarity.donations.models import (
    Channel,
    Donation,
    DonationStatus,
    RefundKind,
    RefundRequest,
    RefundRequestStatus,
)
from solidarity.donations.services import CHANNEL_ACCOUNTS, reversal_amount, reverse_donation
from solidarity.staff.roles import Role, require_role
from solidarity.staff.services import record_audit


def _asset(donation: Donation) -> str:
    return CHANNEL_ACCOUNTS[Channel(donation.channel)]


def in_flight(donation: Donation, *, excluding: RefundRequest | None = None) -> int:
    """Minor units (donor currency) asked for or approved but not booked yet: awaiting
    requests and approved card refunds the processor has not reported."""
    open_requests = RefundRequest.objects.filter(donation=donation, ledger_transaction__isnull=True).filter(
        status__in=[RefundRequestStatus.AWAITING, RefundRequestStatus.APPROVED]
    )
    if excluding is not None:
        open_requests = open_requests.exclude(pk=excluding.pk)
    return int(open_requests.aggregate(s=Sum("amount_minor"))["s"] or 0)


def left_to_refund(donation: Donation, *, excluding: RefundRequest | None = None) -> Money:
    """What may still be asked back of a paid donation (donor currency)."""
    if donation.status != DonationStatus.PAID:
        return Money.zero(donation.currency)
    returned = settlement.returned_to_donor(donation, _asset(donation))
    return Money.from_minor(
        max(0, donation.amount_minor - returned - in_flight(donation, excluding=excluding)), donation.currency
    )


def campaign_side(refund_request: RefundRequest) -> Money:
    """What the request takes out of the campaign fund, in the campaign's currency."""
    donation = refund_request.donation
    if refund_request.kind == RefundKind.REVERSAL:
        return reversal_amount(donation)
    return settlement.campaign_side(donation, refund_request.money, _asset(donation))


def balance_after(refund_request: RefundRequest) -> Money:
    """The campaign fund's balance once this request is approved and booked (for the approval page)."""
    return fund_balance(refund_request.donation.campaign) - campaign_side(refund_request)


def _check(donation: Donation, kind: str, amount: Money, *, excluding: RefundRequest | None = None) -> None:
    if donation.status != DonationStatus.PAID or donation.ledger_transaction_id is None:
        raise InvalidTransition(
            _("Only a paid donation can be refunded or reversed; donation #%(id)s is %(status)s.")
            % {"id": donation.pk, "status": donation.get_status_display().lower()}
        )
    if kind == RefundKind.REVERSAL and donation.channel == Channel.CARD:
        raise DomainError(_("A card donation is refunded through the card processor, not reversed."))
    if amount.currency != donation.currency:
        raise CurrencyMismatch(
            _("Donation #%(id)s was given in %(currency)s; ask for the refund in %(currency)s.")
            % {"id": donation.pk, "currency": donation.currency}
        )
    if not amount.is_positive():
        raise InvalidAmount(_("A refund must be more than zero."))
    left = left_to_refund(donation, excluding=excluding)
    if amount > left:
        raise InvalidAmount(
            _(
                "%(amount)s is more than what is left of donation #%(id)s: %(left)s "
                "(of %(given)s given, less what was returned or is already asked for)."
            )
            % {"amount": amount, "id": donation.pk, "left": left, "given": donation.money}
        )
    if kind == RefundKind.REVERSAL and amount != donation.money:
        raise InvalidAmount(_("A reversal takes back the whole donation; ask for a refund of part of it instead."))


def _what(kind: str) -> str:
    return _("This reversal") if kind == RefundKind.REVERSAL else _("This refund")


def request_refund(
    *, donation: Donation, actor: Any, reason: str, amount: Money | None = None, kind: str = RefundKind.REFUND
) -> RefundRequest:
    """Ask for (part of) a paid donation to go back; `amount` None means all that is left.

    Moves no money. InvalidAmount beyond what is left of the donation, InsufficientFunds
    when the campaign fund does not hold it now.
    """
    require_role(actor, Role.FINANCE)
    if actor is None:
        raise NotAllowed(_("A refund is asked for by a person."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the money goes back."))
    if kind not in RefundKind.values:
        raise DomainError(_("Unknown kind %(kind)s.") % {"kind": repr(kind)})
    with transaction.atomic():
        locked = Donation.objects.select_for_update().select_related("campaign").get(pk=donation.pk)
        money = amount if amount is not None else left_to_refund(locked)
        _check(locked, kind, money)
        refund_request = RefundRequest(
            donation=locked,
            kind=kind,
            amount_minor=money.minor,
            currency=money.currency,
            reason=reason[:300],
            requested_by=actor,
        )
        require_fund_covers(locked.campaign, campaign_side(refund_request), what=_what(kind))
        refund_request.save()
        record_audit(
            actor=actor,
            action=f"donation.{kind}_request",
            target=refund_request,
            donation=locked.pk,
            campaign=locked.campaign.slug,
            amount=str(money),
            reason=refund_request.reason,
        )
    return refund_request


def approve_refund(*, refund_request: RefundRequest, actor: Any, book: bool) -> RefundRequest:
    """The second person approves: checked again, then booked now (`book`) or left for the rail.

    NotAllowed for the person who asked; InvalidTransition when already decided (a second
    approval, a double click); InsufficientFunds when the fund no longer holds it.
    The ledger transaction booked here has the idempotency key `refund-request:<id>`.
    """
    require_role(actor, Role.FINANCE)
    if actor is None:
        raise NotAllowed(_("Approval is given by a person."))
    campaign = refund_request.donation.campaign
    with transaction.atomic():
        lock_campaign(campaign)  # one outflow decision at a time per campaign
        locked = RefundRequest.objects.select_for_update().get(pk=refund_request.pk)
        if locked.status != RefundRequestStatus.AWAITING:
            raise InvalidTransition(
                _("This request was already decided: it is %(status)s.")
                % {"status": locked.get_status_display().lower()}
            )
        if locked.requested_by_id == actor.pk:
            raise NotAllowed(_("Four eyes: the person who asked for a refund cannot approve it."))
        donation = Donation.objects.select_for_update().select_related("campaign").get(pk=locked.donation_id)
        locked.donation = donation
        _check(donation, locked.kind, locked.money, excluding=locked)
        after = require_fund_covers(campaign, campaign_side(locked), what=_what(locked.kind))
        locked.status = RefundRequestStatus.APPROVED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        if book:
            locked.ledger_transaction = _book(locked, actor)
        locked.save(update_fields=["status", "decided_by", "decided_at", "ledger_transaction"])
        record_audit(
            actor=actor,
            action=f"donation.{locked.kind}_approve",
            target=locked,
            donation=donation.pk,
            campaign=campaign.slug,
            amount=str(locked.money),
            balance_after=str(after),
            reason=locked.reason,
            booked=book,
        )
    return locked


def _book(refund_request: RefundRequest, actor: Any) -> Any:
    donation = refund_request.donation
    if refund_request.kind == RefundKind.REVERSAL:
        reversed_donation = reverse_donation(
            donation=donation, actor=actor, reason=f"request #{refund_request.pk}: {refund_request.reason}"
        )
        assert reversed_donation.ledger_transaction is not None
        return reversed_donation.ledger_transaction.reversed_by
    return settlement.return_money(
        donation=donation,
        amount=refund_request.money,
        asset=_asset(donation),
        key=f"refund-request:{refund_request.pk}",
    )


def reject_refund(*, refund_request: RefundRequest, actor: Any, note: str) -> RefundRequest:
    """Decline a request (the person who asked may withdraw it this way); nothing moves."""
    require_role(actor, Role.FINANCE)
    note = note.strip()
    if not note:
        raise DomainError(_("Say why the request is rejected."))
    with transaction.atomic():
        locked = RefundRequest.objects.select_for_update().get(pk=refund_request.pk)
        if locked.status != RefundRequestStatus.AWAITING:
            raise InvalidTransition(
                _("This request was already decided: it is %(status)s.")
                % {"status": locked.get_status_display().lower()}
            )
        locked.status = RefundRequestStatus.REJECTED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_note = note[:300]
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        record_audit(
            actor=actor,
            action=f"donation.{locked.kind}_reject",
            target=locked,
            donation=locked.donation_id,
            reason=locked.reason,
            note=locked.decision_note,
        )
    return locked


def mark_refund_sent(*, refund_request: RefundRequest, provider_refund_id: str) -> RefundRequest:
    """The rail accepted an approved refund; it is booked when the rail reports it."""
    with transaction.atomic():
        locked = RefundRequest.objects.select_for_update().get(pk=refund_request.pk)
        locked.provider_refund_id = provider_refund_id[:100]
        locked.save(update_fields=["provider_refund_id"])
        record_audit(actor=None, action="donation.refund_sent", target=locked, refund=locked.provider_refund_id)
    return locked


def mark_refund_failed(*, refund_request: RefundRequest, message: str) -> RefundRequest:
    """The rail refused an approved refund: nothing was sent or booked; a new request may follow."""
    with transaction.atomic():
        locked = RefundRequest.objects.select_for_update().get(pk=refund_request.pk)
        if locked.status == RefundRequestStatus.APPROVED and locked.ledger_transaction_id is None:
            locked.status = RefundRequestStatus.FAILED
            locked.decision_note = message[:300]
            locked.save(update_fields=["status", "decision_note"])
            record_audit(actor=None, action="donation.refund_failed", target=locked, error=locked.decision_note)
    return locked


def link_booked_refund(*, donation: Donation, amount: Money, txn: Any) -> None:
    """A rail reported a refund: tie the booking to the approved request it fulfils, if any."""
    pending = (
        RefundRequest.objects.select_for_update()
        .filter(
            donation=donation,
            status=RefundRequestStatus.APPROVED,
            ledger_transaction__isnull=True,
            amount_minor=amount.minor,
        )
        .order_by("decided_at", "id")
        .first()
    )
    if pending is not None and not RefundRequest.objects.filter(ledger_transaction=txn).exists():
        pending.ledger_transaction = txn
        pending.save(update_fields=["ledger_transaction"])
