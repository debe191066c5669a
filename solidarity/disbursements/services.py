"""Paying out against a need: four-eyes above a threshold, never beyond the balance, posted
as a ledger transaction fund → paid out.

No payout takes a fund below zero: the balance is checked when the payout is recorded and
again, under the campaign's lock, when it posts (there is no overdraft; the database
refuses one on PostgreSQL too).

Four eyes means two different people: the approver is compared by user, not by role, so
one person holding two roles, or a superuser, cannot approve their own payout.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from solidarity.campaigns.funds import (
    campaign_fund,
    campaign_owner,
    fund_balance,
    lock_campaign,
    require_fund_covers,
)
from solidarity.campaigns.models import Campaign, Need
from solidarity.core.errors import CurrencyMismatch, DomainError, InvalidAmount, InvalidTransition, NotAllowed
from solidarity.core.formatting import stored_label
from solidarity.core.money import Money
from solidarity.core.uploads import clean_upload, seal_bytes
from solidarity.disbursements.models import Disbursement, DisbursementProof, DisbursementStatus, PayeeCategory
from solidarity.disbursements.selectors import PAYING_STATUSES
from solidarity.ledger.models import Account, AccountPurpose, TransactionKind
from solidarity.ledger.services import get_account, post_transaction, reverse_transaction
from solidarity.rates.exchange import Conversion, NoExchangeRate, convert
from solidarity.staff.roles import Role, require_role
from solidarity.staff.services import record_audit

MAX_PROOF_BYTES = 10 * 1024 * 1024


def approval_threshold(currency: str) -> Money:
    """Payouts above this need a second person's approval before they post."""
    return Money(Decimal(settings.SOLIDARITY_DISBURSEMENT_APPROVAL_THRESHOLD), currency)


def available_balance(campaign: Campaign) -> Money:
    """What the campaign's fund holds now (credit balance)."""
    return fund_balance(campaign)


def _payout_lines(disbursement: Disbursement) -> list[tuple[Account, Money]]:
    """Fund → bank; a payout in another currency goes through the FX accounts (balanced per currency)."""
    campaign = disbursement.campaign
    money = disbursement.money
    paid = disbursement.paid_money
    # The fund owes the beneficiary less; the money has left the foundation's bank account.
    if paid.currency == money.currency:
        return [
            (campaign_fund(campaign), money),
            (get_account(purpose=AccountPurpose.BANK, currency=money.currency), -money),
        ]
    return [
        (campaign_fund(campaign), money),
        (get_account(purpose=AccountPurpose.FX, currency=money.currency), -money),
        (get_account(purpose=AccountPurpose.FX, currency=paid.currency), paid),
        (get_account(purpose=AccountPurpose.BANK, currency=paid.currency), -paid),
    ]


def _post(disbursement: Disbursement, actor: Any) -> None:
    campaign = disbursement.campaign
    money = disbursement.money
    require_fund_covers(campaign, money, what=_("This payout"))
    txn = post_transaction(
        kind=TransactionKind.DISBURSEMENT,
        owner=campaign_owner(campaign),
        occurred_on=disbursement.paid_on,
        created_by=actor,
        memo=f"Paid out: {stored_label(PayeeCategory(disbursement.payee_category).label)}",
        ref=f"disbursement:{disbursement.pk}",
        lines=_payout_lines(disbursement),
        fx_rate=disbursement.fx_rate,
        fx_source=disbursement.fx_source,
    )
    disbursement.ledger_transaction = txn
    disbursement.status = DisbursementStatus.POSTED
    disbursement.save(update_fields=["ledger_transaction", "status"])


