"""The same movement in two statements of one account: an MT940 and a camt.053 of the same days.

The checksum (statements/lines.py) recognises a line seen before in the same shape; two
formats of one account describe the same booking differently (another text layout, the
bank's reference in another field), so their checksums differ. Here a movement is known by
its account, booking date, amount and currency, plus at least one thing that identifies it
in both: the RF reference, the bank's reference, the end-to-end id, the counterparty's
account or the remittance text (letters and digits only).

Those identifiers are kept as short keyed hashes (HMAC under the site's SECRET_KEY), never
in plain. The counterparty and text tags point at a person, so they are kept only for the
retention time of payer details (SOLIDARITY_BANK_LINE_RETENTION_DAYS after the import,
whatever became of the line: the other format's file may come days after a match), then
the daily purge removes them; the references stay.
"""

from __future__ import annotations

import re

from django.utils.crypto import salted_hmac

from solidarity.payments.models import BankLine, ImportedStatement
from solidarity.payments.statements.lines import StatementLine

_SALT = "solidarity.payments.movement"
_NOT_AN_ID = {"", "NOTPROVIDED", "NONREF", "NONE"}
_ALNUM = re.compile(r"[^0-9A-Z]")
PERSONAL = ("p", "t")  # the payer's (counterparty's) account, the text: not hex digits, so a regex finds them
PERSONAL_REGEX = r"(^| )[pt]"


def _tag(kind: str, value: str) -> str:
    return kind + salted_hmac(_SALT, f"{kind}:{value}").hexdigest()[:15]


def movement_tags(line: StatementLine, references: list[str]) -> str:
    """Space-separated keyed tags of what identifies the line's movement in any format."""
    values = [
        *(("r", ref) for ref in references),
        ("r", line.structured_reference.upper()),
        ("b", line.bank_reference.upper()),
        ("e", line.end_to_end_id.upper()),
        ("p", _ALNUM.sub("", line.payer_account.upper())),
        ("t", _ALNUM.sub("", line.remittance.upper())[:200]),
    ]
    tags = dict.fromkeys(_tag(kind, value) for kind, value in values if value not in _NOT_AN_ID and len(value) > 2)
    return " ".join(tags)[:200]


def without_personal_tags(tags: str) -> str:
    """The tags that name no person (references), for a line whose payer details are erased."""
    return " ".join(tag for tag in tags.split() if not tag.startswith(PERSONAL))


def same_movement(*, statement: ImportedStatement, line: StatementLine, account: str, tags: str) -> BankLine | None:
    """An earlier line of another import that is the same movement, if there is one.

    A line already claimed as the twin of another line of this import is not offered
    twice: two equal transfers on one day stay two.
    """
    mine = set(tags.split())
    if not mine or not account:
        return None
    claimed = BankLine.objects.filter(statement=statement, duplicate_of__isnull=False).values("duplicate_of")
    earlier = (
        BankLine.objects.filter(
            account=account,
            booking_date=line.booking_date,
            amount_minor=line.amount.minor,
            currency=line.amount.currency,
        )
        .exclude(statement=statement)
        .exclude(state=BankLine.State.DUPLICATE)
        .exclude(pk__in=claimed)
        .exclude(movement_tags="")
        .order_by("pk")
    )
    for candidate in earlier:
        if mine & set(candidate.movement_tags.split()):
            return candidate
    return None
