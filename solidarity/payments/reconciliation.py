"""Bank statement import and matching of transfers to pending donations.

Every line of a statement is stored once under its checksum (a unique constraint), so
importing the same file again, or an overlapping one, changes nothing. A file is imported
in one database transaction: a file that fails (or a process killed) halfway leaves no
line, posting or statement behind. Credits are matched to pending bank-transfer
donations by RF reference (anywhere in the text, however spaced, cased or prefixed),
and matched lines post ledger transactions. An amount alone never settles a donation: a
line without a reference of ours waits in the review queue, where a person confirms one
of its ranked candidates (payments.review).

The payer's name, account and text are sealed under the line's own data key before the
line is written (solidarity.core.shredding); matching or dismissing a line destroys the
key, and so does the daily purge for lines left waiting for review longer than
SOLIDARITY_BANK_LINE_RETENTION_DAYS. Everything else waits in the review queue.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from solidarity.campaigns.models import Campaign
from solidarity.core.errors import DomainError, InvalidTransition
from solidarity.core.money import Money
from solidarity.core.shredding import new_data_key, shred
from solidarity.donations import settlement
from solidarity.donations.intents import pending_transfer_donation
from solidarity.donations.models import Channel, Donation, DonationStatus
from solidarity.donations.outcomes import PaymentSucceeded, record_outcome
from solidarity.payments.models import BankLine, BankLineAllocation, ImportedStatement
from solidarity.payments.movements import PERSONAL_REGEX, movement_tags, same_movement, without_personal_tags
from solidarity.payments.own_accounts import require_own_accounts
from solidarity.payments.payer_details import PayerDetails, seal_payer_details
from solidarity.payments.statements import CsvMapping, parse_statement
from solidarity.payments.statements.lines import StatementLine
from solidarity.payments.statements.references import find_rf_references
from solidarity.staff.roles import Role, require_role
from solidarity.staff.services import record_audit

DEFAULT_RETENTION_DAYS = 60
OPEN = (DonationStatus.PENDING, DonationStatus.EXPIRED)
Progress = Callable[[int, int], None]


@dataclass
class ImportSummary:
    statement: ImportedStatement
    total: int = 0
    new: int = 0
    duplicate: int = 0
    matched: int = 0
    unmatched: int = 0
    not_donations: int = 0
    same_movement: int = 0  # already imported from another statement of the account (MT940 / camt)
    skipped: int = 0  # informational entries without an amount, reported by the parser
    warnings: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        skipped = f" (+{self.skipped} informational entries without an amount)" if self.skipped else ""
        return (
            f"{self.total} lines{skipped}: {self.new} new ({self.matched} matched, {self.unmatched} waiting for review, "
            f"{self.not_donations} outgoing or zero), {self.duplicate} already imported"
            + (f", {self.same_movement} the same movement as a line of another statement" if self.same_movement else "")
        )


def import_statement(
    *,
    data: bytes,
    actor: Any,
    filename: str = "",
    csv_mapping: CsvMapping | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Parse a camt.053, MT940 or CSV statement and import its lines.

    A malformed file raises StatementError before anything is stored. The whole file is
    one transaction: an error on any line (or in `progress`) stores nothing at all.
    """
    require_role(actor, Role.FINANCE)
    parsed = parse_statement(data, filename=filename, csv_mapping=csv_mapping)
    # Another account's statement (a member's, a partner's) must not book anything here.
    require_own_accounts([line.statement_account for line in parsed.lines] or [parsed.account])
    with transaction.atomic():
        statement = ImportedStatement.objects.create(
            file_sha256=hashlib.sha256(data).hexdigest(),
            format=parsed.format,
            account=parsed.account[:64],
            imported_by=actor,
        )
        summary = ImportSummary(
            statement=statement, total=len(parsed.lines), skipped=parsed.skipped, warnings=list(parsed.warnings)
        )
        for index, line in enumerate(parsed.lines, start=1):
            outcome = _import_line(statement, line)
            setattr(summary, outcome, getattr(summary, outcome) + 1)
            if outcome != "duplicate":
                summary.new += 1
            if progress:
                progress(index, summary.total)
        ImportedStatement.objects.filter(pk=statement.pk).update(
            lines_total=summary.total,
            lines_new=summary.new,
            lines_duplicate=summary.duplicate + summary.same_movement,
            lines_matched=summary.matched,
            lines_unmatched=summary.unmatched,
        )
        record_audit(
            actor=actor,
            action="payments.import_statement",
            target=statement,
            format=parsed.format,
            total=summary.total,
            new=summary.new,
            duplicate=summary.duplicate,
            same_movement=summary.same_movement,
            matched=summary.matched,
            unmatched=summary.unmatched,
        )
    statement.refresh_from_db()
    return summary


