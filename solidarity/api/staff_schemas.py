"""JSON shapes of the staff API."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from solidarity.api.schemas import (
    AMOUNT_IN_PATTERN,
    CURRENCY_PATTERN,
    MAX_ROW_ID,
    SLUG_PATTERN,
    MoneyIn,
    MoneyOut,
    PublicText,
    RequiredPublicText,
    Text,
)
from solidarity.campaigns.funds import fund_balance
from solidarity.disbursements.models import Disbursement, PayeeCategory
from solidarity.donations.models import RefundRequest
from solidarity.donations.refund_requests import balance_after, campaign_side
from solidarity.donations.services import RecordedDonation
from solidarity.payments.models import BankLine, ImportedStatement
from solidarity.payments.reconciliation import ImportSummary

# The channels `record_staff_donation` accepts (STAFF_CHANNELS; a test keeps the two equal).
StaffChannel = Literal["cash", "bank_transfer", "other_platform", "other"]


class StaffDonationIn(Schema):
    campaign: Text = Field(max_length=80, pattern=SLUG_PATTERN, description="The campaign's slug.")
    amount: MoneyIn = Field(description="What was received, in the campaign's currency.")
    channel: StaffChannel
    received_on: dt.date | None = Field(None, description="Defaults to today.")
    public_name: PublicText = Field("", max_length=80, description="Only if the donor asked to be named.")
    message: PublicText = Field("", max_length=500)
    show_amount: bool = Field(False, description="The donor asked for the amount to be shown next to the name.")


class StaffDonationOut(Schema):
    id: int
    campaign: str
    amount: MoneyOut
    channel: str
    status: str
    received_on: dt.date | None
    receipt_code: str = Field(description="Shown once, never stored: hand it to the donor.")

    @staticmethod
    def of(recorded: RecordedDonation) -> StaffDonationOut:
        d = recorded.donation
        return StaffDonationOut(
            id=d.pk,
            campaign=d.campaign.slug,
            amount=MoneyOut.of(d.money),
            channel=d.channel,
            status=d.status,
            received_on=d.received_on,
            receipt_code=recorded.receipt_code,
        )


class StatementOut(Schema):
    id: int
    format: str
    account: str
    imported_at: dt.datetime
    imported_by: str | None
    lines_total: int
    lines_new: int
    lines_duplicate: int
    lines_matched: int
    lines_unmatched: int = Field(description="Lines that went to the review queue at import.")
    waiting: int = Field(description="Of those, lines still waiting for review now.")

    @staticmethod
    def of(s: ImportedStatement, waiting: int) -> StatementOut:
        return StatementOut(
            id=s.pk,
            format=s.format,
            account=s.account,
            imported_at=s.imported_at,
            imported_by=s.imported_by.get_username() if s.imported_by else None,
            lines_total=s.lines_total,
            lines_new=s.lines_new,
            lines_duplicate=s.lines_duplicate,
            lines_matched=s.lines_matched,
            lines_unmatched=s.lines_unmatched,
            waiting=waiting,
        )


class StatementImportOut(StatementOut):
    not_donations: int = Field(description="Outgoing, reversed or zero lines, stored as not donations.")
    skipped: int = Field(description="Informational entries without an amount.")
    warnings: list[str]

    @staticmethod
    def of_summary(summary: ImportSummary, waiting: int) -> StatementImportOut:
        base = StatementOut.of(summary.statement, waiting).model_dump()
        return StatementImportOut(
            **base, not_donations=summary.not_donations, skipped=summary.skipped, warnings=summary.warnings
        )


class BankLineOut(Schema):
    id: int
    statement: int
    booking_date: dt.date
    amount: MoneyOut
    state: str
    note: str
    payer_name: str = Field(description="Erased once the line is matched or ignored.")
    payer_account: str
    remittance: str
    reference: str

    @staticmethod
    def of(line: BankLine) -> BankLineOut:
        return BankLineOut(
            id=line.pk,
            statement=line.statement_id,
            booking_date=line.booking_date,
            amount=MoneyOut.of(line.money),
            state=line.state,
            note=line.note,
            payer_name=line.payer_name,
            payer_account=line.payer_account,
            remittance=line.remittance,
            reference=line.reference,
        )


class BankLinePageOut(Schema):
    items: list[BankLineOut]
    next_cursor: str | None


class MatchLineIn(Schema):
    reference: Text = Field(min_length=1, max_length=64, description="The RF reference of the pending donation.")


class RecordLineIn(Schema):
    campaign: Text = Field(max_length=80, pattern=SLUG_PATTERN, description="Slug of the campaign to credit.")


class IgnoreLineIn(Schema):
    note: RequiredPublicText = Field(min_length=1, max_length=300, description="Why this line is not a donation.")


class DisbursementIn(Schema):
    need: int = Field(ge=1, le=MAX_ROW_ID, description="Id of the need paid for.")
    payee_category: PayeeCategory
    amount: Text = Field(pattern=AMOUNT_IN_PATTERN, description="Decimal string.")
    currency: Text = Field(pattern=CURRENCY_PATTERN)
    paid_on: dt.date
    public_description: RequiredPublicText = Field(
        min_length=1, max_length=300, description="Public; name no private person."
    )
    fx_rate: Text | None = Field(
        None,
        pattern=r"^[0-9]{1,10}(\.[0-9]{1,10})?$",
        description="Only for a payout in another currency than the campaign's: campaign currency per one unit "
        "of `currency`. Omitted: the ECB reference rate of `paid_on`.",
    )
    fx_source: Text = Field("", max_length=60, description="Where `fx_rate` comes from (required with it).")

    def money(self) -> MoneyIn:
        return MoneyIn(amount=self.amount, currency=self.currency)


class DisbursementOut(Schema):
    id: int
    campaign: str
    need: int
    payee_category: str
    amount: MoneyOut = Field(description="What the fund gave, in the campaign's currency.")
    paid: MoneyOut = Field(description="What the payee received (another currency: converted at `fx_rate`).")
    fx_rate: str = Field(description="Campaign currency per unit of the paid currency; empty when the same.")
    fx_source: str
    paid_on: dt.date
    public_description: str
    status: str = Field(description="awaiting (a second approval), posted, voided or reversed.")
    overdraft_requested: bool = Field(description="Only ever true on payouts recorded before overdrafts were removed.")
    approved_at: dt.datetime | None
    proofs: int

    @staticmethod
    def of(d: Disbursement) -> DisbursementOut:
        return DisbursementOut(
            id=d.pk,
            campaign=d.campaign.slug,
            need=d.need_id,
            payee_category=d.payee_category,
            amount=MoneyOut.of(d.money),
            paid=MoneyOut.of(d.paid_money),
            fx_rate=d.fx_rate,
            fx_source=d.fx_source,
            paid_on=d.paid_on,
            public_description=d.public_description,
            status=d.status,
            overdraft_requested=d.overdraft_requested,
            approved_at=d.approved_at,
            proofs=d.proofs.count(),
        )


class RefundRequestIn(Schema):
    donation: int = Field(ge=1, le=MAX_ROW_ID, description="Id of the paid donation.")
    amount: MoneyIn | None = Field(None, description="In the donation's currency; omitted: all that is left of it.")
    reason: str = Field(min_length=1, max_length=300, description="Why the money goes back (audited).")
    kind: Literal["refund", "reversal"] = Field(
        "refund",
        description="refund: money back to the donor (a card refund goes through the card processor); "
        "reversal: a donation that should not have been recorded (whole donation, not card).",
    )


class RefundDecisionIn(Schema):
    note: str = Field(min_length=1, max_length=300, description="Why the request is rejected.")


class RefundRequestOut(Schema):
    id: int
    donation: int
    campaign: str
    kind: str
    amount: MoneyOut = Field(description="In the donation's currency.")
    fund_amount: MoneyOut = Field(description="What it takes out of the campaign fund, in the campaign's currency.")
    balance_after: MoneyOut = Field(description="The fund's balance once it is booked (awaiting requests only).")
    reason: str
    status: str = Field(description="awaiting (a second approval), approved, rejected or failed.")
    requested_by: str
    decided_by: str | None
    booked: bool = Field(description="Whether the ledger holds it yet (a card refund: once the processor reports it).")
    provider_refund_id: str

    @staticmethod
    def of(r: RefundRequest) -> RefundRequestOut:
        fund_amount = campaign_side(r)
        return RefundRequestOut(
            id=r.pk,
            donation=r.donation_id,
            campaign=r.donation.campaign.slug,
            kind=r.kind,
            amount=MoneyOut.of(r.money),
            fund_amount=MoneyOut.of(fund_amount),
            balance_after=MoneyOut.of(
                balance_after(r) if r.status == "awaiting" else fund_balance(r.donation.campaign)
            ),
            reason=r.reason,
            status=r.status,
            requested_by=r.requested_by.get_username(),
            decided_by=r.decided_by.get_username() if r.decided_by else None,
            booked=r.ledger_transaction_id is not None,
            provider_refund_id=r.provider_refund_id,
        )
