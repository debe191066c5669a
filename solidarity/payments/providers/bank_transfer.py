"""Bank transfers: the foundation's account and EPC QR codes.

The RF creditor reference a donor quotes is issued by donations
(`solidarity.donations.references`).

Statement import and matching live in `solidarity.payments.reconciliation`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import segno
import segno.helpers
from django.conf import settings
from schwifty import BIC, IBAN

from solidarity.core.errors import DomainError
from solidarity.core.money import Money
from solidarity.payments.providers.base import ProviderEventData, RefundNotSupported, StartedPayment, WebhookRejected

if TYPE_CHECKING:
    from solidarity.donations.models import Donation


@dataclass(frozen=True)
class BankAccount:
    holder: str
    iban: str
    bic: str

    @property
    def iban_formatted(self) -> str:
        return str(IBAN(self.iban).formatted)


@cache
def _validated(holder: str, iban: str, bic: str) -> BankAccount:
    try:
        valid_iban = IBAN(iban)
        valid_bic = BIC(bic) if bic else None
    except ValueError as exc:
        raise DomainError(f"The configured bank account is invalid: {exc}") from exc
    return BankAccount(holder=holder, iban=str(valid_iban.compact), bic=str(valid_bic or ""))


def foundation_account() -> BankAccount:
    """The account donors transfer to, validated (IBAN check digits, BIC format)."""
    return _validated(settings.BANK_ACCOUNT_HOLDER, settings.BANK_IBAN, settings.BANK_BIC)


def epc_qr_svg(*, amount: Money, reference: str) -> str | None:
    """An EPC (GiroCode) QR code as inline SVG, or None where EPC does not apply (non-EUR)."""
    if amount.currency != "EUR":
        return None
    account = foundation_account()
    qr = segno.helpers.make_epc_qr(
        name=account.holder[:70], iban=account.iban, bic=account.bic or None, amount=amount.amount, reference=reference
    )
    svg: str = qr.svg_inline(scale=4, title="EPC QR code", dark="#1f2328", light="#ffffff")
    return svg


class BankTransferProvider:
    """The donor transfers to the foundation's account quoting the donation's RF reference.

    Nothing is started at a processor: the page shows the account, the reference and a
    QR code. Money is seen in imported bank statements (`solidarity.payments.reconciliation`),
    never in webhooks. The platform cannot send a transfer back by itself: staff refund
    at the bank and reverse the donation in the back office.
    """

    name = "bank_transfer"
    channels: tuple[str, ...] = ("bank_transfer",)
    supports_refund = False
    supports_recurring = False  # a standing order at the donor's bank, not ours
    receives_webhooks = False

    def start_payment(self, *, donation: Donation, language: str) -> StartedPayment:
        if not donation.bank_reference:
            raise DomainError(f"Donation #{donation.pk} has no bank reference to quote.")
        return StartedPayment(redirect_url="", session_id=donation.bank_reference)

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> ProviderEventData:
        raise WebhookRejected("Bank transfers arrive in imported statements, not as webhooks.")

    def refund(self, *, donation: Donation, amount: Money | None = None) -> str:
        raise RefundNotSupported("A bank transfer is refunded at the bank; then reverse the donation.")