def _import_line(statement: ImportedStatement, line: StatementLine) -> str:
    """Store and try to match one line; returns the summary field it counts in."""
    if BankLine.objects.filter(checksum=line.checksum).exists():
        return "duplicate"
    credit = line.amount.is_positive() and not line.is_reversal
    refs = _references(line) if credit else []
    account = line.statement_account[:64]
    tags = movement_tags(line, refs)
    payer = (
        PayerDetails(name=line.payer_name[:140], account=line.payer_account[:64], text=line.remittance[:2000])
        if credit
        else PayerDetails()
    )
    twin = same_movement(statement=statement, line=line, account=account, tags=tags)
    if twin is not None:
        return _store_same_movement(statement, line, twin, account, tags, payer)
    try:
        with transaction.atomic():
            key = new_data_key() if payer else None
            bank_line = BankLine.objects.create(
                checksum=line.checksum,
                statement=statement,
                booking_date=line.booking_date,
                amount_minor=line.amount.minor,
                currency=line.amount.currency,
                reference=_joined(refs),
                data_key=key,
                payer_sealed=seal_payer_details(key, payer) if key else "",
                state=BankLine.State.UNMATCHED if credit else BankLine.State.IGNORED,
                note="" if credit else "outgoing, reversal or zero amount",
                account=account,
                movement_tags=tags,
            )
            if not credit:
                return "not_donations"
            return "matched" if _auto_match(bank_line, refs) else "unmatched"
    except IntegrityError:
        if BankLine.objects.filter(checksum=line.checksum).exists():
            return "duplicate"  # a concurrent import stored it first
        raise


def _store_same_movement(
    statement: ImportedStatement, line: StatementLine, twin: BankLine, account: str, tags: str, payer: PayerDetails
) -> str:
    """The movement is already known from another statement (an MT940 beside a camt.053):
    kept as a flagged line that books nothing and is not queued. Its payer details are
    sealed like a waiting line's, so a wrong flag can still be decided; dismissing it, or
    the retention purge, erases them."""
    try:
        with transaction.atomic():
            key = new_data_key() if payer else None
            BankLine.objects.create(
                data_key=key,
                payer_sealed=seal_payer_details(key, payer) if key else "",
                checksum=line.checksum,
                statement=statement,
                booking_date=line.booking_date,
                amount_minor=line.amount.minor,
                currency=line.amount.currency,
                state=BankLine.State.DUPLICATE,
                note=f"same movement as line #{twin.pk} (imported from {twin.statement.format})",
                account=account,
                movement_tags=without_personal_tags(tags),
                duplicate_of=twin,
            )
    except IntegrityError:
        if BankLine.objects.filter(checksum=line.checksum).exists():
            return "duplicate"
        raise
    return "same_movement"


def _references(line: StatementLine) -> list[str]:
    """RF references in the line; digit groups without "RF" are tried only when none has it."""
    text = f"{line.structured_reference} {line.remittance}"
    return find_rf_references(text) or find_rf_references(text, accept_missing_prefix=True)


def _joined(refs: list[str], limit: int = 64) -> str:
    """As many whole references as fit the column."""
    kept: list[str] = []
    for ref in refs:
        if len(" ".join([*kept, ref])) > limit:
            break
        kept.append(ref)
    return " ".join(kept)


def _auto_match(bank_line: BankLine, refs: list[str]) -> bool:
    donations = (
        list(Donation.objects.filter(bank_reference__in=refs).select_related("campaign").order_by("id")) if refs else []
    )
    if donations:
        open_ones = [d for d in donations if d.status in OPEN]
        if len(open_ones) == 1:
            allocate_line(bank_line, [(open_ones[0], bank_line.money)])
            return True
        if open_ones:
            total = sum(d.amount_minor for d in open_ones)
            if all(d.currency == bank_line.currency for d in open_ones) and total == bank_line.amount_minor:
                allocate_line(bank_line, [(d, d.money) for d in open_ones])
                return True
            bank_line.note = f"pays {len(open_ones)} references but the amounts do not add up"
        else:
            # A standing order quotes the same reference every month: its next donation.
            next_month = settlement.standing_order_donation(references=refs)
            if next_month is not None:
                allocate_line(bank_line, [(next_month, bank_line.money)])
                return True
            bank_line.note = "reference already paid: a second transfer?"
        bank_line.save(update_fields=["note"])
        return False
    # No reference of ours (none at all, or only look-alikes). An amount alone never settles
    # a donation: a person confirms one of the ranked candidates (payments.review).
    bank_line.note = "reference not issued by us" if refs else "no reference found"
    bank_line.save(update_fields=["note"])
    return False


def allocate_line(bank_line: BankLine, parts: list[tuple[Donation, Money]]) -> None:
    """Settle each donation with its part of the line, then forget who paid.

    A line whose earlier match was undone (payments.review) settles under a new key, so
    the ledger does not hand back the reversed transaction.
    """
    undone = BankLineAllocation.objects.filter(line=bank_line, undone_by__isnull=False).count()
    attempt = f":{undone}" if undone else ""
    for donation, part in parts:
        txn = record_outcome(
            PaymentSucceeded(
                donation=donation,
                received=part,
                on=bank_line.booking_date,
                channel=Channel.BANK_TRANSFER,
                key=f"bank:{bank_line.checksum}:{donation.pk}{attempt}",
            )
        )
        BankLineAllocation.objects.create(
            line=bank_line, donation=donation, amount_minor=part.minor, ledger_transaction=txn
        )
    bank_line.state = BankLine.State.MATCHED
    erase_payer(bank_line)
    bank_line.save(update_fields=["state", "data_key", "payer_sealed", "reference"])


