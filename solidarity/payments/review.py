"""The review queue: ranked candidates for a line without a reference, a person's
confirmation, undoing a wrong match, and dismissing lines in bulk.

An amount alone never settles a donation. A line whose text quotes no reference of ours
waits here with its candidates: pending bank transfers of the same amount and currency
created in the transfer window before the booking, ranked by the words they share with
the payer's name and the remittance text (the donor's public name, the campaign's title
and address) and then by how close the dates are. A person confirms one.

A wrong match is undone by a reversing ledger transaction: the donation is pending again,
the line waits in the queue again, and both steps are in the audit log.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from solidarity.core.errors import DomainError, InvalidTransition
from solidarity.donations.models import Channel, Donation
from solidarity.donations.services import undo_bank_settlement
from solidarity.payments.models import BankLine
from solidarity.payments.reconciliation import OPEN, allocate_line, erase_payer, open_line_for_review
from solidarity.staff.roles import Role, require_role
from solidarity.staff.services import record_audit

MAX_CANDIDATES = 5
_WORD = re.compile(r"[^\W\d_]{3,}")
# Words that say nothing about who paid or for whom (campaign titles and transfer texts are full of them).
_COMMON = frozenset(
    [
        "for",
        "the",
        "and",
        "from",
        "with",
        "gift",
        "donation",
        "help",
        "support",
        "für",
        "von",
        "und",
        "spende",
        "hilfe",
        "для",
        "от",
        "при",
        "ради",
        "помощь",
        "пожертвование",
        "поддержка",
        "дар",
        "ахвяраванне",
        "дапамога",
        "падтрымка",
    ]
)


@dataclass(frozen=True)
class Candidate:
    """A pending donation that may be what a line pays, with why it ranks where it does."""

    donation: Donation
    shared_words: tuple[str, ...]
    days_apart: int

    @property
    def rank_key(self) -> tuple[int, int, int]:
        return (-len(self.shared_words), self.days_apart, -self.donation.pk)


def words(text: str) -> set[str]:
    """Name-like tokens: letters only, three or more, case-folded (Cyrillic included)."""
    return {w.casefold() for w in _WORD.findall(text)} - _COMMON


def _window_days() -> int:
    return int(getattr(settings, "SOLIDARITY_BANK_TRANSFER_DAYS", 30))


def line_candidates(line: BankLine, *, limit: int = MAX_CANDIDATES) -> list[Candidate]:
    """Ranked candidates for a line waiting for review (none for a line already decided)."""
    if line.state != BankLine.State.UNMATCHED or line.amount_minor <= 0:
        return []
    earliest = line.booking_date - dt.timedelta(days=_window_days())
    latest = line.booking_date + dt.timedelta(days=1)  # time zones: created late the same day
    found = Donation.objects.filter(
        channel=Channel.BANK_TRANSFER,
        status__in=OPEN,
        amount_minor=line.amount_minor,
        currency=line.currency,
        created_at__date__gte=earliest,
        created_at__date__lte=latest,
    ).select_related("campaign", "campaign__beneficiary")[:200]
    said = words(f"{line.payer_name} {line.remittance}")
    ranked = []
    for donation in found:
        campaign = donation.campaign
        theirs = words(
            f"{donation.public_name} {campaign.title} {campaign.slug.replace('-', ' ')} "
            f"{campaign.beneficiary.public_name}"
        )
        days = abs((line.booking_date - donation.created_at.date()).days)
        ranked.append(Candidate(donation=donation, shared_words=tuple(sorted(said & theirs)), days_apart=days))
    ranked.sort(key=lambda c: c.rank_key)
    return ranked[:limit]


def confirm_candidate(*, line: BankLine, donation: Donation, actor: Any) -> BankLine:
    """A person says which candidate a line pays: the donation is settled with the line's amount.

    Refused when the line was decided already (a second click) or the donation is not a
    candidate of this line (another amount or currency, not pending, not a transfer).
    """
    require_role(actor, Role.FINANCE)
    with transaction.atomic():
        bank_line = open_line_for_review(line.pk)
        locked = Donation.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=donation.pk)
        if not (
            locked.channel == Channel.BANK_TRANSFER
            and locked.status in OPEN
            and locked.amount_minor == bank_line.amount_minor
            and locked.currency == bank_line.currency
        ):
            raise DomainError(
                _("Donation #%(id)s is not a candidate for this line: it is not a pending transfer of %(amount)s.")
                % {"id": locked.pk, "amount": bank_line.money}
            )
        allocate_line(bank_line, [(locked, bank_line.money)])
        bank_line.note = "confirmed by a person"
        bank_line.save(update_fields=["note"])
        record_audit(
            actor=actor,
            action="payments.confirm_candidate",
            target=bank_line,
            donation=locked.pk,
            amount=str(bank_line.money),
        )
    return bank_line


def undo_line_match(*, line: BankLine, actor: Any, reason: str) -> BankLine:
    """A matched line paid the wrong donation(s): reverse each booking, the donations become
    pending again and the line waits for review again (its payer details stay erased)."""
    require_role(actor, Role.FINANCE)
    if not reason.strip():
        raise DomainError(_("Say why the match was wrong."))
    with transaction.atomic():
        bank_line = BankLine.objects.select_for_update().get(pk=line.pk)
        allocations = list(bank_line.allocations.filter(undone_by__isnull=True).select_related("ledger_transaction"))
        if bank_line.state != BankLine.State.MATCHED or not allocations:
            raise InvalidTransition(_("This statement line is not matched to a donation; there is nothing to undo."))
        for allocation in allocations:
            allocation.undone_by = undo_bank_settlement(
                donation=allocation.donation, settled_by=allocation.ledger_transaction, actor=actor, reason=reason
            )
            allocation.save(update_fields=["undone_by"])
        bank_line.state = BankLine.State.UNMATCHED
        bank_line.note = f"match undone: {reason.strip()}"[:300]
        bank_line.save(update_fields=["state", "note"])
        record_audit(
            actor=actor,
            action="payments.undo_line_match",
            target=bank_line,
            reason=reason.strip(),
            donations=[a.donation_id for a in allocations],
        )
    return bank_line


def dismiss_lines(*, lines: list[BankLine], actor: Any, reason: str) -> int:
    """Bulk: the lines waiting for review are not donations (fees, internal transfers, duplicates).

    One reason for all, one transaction: a line decided meanwhile refuses the whole batch.
    Their payer details are erased. Returns how many lines were dismissed.
    """
    require_role(actor, Role.FINANCE)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why these lines are not donations."))
    if not lines:
        raise DomainError(_("Choose at least one line."))
    with transaction.atomic():
        for line in sorted(lines, key=lambda item: item.pk):
            bank_line = open_line_for_review(line.pk)
            bank_line.state = BankLine.State.IGNORED
            bank_line.note = reason[:300]
            erase_payer(bank_line)
            bank_line.save()
        record_audit(
            actor=actor, action="payments.dismiss_lines", reason=reason, lines=sorted(line.pk for line in lines)
        )
    return len(lines)
