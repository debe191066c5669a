"""Writes for campaigns: needs and the guarded life cycle; beneficiaries' consent and case notes.

draft → in review → active → closed → reported → archived; a campaign in review can be
sent back to draft. Every transition records who made it and when, and is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from solidarity.campaigns.models import (
    Beneficiary,
    BeneficiaryNote,
    Campaign,
    CampaignStatus,
    CampaignTransition,
    ConsentGiver,
    ConsentScope,
    Need,
    NeedRecurrence,
)
from solidarity.core.errors import CurrencyMismatch, DomainError, InvalidAmount, InvalidTransition
from solidarity.core.money import Money
from solidarity.core.shredding import new_data_key, seal_text, shred
from solidarity.staff.roles import Role, require_role
from solidarity.staff.services import record_audit

S = CampaignStatus
NOTE_LIMIT = 5000


class InvalidConsent(DomainError):
    code = "invalid_consent"


ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.IN_REVIEW},
    S.IN_REVIEW: {S.DRAFT, S.ACTIVE},
    S.ACTIVE: {S.CLOSED},
    S.CLOSED: {S.REPORTED},
    S.REPORTED: {S.ARCHIVED},
    S.ARCHIVED: set(),
}


def check_monthly_schedule(
    *, recurrence: str, months: int | None, first_month: dt.date | None, due_day: int
) -> dt.date | None:
    """Refuse (DomainError) a schedule that does not fit the recurrence; return the first month's first day.

    A monthly need runs from a first month for a number of months (none: until further
    notice) and is due on a day 1–28 (every month has it); a one-off need has no schedule.
    A monthly need without a first month starts in the month its campaign is published.
    """
    if not 1 <= due_day <= 28:
        raise DomainError(_("The due day is a day of the month from 1 to 28."))
    if months is not None and months < 1:
        raise DomainError(_("A monthly need runs for at least one month (or leave it empty: until further notice)."))
    if recurrence != NeedRecurrence.MONTHLY:
        if months is not None or first_month is not None:
            raise DomainError(_("Only a monthly need has a first month and a number of months."))
        return None
    # Without a first month the schedule starts in the month the campaign is published.
    return first_month.replace(day=1) if first_month is not None else None


def add_need(
    *,
    campaign: Campaign,
    category: str,
    description: str,
    amount: Money,
    recurrence: str = NeedRecurrence.ONE_OFF,
    actor: Any = None,
    months: int | None = None,
    first_month: dt.date | None = None,
    due_day: int = 1,
    **translations: str,
) -> Need:
    """Add an itemized need. Its currency must be the campaign's; the amount must be positive.

    A monthly need is `amount` a month from `first_month` for `months` months (None: until
    further notice), due on `due_day`."""
    require_role(actor, Role.EDITOR)
    first_month = check_monthly_schedule(recurrence=recurrence, months=months, first_month=first_month, due_day=due_day)
    if amount.currency != campaign.currency:
        raise CurrencyMismatch(
            _("This campaign collects in %(currency)s; the need is in %(need_currency)s.")
            % {"currency": campaign.currency, "need_currency": amount.currency}
        )
    if not amount.is_positive():
        raise InvalidAmount(_("A need must be a positive amount."))
    if campaign.is_finished:
        raise InvalidTransition(_("Needs cannot be added to a finished campaign."))
    with transaction.atomic():
        need = Need.objects.create(
            campaign=campaign,
            category=category,
            description=description,
            amount_minor=amount.minor,
            currency=amount.currency,
            recurrence=recurrence,
            months=months,
            first_month=first_month,
            due_day=due_day,
            position=campaign.needs.count(),
            **translations,
        )
        record_audit(actor=actor, action="campaign.add_need", target=campaign, need=need.pk, amount=str(amount))
    return need


# Editors send their drafts to review; reviewers decide everything after that.
TRANSITION_ROLES: dict[str, tuple[Role, ...]] = {
    S.IN_REVIEW: (Role.EDITOR, Role.REVIEWER),
    S.DRAFT: (Role.REVIEWER,),
    S.ACTIVE: (Role.REVIEWER,),
    S.CLOSED: (Role.REVIEWER,),
    S.REPORTED: (Role.REVIEWER,),
    S.ARCHIVED: (Role.REVIEWER,),
}


def _transition(campaign: Campaign, to: str, actor: Any, note: str = "") -> Campaign:
    require_role(actor, *TRANSITION_ROLES[to])
    with transaction.atomic():
        # Lock the row so two staff members cannot move the same campaign at once.
        current = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if to not in ALLOWED_TRANSITIONS[current.status]:
            raise InvalidTransition(
                _("A campaign that is %(status)s cannot become %(to)s.")
                % {"status": current.get_status_display().lower(), "to": CampaignStatus(to).label.lower()}
            )
        if to in (S.IN_REVIEW, S.ACTIVE) and not current.needs.exists():
            raise InvalidTransition(
                _("A campaign needs at least one itemized need before it is reviewed or published.")
            )
        now = timezone.now()
        CampaignTransition.objects.create(
            campaign=current,
            from_status=current.status,
            to_status=to,
            by=actor if getattr(actor, "pk", None) else None,
            note=note,
        )
        before = current.status
        current.status = to
        current.status_changed_at = now
        current.status_changed_by = actor if getattr(actor, "pk", None) else None
        if to == S.ACTIVE and current.published_at is None:
            current.published_at = now
        if to == S.CLOSED:
            current.closed_at = now
        current.save()
        record_audit(actor=actor, action=f"campaign.{to}", target=current, before=before, after=to, note=note)
    campaign.refresh_from_db()
    return campaign


def submit_for_review(*, campaign: Campaign, actor: Any = None) -> Campaign:
    """Draft → in review. Requires at least one need."""
    return _transition(campaign, S.IN_REVIEW, actor)


def send_back_to_draft(*, campaign: Campaign, actor: Any = None, note: str = "") -> Campaign:
    """In review → draft, with the reviewer's note."""
    return _transition(campaign, S.DRAFT, actor, note)


