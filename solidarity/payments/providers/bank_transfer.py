"""Bank transfers: ISO 11649 creditor references, the foundation's account, EPC QR codes.

Statement import and matching live in `solidarity.payments.reconciliation`.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from functools import cache

import segno
import segno.helpers
from django.conf import settings
from schwifty import BIC, IBAN

from solidarity.core.errors import DomainError
from solidarity.core.money import Money
from solidarity.payments.statements.references import is_valid_rf, make_rf

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: people type these


def make_creditor_reference(body: str) -> str:
    """'RF' + two check digits + body (1–21 letters and digits), per ISO 11649."""
    body = body.upper()
    if not re.fullmatch(r"[A-Z0-9]{1,21}", body):
        raise DomainError("A creditor reference body is 1 to 21 letters and digits.")
    return make_rf(body)


def is_valid_creditor_reference(reference: str) -> bool:
    return is_valid_rf(reference)


def new_creditor_reference(donation_id: int) -> str:
    """A reference unique to the donation (its id) and hard to mistype into another one."""
    base36 = ""
    n = donation_id
    while True:
        n, r = divmod(n, 36)
        base36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[r] + base36
        if n == 0:
            break
    tail = "".join(secrets.choice(_ALPHABET) for _ in range(5))
    return make_creditor_reference(f"S{base36}{tail}")


def format_reference(reference: str) -> str:
    """Groups of four for reading aloud and typing: 'RF18 S1AB CDEF'."""
    return " ".join(reference[i : i + 4] for i in range(0, len(reference), 4))


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