def record_disbursement(
    *,
    need: Need,
    payee_category: str,
    amount: Money,
    paid_on: dt.date,
    public_description: str,
    actor: Any,
    proofs: Sequence[bytes] = (),
    fx_rate: Decimal | None = None,
    fx_source: str = "",
) -> Disbursement:
    """Record a payout against a need. At or below the threshold it posts at once; above it,
    it waits for a second person's approval. More than the fund holds is refused
    (InsufficientFunds) now and again at approval.

    A payout in another currency than the campaign's (a lawyer paid in BYN from a euro fund)
    is converted at `fx_rate` (campaign currency units per payout currency unit) with its
    `fx_source` (the bank's confirmation, a central bank), or without a rate at the ECB
    reference rate of `paid_on`; the rate and its source stay on the payout and its ledger
    transaction, and the threshold and the balance check apply to the converted amount."""
    require_role(actor, Role.FINANCE)
    if actor is None:
        raise NotAllowed(_("A payout is recorded by a person."))
    campaign = need.campaign
    if campaign.status not in PAYING_STATUSES:
        raise InvalidTransition(
            _("A campaign that is %(status)s cannot pay out.") % {"status": campaign.get_status_display().lower()}
        )
    if payee_category not in PayeeCategory.values:
        raise DomainError(_("Unknown payee category %(category)s.") % {"category": repr(payee_category)})
    if not amount.is_positive():
        raise InvalidAmount(_("A payout must be more than zero."))
    if not public_description.strip():
        raise DomainError(_("Give a public description (without naming private people)."))
    conversion = _conversion(amount, campaign, paid_on=paid_on, fx_rate=fx_rate, fx_source=fx_source)
    cleaned = [clean_upload(data, limit=MAX_PROOF_BYTES, name=f"proof-{i}") for i, data in enumerate(proofs, start=1)]
    paid = amount
    amount = conversion.target if conversion else amount
    needs_approval = amount > approval_threshold(amount.currency)
    with transaction.atomic():
        lock_campaign(campaign)  # one outflow decision at a time per campaign
        require_fund_covers(campaign, amount, what=_("This payout"))
        disbursement = Disbursement.objects.create(
            campaign=campaign,
            need=need,
            payee_category=payee_category,
            amount_minor=amount.minor,
            currency=amount.currency,
            paid_amount_minor=paid.minor if conversion else None,
            paid_currency=paid.currency if conversion else "",
            fx_rate=str(conversion.rate) if conversion else "",
            fx_source=_rate_source(conversion, fx_rate, fx_source),
            paid_on=paid_on,
            public_description=public_description.strip()[:300],
            status=DisbursementStatus.AWAITING_APPROVAL,
            created_by=actor,
        )
        for proof in cleaned:
            DisbursementProof.objects.create(
                disbursement=disbursement,
                name=proof.name,
                content_type=proof.content_type,
                sealed_data=seal_bytes(proof.data),
            )
        if not needs_approval:
            _post(disbursement, actor)
        record_audit(
            actor=actor,
            action="disbursement.record",
            target=disbursement,
            amount=str(amount),
            paid=str(paid),
            fx_rate=disbursement.fx_rate,
            fx_source=disbursement.fx_source,
            need=need.pk,
            status=disbursement.status,
            proofs=len(cleaned),
        )
    return disbursement


def _conversion(
    amount: Money, campaign: Campaign, *, paid_on: dt.date, fx_rate: Decimal | None, fx_source: str
) -> Conversion | None:
    """The payout's conversion into the campaign's currency, or None when it is paid in that currency."""
    if amount.currency == campaign.currency:
        if fx_rate is not None:
            raise CurrencyMismatch(
                _("A rate is only given for a payout in another currency than the campaign's (%(currency)s).")
                % {"currency": campaign.currency}
            )
        return None
    if fx_rate is not None:
        if fx_rate <= 0:
            raise InvalidAmount(_("An exchange rate must be more than zero."))
        if not fx_source.strip():
            raise DomainError(_("Say where the exchange rate comes from (the bank's confirmation, a central bank)."))
    try:
        conversion = convert(amount, campaign.currency, day=paid_on, rate=fx_rate)
    except NoExchangeRate as exc:
        raise NoExchangeRate(
            _(
                "There is no reference rate for %(currency)s on %(day)s: give the rate the payout was made at "
                "and its source."
            )
            % {"currency": amount.currency, "day": paid_on.isoformat()}
        ) from exc
    if not conversion.target.is_positive():
        raise InvalidAmount(_("A payout must be more than zero."))
    return conversion


def _rate_source(conversion: Conversion | None, fx_rate: Decimal | None, fx_source: str) -> str:
    if conversion is None:
        return ""
    if fx_rate is not None:
        return fx_source.strip()[:60]
    return f"{conversion.rate_source} {conversion.rate_day.isoformat()}"


def approve_disbursement(*, disbursement: Disbursement, actor: Any) -> Disbursement:
    """The second pair of eyes: a different person approves, and the payout posts."""
    require_role(actor, Role.FINANCE, Role.ADMIN)
    if actor is None:
        raise NotAllowed(_("Approval is given by a person."))
    with transaction.atomic():
        lock_campaign(disbursement.campaign)
        locked = Disbursement.objects.select_for_update().select_related("campaign").get(pk=disbursement.pk)
        if locked.status != DisbursementStatus.AWAITING_APPROVAL:
            raise InvalidTransition(_("Only a payout awaiting approval can be approved."))
        if locked.void_requested_by_id is not None:
            raise InvalidTransition(_("A void of this payout was asked for; approve or reject the void first."))
        if locked.created_by_id == actor.pk:
            raise NotAllowed(_("Four eyes: the person who recorded a payout cannot approve it."))
        locked.approved_by = actor
        locked.approved_at = timezone.now()
        locked.save(update_fields=["approved_by", "approved_at"])
        _post(locked, actor)
        record_audit(
            actor=actor,
            action="disbursement.approve",
            target=locked,
            amount=str(locked.money),
        )
    disbursement.refresh_from_db()
    return disbursement


