"""ISO 11649 (RF) creditor references: what a donor quotes on a bank transfer.

The reference belongs to the donation it names (as an order code belongs to its order):
donations issues it and checks it; the bank-transfer rail only shows it and finds it in
statement text (the payments app's statement parsing).
"""

from __future__ import annotations

import re
import secrets
import string

from solidarity.core.errors import DomainError

_ALNUM = string.digits + string.ascii_uppercase
_RF = re.compile(r"^RF\d{2}[0-9A-Z]{1,21}$")
_BODY = re.compile(r"^[0-9A-Z]{1,21}$")
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: people type these


def _mod97(text: str) -> int:
    digits = "".join(str(_ALNUM.index(ch)) for ch in text)
    return int(digits) % 97


def rf_check_digits(body: str) -> str:
    """The two check digits for a reference body (1 to 21 letters or digits)."""
    body = body.upper()
    if not _BODY.match(body):
        raise ValueError(f"Not an ISO 11649 reference body: {body!r}.")
    return f"{98 - _mod97(body + 'RF00'):02d}"


def make_rf(body: str) -> str:
    """Build the electronic form "RF" + check digits + body."""
    return f"RF{rf_check_digits(body)}{body.upper()}"


def normalise_rf(value: str) -> str:
    """Upper case, without spaces or hyphens: the electronic form."""
    return re.sub(r"[\s\-]", "", value).upper()


def is_valid_rf(value: str) -> bool:
    """True for a well-formed RF reference with correct check digits (any spacing or case)."""
    ref = normalise_rf(value)
    return bool(_RF.match(ref)) and _mod97(ref[4:] + ref[:4]) == 1


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
