"""What a statement file would book, shown before anything is stored, and the file held
between the preview and the booking.

The preview parses the file and checks its account exactly as the import will, and says
which lines are known already; it books nothing. The file waits for the person's decision
in the database (`HeldStatement`, so any app server can book it), encrypted under a random
key that only their preview page holds (the token), for `HOLD_SECONDS`; booking takes it
out, so a second click finds nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from base64 import urlsafe_b64encode
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.db import transaction
from django.utils import timezone

from solidarity.payments.models import BankLine, HeldStatement
from solidarity.payments.own_accounts import require_own_accounts
from solidarity.payments.statements import CsvMapping, ParsedStatement, StatementLine, parse_statement
from solidarity.staff.roles import Role, require_role

HOLD_SECONDS = 30 * 60
SHOWN_LINES = 200


@dataclass(frozen=True)
class PreviewLine:
    line: StatementLine
    known: bool  # imported before (same checksum): booking skips it


@dataclass(frozen=True)
class Preview:
    parsed: ParsedStatement
    lines: list[PreviewLine]  # the first SHOWN_LINES
    known: int
    credits: int
    debits: int

    @property
    def new(self) -> int:
        return len(self.parsed.lines) - self.known


def preview_statement(*, data: bytes, actor: Any, filename: str = "", csv_mapping: CsvMapping | None = None) -> Preview:
    """Parse and check a statement as the import would (StatementError, ForeignAccount), storing nothing."""
    require_role(actor, Role.FINANCE)
    parsed = parse_statement(data, filename=filename, csv_mapping=csv_mapping)
    require_own_accounts([line.statement_account for line in parsed.lines] or [parsed.account])
    checksums = [line.checksum for line in parsed.lines]
    known = set()
    for start in range(0, len(checksums), 500):
        chunk = checksums[start : start + 500]
        known |= set(BankLine.objects.filter(checksum__in=chunk).values_list("checksum", flat=True))
    return Preview(
        parsed=parsed,
        lines=[PreviewLine(line=line, known=line.checksum in known) for line in parsed.lines[:SHOWN_LINES]],
        known=sum(1 for c in checksums if c in known),
        credits=sum(1 for line in parsed.lines if line.is_credit),
        debits=sum(1 for line in parsed.lines if not line.is_credit),
    )


@dataclass(frozen=True)
class HeldUpload:
    data: bytes
    filename: str
    csv_format: int | None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hold_upload(*, data: bytes, filename: str, csv_format: int | None) -> str:
    """Keep the file (encrypted) until it is booked or HOLD_SECONDS pass; returns the token."""
    token = urlsafe_b64encode(secrets.token_bytes(32)).decode()
    header = json.dumps({"filename": filename[:200], "csv_format": csv_format}).encode()
    sealed = Fernet(token.encode()).encrypt(len(header).to_bytes(4, "big") + header + data)
    with transaction.atomic():
        HeldStatement.objects.filter(held_at__lt=timezone.now() - dt.timedelta(seconds=HOLD_SECONDS)).delete()
        HeldStatement.objects.create(token_sha256=_token_hash(token), sealed=sealed)
    return token


def take_upload(token: str) -> HeldUpload | None:
    """The held file, removed; None when expired, taken already (a second click), or not a token."""
    if not token or len(token) > 100:
        return None
    fresh_since = timezone.now() - dt.timedelta(seconds=HOLD_SECONDS)
    with transaction.atomic():
        held = (
            HeldStatement.objects.select_for_update()
            .filter(token_sha256=_token_hash(token), held_at__gte=fresh_since)
            .first()
        )
        if held is None:
            return None
        sealed = bytes(held.sealed)
        held.delete()
    try:
        plain = Fernet(token.encode()).decrypt(sealed)
    except (InvalidToken, ValueError):
        return None
    size = int.from_bytes(plain[:4], "big")
    header = json.loads(plain[4 : 4 + size])
    return HeldUpload(data=plain[4 + size :], filename=header["filename"], csv_format=header["csv_format"])