def erase_payer(bank_line: BankLine) -> None:
    """Destroy the line's data key: its sealed payer details can no longer be opened by anyone.

    The caller saves the line; blanking the columns only tidies the live row, the
    destroyed key is what makes every older copy of them unreadable.
    """
    key_id = bank_line.data_key_id
    bank_line.data_key = None
    bank_line.payer_sealed = bank_line.reference = ""
    shred([key_id])


def open_line_for_review(line_id: int) -> BankLine:
    bank_line = BankLine.objects.select_for_update().get(pk=line_id)
    if bank_line.state not in (BankLine.State.UNMATCHED, BankLine.State.DUPLICATE):
        raise InvalidTransition(_("This statement line is not waiting for review: it was decided already."))
    return bank_line


def match_line_to_donation(*, line: BankLine, reference: str, actor: Any) -> BankLine:
    """Review queue: staff say which pending donation (by its reference) a line pays."""
    require_role(actor, Role.FINANCE)
    refs = find_rf_references(reference, accept_missing_prefix=True)
    if not refs:
        raise DomainError(_("That is not a valid RF reference."))
    with transaction.atomic():
        bank_line = open_line_for_review(line.pk)
        donation = Donation.objects.filter(bank_reference=refs[0], status__in=OPEN).select_related("campaign").first()
        if donation is None:  # a standing order's reference: the line is its next month
            donation = settlement.standing_order_donation(references=refs[:1])
        if donation is None:
            raise DomainError(_("No pending bank transfer has the reference %(reference)s.") % {"reference": refs[0]})
        allocate_line(bank_line, [(donation, bank_line.money)])
        record_audit(
            actor=actor,
            action="payments.match_line",
            target=bank_line,
            donation=donation.pk,
            amount=str(bank_line.money),
        )
    return bank_line


def record_line_as_donation(*, line: BankLine, campaign: Campaign, actor: Any) -> BankLine:
    """Review queue: a transfer that quoted no reference becomes a new anonymous donation to a campaign."""
    require_role(actor, Role.FINANCE)
    with transaction.atomic():
        bank_line = open_line_for_review(line.pk)
        donation = pending_transfer_donation(campaign=campaign, amount=bank_line.money, actor=actor)
        allocate_line(bank_line, [(donation, bank_line.money)])
        record_audit(
            actor=actor,
            action="payments.line_to_campaign",
            target=bank_line,
            campaign=campaign.slug,
            donation=donation.pk,
        )
    return bank_line


def ignore_line(*, line: BankLine, actor: Any, note: str) -> BankLine:
    """Review queue: not a donation (a grant, an internal transfer); payer details are erased."""
    require_role(actor, Role.FINANCE)
    if not note.strip():
        raise DomainError(_("Say why this line is not a donation."))
    with transaction.atomic():
        bank_line = open_line_for_review(line.pk)
        bank_line.state = BankLine.State.IGNORED
        bank_line.note = note.strip()[:300]
        erase_payer(bank_line)
        bank_line.save()
        record_audit(actor=actor, action="payments.ignore_line", target=bank_line, note=bank_line.note)
    return bank_line


def retention_days() -> int:
    return int(getattr(settings, "SOLIDARITY_BANK_LINE_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def erase_stale_payer_details(*, now: dt.datetime | None = None) -> int:
    """Destroy the payer details of lines waiting for review longer than the retention time.

    Counted from the import. The line itself (amount, day, references) stays in the review
    queue; it can still be matched by its reference. Returns how many lines lost their
    details. Run daily (the purge_bank_lines command).
    """
    cutoff = (now or timezone.now()) - dt.timedelta(days=retention_days())
    with transaction.atomic():
        # The keyed hashes of payer account and text (payments.movements) go too, whatever the line's state.
        for tagged in BankLine.objects.select_for_update(of=("self",)).filter(
            statement__imported_at__lt=cutoff, movement_tags__regex=PERSONAL_REGEX
        ):
            tagged.movement_tags = without_personal_tags(tagged.movement_tags)
            tagged.save(update_fields=["movement_tags"])
        stale = list(
            BankLine.objects.select_for_update(of=("self",))
            .filter(
                state__in=[BankLine.State.UNMATCHED, BankLine.State.DUPLICATE],
                data_key__isnull=False,
                statement__imported_at__lt=cutoff,
            )
            .order_by("pk")
        )
        for bank_line in stale:
            erase_payer(bank_line)
            bank_line.note = (bank_line.note + "; " if bank_line.note else "") + "payer details erased after retention"
            bank_line.note = bank_line.note[:300]
            bank_line.save(update_fields=["data_key", "payer_sealed", "note"])
        if stale:
            record_audit(actor=None, action="payments.purge_bank_lines", count=len(stale))
    return len(stale)