def publish_campaign(*, campaign: Campaign, actor: Any = None) -> Campaign:
    """In review → active: the page goes public and accepts donations."""
    return _transition(campaign, S.ACTIVE, actor)


def close_campaign(*, campaign: Campaign, actor: Any = None, note: str = "") -> Campaign:
    """Active → closed: the collection is over. Late payments still land in the ledger."""
    return _transition(campaign, S.CLOSED, actor, note)


def mark_reported(*, campaign: Campaign, actor: Any = None) -> Campaign:
    """Closed → reported: the spending has been published."""
    return _transition(campaign, S.REPORTED, actor)


def archive_campaign(*, campaign: Campaign, actor: Any = None) -> Campaign:
    """Reported → archived."""
    return _transition(campaign, S.ARCHIVED, actor)


def close_due_campaigns(*, today: Any = None) -> list[Campaign]:
    """Close every active campaign whose deadline has passed. Run daily (close_due_campaigns command)."""
    today = today or timezone.localdate()
    due = Campaign.objects.filter(status=S.ACTIVE, deadline__lt=today)
    return [close_campaign(campaign=c, note="deadline reached") for c in due]


def set_private_details(*, beneficiary: Beneficiary, private_contact: str, payout_details: str) -> Beneficiary:
    """Seal a beneficiary's private contact and payout details under a fresh data key.

    The previous key is destroyed, so a contact or an account edited away is erased from
    every old row version, WAL segment and backup too. A saved beneficiary is updated
    here; a new one is saved by the caller (the back office's form), in its transaction.
    """
    with transaction.atomic():
        previous = beneficiary.data_key_id
        key = new_data_key()
        beneficiary.data_key = key
        beneficiary.private_contact_sealed = seal_text(key, private_contact.strip())
        beneficiary.payout_details_sealed = seal_text(key, payout_details.strip())
        if beneficiary.pk:
            Beneficiary.objects.filter(pk=beneficiary.pk).update(
                data_key=key,
                private_contact_sealed=beneficiary.private_contact_sealed,
                payout_details_sealed=beneficiary.payout_details_sealed,
            )
        shred([previous])
    return beneficiary


@dataclass(frozen=True, slots=True)
class PublishingConsent:
    """What the family agreed may be published (ConsentScope values), who agreed (a
    ConsentGiver, never a name) and on which day."""

    scope: tuple[str, ...]
    given_by: str
    given_on: date


def checked_consent(consent: PublishingConsent) -> PublishingConsent:
    """The consent with the pseudonym always in scope; InvalidConsent on anything else."""
    unknown = set(consent.scope) - set(ConsentScope.values)
    if unknown:
        raise InvalidConsent(_("Unknown consent scope: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    if consent.given_by not in ConsentGiver.values:
        raise InvalidConsent(_("Say who gave the consent."), code="consent_giver_missing")
    if consent.given_on is None or consent.given_on > timezone.localdate():
        raise InvalidConsent(_("Give the day the consent was given (not in the future)."), code="consent_date")
    scope = tuple(v for v in ConsentScope.values if v in {*consent.scope, ConsentScope.PSEUDONYM})
    return PublishingConsent(scope=scope, given_by=consent.given_by, given_on=consent.given_on)


def create_beneficiary_with_consent(
    *, pseudonym: str, status: str, consent: PublishingConsent, actor: Any
) -> Beneficiary:
    """A beneficiary known to the public only by `pseudonym`, with the family's consent recorded."""
    consent = checked_consent(consent)
    with transaction.atomic():
        beneficiary = Beneficiary.objects.create(
            public_name=pseudonym,
            status=status,
            consent_scope=",".join(consent.scope),
            consent_given_by=consent.given_by,
            consent_given_on=consent.given_on,
            consent_recorded_by=actor if getattr(actor, "pk", None) else None,
            consent_recorded_at=timezone.now(),
        )
        record_audit(
            actor=actor,
            action="beneficiary.consent",
            target=beneficiary,
            scope=beneficiary.consent_scope,
            given_by=consent.given_by,
            given_on=consent.given_on.isoformat(),
        )
    return beneficiary


def checked_note_text(text: str) -> str:
    """A case note's text, stripped; DomainError when empty or longer than NOTE_LIMIT."""
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write the note first."), code="note_empty")
    if len(text) > NOTE_LIMIT:
        raise DomainError(_("A note holds at most %(limit)d characters.") % {"limit": NOTE_LIMIT}, code="note_long")
    return text


def add_beneficiary_note(*, beneficiary: Beneficiary, text: str, actor: Any) -> BeneficiaryNote:
    """A caseworker's note, sealed under a data key of its own; the audit entry names no content."""
    require_role(actor, Role.CASEWORKER)
    text = checked_note_text(text)
    with transaction.atomic():
        key = new_data_key()
        note = BeneficiaryNote.objects.create(
            beneficiary=beneficiary,
            author=actor if getattr(actor, "pk", None) else None,
            sealed_text=seal_text(key, text),
            data_key=key,
        )
        record_audit(actor=actor, action="beneficiary.note", target=beneficiary, note=note.pk)
    return note
