"""Named gifts: the public supporters list of a campaign, and staff hiding an entry.

A donor who typed a public name or a message is listed on the campaign page, in its feed
and in the public API, newest first with the day the money arrived; the amount only if
they chose to show it. Everyone else — and every entry staff hid — is counted as
anonymous. The list shows paid donations only: a pending transfer or a refunded card
payment names nobody.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from solidarity.campaigns.models import Campaign
from solidarity.core.caching import forget_reader_pages, paths_in_every_language
from solidarity.core.errors import DomainError, InvalidTransition
from solidarity.core.money import Money
from solidarity.donations.models import Donation, DonationStatus
from solidarity.staff.roles import Role, require_role
from solidarity.staff.services import record_audit

SUPPORTERS_SHOWN = 50


@dataclass(frozen=True)
class Supporter:
    """One public entry: what the donor chose to show, and the day the money arrived."""

    key: str  # stable and opaque: the anchor and feed id, never the donation's own id
    name: str  # empty: the donor left only a message
    message: str
    day: dt.date
    amount: Money | None  # only when the donor chose to show it


@dataclass(frozen=True)
class SupportersList:
    entries: list[Supporter]
    named: int  # all public entries, of which `entries` are the newest
    anonymous: int


def supporter_key(donation_id: int) -> str:
    """An opaque, stable key for an entry: the donation's id must not be guessable from it."""
    digest = hashlib.sha256(f"supporter:{donation_id}:{settings.SECRET_KEY}".encode()).hexdigest()
    return digest[:16]


def _public_entries(campaign: Campaign) -> QuerySet[Donation]:
    return (
        Donation.objects.filter(campaign=campaign, status=DonationStatus.PAID, public_hidden_at__isnull=True)
        .exclude(public_name="", message="")
        .order_by("-received_on", "-id")
    )


def campaign_supporters(campaign: Campaign, *, limit: int = SUPPORTERS_SHOWN) -> SupportersList:
    """The newest public entries of a campaign and how many gave without one (or were hidden)."""
    rows = list(
        _public_entries(campaign).values(
            "id", "public_name", "message", "received_on", "show_amount", "amount_minor", "currency"
        )[:limit]
    )
    entries = [
        Supporter(
            key=supporter_key(row["id"]),
            name=row["public_name"],
            message=row["message"],
            day=row["received_on"],
            amount=Money.from_minor(row["amount_minor"], row["currency"]) if row["show_amount"] else None,
        )
        for row in rows
        if row["received_on"] is not None
    ]
    paid = Donation.objects.filter(campaign=campaign, status=DonationStatus.PAID)
    named = _public_entries(campaign).count() if len(rows) >= limit else len(rows)
    return SupportersList(entries=entries, named=named, anonymous=paid.count() - named)


def forget_campaign_pages(campaign: Campaign) -> None:
    """After commit, the campaign page is rendered afresh for its next reader (in every
    language), instead of waiting for its cached copy to age out."""
    paths = paths_in_every_language("campaigns:detail", (campaign.slug,))
    transaction.on_commit(lambda: forget_reader_pages(paths))


def is_public_entry(donation: Donation) -> bool:
    return bool(donation.public_name or donation.message)


def hide_public_entry(*, donation: Donation, actor: Any, reason: str) -> Donation:
    """Staff take a donor's name and message off the public pages (an insult, a real name
    that endangers someone). The donation stays counted, as anonymous. Audited."""
    require_role(actor, Role.EDITOR, Role.FINANCE)
    if not reason.strip():
        raise DomainError(_("Say why this entry is hidden."))
    with transaction.atomic():
        locked = Donation.objects.select_for_update().select_related("campaign").get(pk=donation.pk)
        if not is_public_entry(locked):
            raise InvalidTransition(_("This donation shows no name or message."))
        if locked.public_hidden_at is not None:
            raise InvalidTransition(_("This entry is already hidden."))
        locked.public_hidden_at = timezone.now()
        locked.public_hidden_by = actor if getattr(actor, "pk", None) else None
        locked.save(update_fields=["public_hidden_at", "public_hidden_by"])
        record_audit(actor=actor, action="donation.hide_public_entry", target=locked, reason=reason.strip()[:300])
        forget_campaign_pages(locked.campaign)
    return locked


def show_public_entry(*, donation: Donation, actor: Any) -> Donation:
    """Undo `hide_public_entry`: the name and message are public again. Audited."""
    require_role(actor, Role.EDITOR, Role.FINANCE)
    with transaction.atomic():
        locked = Donation.objects.select_for_update().select_related("campaign").get(pk=donation.pk)
        if locked.public_hidden_at is None:
            raise InvalidTransition(_("This entry is not hidden."))
        Donation.objects.filter(pk=locked.pk).update(public_hidden_at=None, public_hidden_by=None)
        record_audit(actor=actor, action="donation.show_public_entry", target=locked)
        forget_campaign_pages(locked.campaign)
    locked.refresh_from_db()
    return locked
