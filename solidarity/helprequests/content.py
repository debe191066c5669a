"""The encrypted content of a help request: one JSON document, sealed under the request's
own data key (solidarity.core.shredding), which the purge destroys.

Sealing pads the JSON to a multiple of PAD_BLOCK bytes before encryption, so the length
of the stored token says little about how much the family wrote. The data key is wrapped
by the field keys (SOLIDARITY_ENCRYPTION_KEYS, kept outside the database).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

from django.utils.translation import gettext as _

from solidarity.core.crypto import DecryptionFailed
from solidarity.core.models import DataKey
from solidarity.core.money import Money
from solidarity.core.shredding import open_text, seal_text

PAD_BLOCK = 512
FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class HelpRequestContent:
    """Everything a family submitted, plus the staff's reason if the request was rejected."""

    contact: str
    prisoner_name: str
    situation: str
    needs: str
    amount_minor: int | None = None
    currency: str = ""
    rejection_reason: str = ""

    @property
    def amount(self) -> Money | None:
        if self.amount_minor is None or not self.currency:
            return None
        return Money.from_minor(self.amount_minor, self.currency)


def seal_content(key: DataKey, content: HelpRequestContent) -> str:
    """Encrypt the content under the request's data key; returns the ASCII token to store."""
    document = json.dumps({"v": FORMAT_VERSION, **asdict(content)}, ensure_ascii=False, separators=(",", ":"))
    # JSON ignores trailing whitespace, so spaces pad it without changing its meaning.
    size = len(document.encode())
    padded = document + " " * (-size % PAD_BLOCK)
    return seal_text(key, padded)


def open_content(key: DataKey | None, token: str) -> HelpRequestContent:
    """Decrypt a stored token. Raises DecryptionFailed without the right key or on a damaged
    blob (Shredded, a kind of it, once the data key is destroyed)."""
    try:
        document = json.loads(open_text(key, token))
    except ValueError as exc:
        raise DecryptionFailed(_("The stored help request is damaged.")) from exc
    if not isinstance(document, dict) or document.get("v") != FORMAT_VERSION:
        raise DecryptionFailed(_("The stored help request has an unknown format."))
    known = {f.name for f in fields(HelpRequestContent)}
    return HelpRequestContent(**{k: v for k, v in document.items() if k in known})
