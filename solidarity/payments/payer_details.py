"""What a bank statement line says about the payer, sealed under the line's data key.

Name, account and remittance text are one JSON document, padded to a multiple of
PAD_BLOCK bytes before encryption so the token's length says little about the payer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from solidarity.core.models import DataKey
from solidarity.core.shredding import open_text, seal_text

PAD_BLOCK = 256


@dataclass(frozen=True, slots=True)
class PayerDetails:
    name: str = ""
    account: str = ""
    text: str = ""

    def __bool__(self) -> bool:
        return bool(self.name or self.account or self.text)


def seal_payer_details(key: DataKey, details: PayerDetails) -> str:
    """Encrypt the details under `key`; empty details seal to the empty string."""
    if not details:
        return ""
    document = json.dumps(
        {"name": details.name, "account": details.account, "text": details.text},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return seal_text(key, document + " " * (-len(document.encode()) % PAD_BLOCK))


def open_payer_details(key: DataKey | None, token: str) -> PayerDetails:
    """Decrypt; an erased line (no key, or no token) has empty details."""
    if not token or key is None:
        return PayerDetails()
    document = json.loads(open_text(key, token))
    return PayerDetails(
        name=document.get("name", ""), account=document.get("account", ""), text=document.get("text", "")
    )