def request_void(*, disbursement: Disbursement, actor: Any, reason: str) -> Disbursement:
    """Ask for a payout that has not posted to be cancelled; another person approves (`approve_void`)."""
    require_role(actor, Role.FINANCE)
    if actor is None:
        raise NotAllowed(_("A void is asked for by a person."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the payout is voided."))
    with transaction.atomic():
        locked = Disbursement.objects.select_for_update().get(pk=disbursement.pk)
        if locked.status != DisbursementStatus.AWAITING_APPROVAL:
            raise InvalidTransition(_("Only a payout that has not posted can be voided; reverse a posted one."))
        if locked.void_requested_by_id is not None:
            raise InvalidTransition(_("A void of this payout was already asked for."))
        locked.void_requested_by = actor
        locked.void_requested_at = timezone.now()
        locked.void_reason = reason[:300]
        locked.save(update_fields=["void_requested_by", "void_requested_at", "void_reason"])
        record_audit(actor=actor, action="disbursement.void_request", target=locked, reason=locked.void_reason)
    return locked


def approve_void(*, disbursement: Disbursement, actor: Any) -> Disbursement:
    """The second person confirms a void: the payout is cancelled and never posts."""
    require_role(actor, Role.FINANCE)
    if actor is None:
        raise NotAllowed(_("Approval is given by a person."))
    with transaction.atomic():
        locked = Disbursement.objects.select_for_update().get(pk=disbursement.pk)
        if locked.status != DisbursementStatus.AWAITING_APPROVAL or locked.void_requested_by_id is None:
            raise InvalidTransition(_("Only a void that was asked for, of a payout not posted, can be approved."))
        if locked.void_requested_by_id == actor.pk:
            raise NotAllowed(_("Four eyes: the person who asked for a void cannot approve it."))
        locked.status = DisbursementStatus.VOIDED
        locked.void_approved_by = actor
        locked.save(update_fields=["status", "void_approved_by"])
        record_audit(actor=actor, action="disbursement.void", target=locked, reason=locked.void_reason)
    return locked


def reject_void(*, disbursement: Disbursement, actor: Any) -> Disbursement:
    """Withdraw or refuse a void that was asked for: the payout waits for approval again."""
    require_role(actor, Role.FINANCE)
    with transaction.atomic():
        locked = Disbursement.objects.select_for_update().get(pk=disbursement.pk)
        if locked.status != DisbursementStatus.AWAITING_APPROVAL or locked.void_requested_by_id is None:
            raise InvalidTransition(_("No void of this payout is waiting."))
        reason = locked.void_reason
        locked.void_requested_by = None
        locked.void_requested_at = None
        locked.void_reason = ""
        locked.save(update_fields=["void_requested_by", "void_requested_at", "void_reason"])
        record_audit(actor=actor, action="disbursement.void_reject", target=locked, reason=reason)
    return locked


def reverse_disbursement(*, disbursement: Disbursement, actor: Any, reason: str) -> Disbursement:
    """Undo a posted payout with a reversing transaction (the money came back)."""
    require_role(actor, Role.FINANCE)
    if not reason.strip():
        raise DomainError(_("Say why the payout is reversed."))
    with transaction.atomic():
        locked = Disbursement.objects.select_for_update().get(pk=disbursement.pk)
        if locked.status != DisbursementStatus.POSTED or locked.ledger_transaction is None:
            raise InvalidTransition(_("Only a posted payout can be reversed."))
        reverse_transaction(
            original=locked.ledger_transaction, memo=f"Payout reversed: {reason}"[:200], created_by=actor
        )
        locked.status = DisbursementStatus.REVERSED
        locked.save(update_fields=["status"])
        record_audit(actor=actor, action="disbursement.reverse", target=locked, reason=reason)
    disbursement.refresh_from_db()
    return disbursement


def translate_public_description(*, disbursement: Disbursement, texts: dict[str, str], actor: Any) -> Disbursement:
    """Add the payout's public description in languages it has none in (`{"be": "…"}`); audited.

    A description already published in a language is never rewritten: a translation only
    fills a gap, so what readers (and the public log's readers) saw stays as it was.
    """
    require_role(actor, Role.FINANCE, Role.ADMIN)
    languages = {code for code, _name in settings.LANGUAGES}
    with transaction.atomic():
        payout = Disbursement.objects.select_for_update().get(pk=disbursement.pk)
        added = {}
        for lang, text in texts.items():
            text = text.strip()[:300]
            if lang not in languages:
                raise DomainError(_("Unknown language: %(lang)s.") % {"lang": lang})
            if not text:
                continue
            if getattr(payout, f"public_description_{lang}"):
                raise NotAllowed(_("This payout already has a public description in that language."))
            setattr(payout, f"public_description_{lang}", text)
            added[lang] = text
        if added:
            payout.save(update_fields=[f"public_description_{lang}" for lang in added])
            record_audit(
                actor=actor, action="disbursement.translate_description", target=payout, languages=sorted(added)
            )
    return payout
