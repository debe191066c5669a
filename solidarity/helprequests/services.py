"""Writes for help requests: intake, the verification workflow, and retention.

new → verifying → approved → finished, or new/verifying → rejected. Each staff step
locks the row, checks the move, and writes an audit entry in the same transaction. Audit
entries and log lines carry ids, states and counts only, never what the family wrote.

Only caseworkers work requests (a person without the role is refused here, whatever page
or script calls). Approval asks for the public pseudonym and the family's consent to
publish, and creates a DRAFT campaign and its beneficiary under that pseudonym: nothing
the family typed (name, contact, situation, needs) is copied out of the encrypted request;
editors write the story. Case notes are sealed under the request's data key, so the
purge erases them with it.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from solidarity.campaigns.models import BeneficiaryStatus, Campaign, CampaignStatus
from solidarity.campaigns.services import PublishingConsent, checked_note_text, create_beneficiary_with_consent
from solidarity.core.errors import DomainError, InvalidAmount, InvalidTransition
from solidarity.core.models import DataKey
from solidarity.core.money import Money
from solidarity.core.shredding import Shredded, new_data_key, seal_text, shred
from solidarity.helprequests.attachments import (
    MAX_ATTACHMENTS,
    AttachmentRefused,
    clean_attachment,
    seal_bytes,
)
from solidarity.helprequests.content import HelpRequestContent, seal_content
from solidarity.helprequests.models import (
    CLOSED_STATES,
    HelpRequest,
    HelpRequestAttachment,
    HelpRequestNote,
    HelpRequestState,
)
from solidarity.staff.roles import Role, require_role
from solidarity.staff.services import record_audit

logger = logging.getLogger(__name__)

S = HelpRequestState
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    S.NEW: {S.VERIFYING, S.REJECTED},
    S.VERIFYING: {S.APPROVED, S.REJECTED},
    S.APPROVED: {S.FINISHED},
    S.REJECTED: set(),
    S.FINISHED: set(),
}
FIELD_LIMITS = {"contact": 1000, "prisoner_name": 200, "situation": 10000, "needs": 5000}
DEFAULT_RETENTION_DAYS = 90
PSEUDONYM_LIMIT = 120
# Crockford's base32 without look-alikes: easy to read out over a bad phone line.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_LENGTH = 8  # 40 random bits


class IncompleteHelpRequest(DomainError):
    code = "incomplete_help_request"


@dataclass(frozen=True, slots=True)
class PurgeResult:
    ids: list[int]
    attachments: int


def retention_days() -> int:
    return int(getattr(settings, "HELPREQUEST_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def _checked_text(name: str, value: str) -> str:
    text = (value or "").strip()
    if not text:
        raise IncompleteHelpRequest(_("The field '%(field)s' is required.") % {"field": name}, code=f"{name}_missing")
    if len(text) > FIELD_LIMITS[name]:
        raise IncompleteHelpRequest(_("The field '%(field)s' is too long.") % {"field": name}, code=f"{name}_too_long")
    return text


def submit_help_request(
    *,
    contact: str,
    prisoner_name: str,
    situation: str,
    needs: str,
    amount: Money | None = None,
    attachments: Sequence[bytes] = (),
) -> HelpRequest:
    """Store a family's request, encrypted, with its cleaned and encrypted attachments.

    Public: there is no actor and no audit entry (nobody on staff did anything yet).
    Raises IncompleteHelpRequest, InvalidAmount or AttachmentRefused on bad input.
    """
    content = HelpRequestContent(
        contact=_checked_text("contact", contact),
        prisoner_name=_checked_text("prisoner_name", prisoner_name),
        situation=_checked_text("situation", situation),
        needs=_checked_text("needs", needs),
        amount_minor=amount.minor if amount is not None else None,
        currency=amount.currency if amount is not None else "",
    )
    if amount is not None and not amount.is_positive():
        raise InvalidAmount(_("The requested amount must be positive."))
    if len(attachments) > MAX_ATTACHMENTS:
        raise AttachmentRefused(
            _("At most %(count)d files can be sent.") % {"count": MAX_ATTACHMENTS}, code="too_many_attachments"
        )
    cleaned = [clean_attachment(data, position=i) for i, data in enumerate(attachments, start=1)]
    with transaction.atomic():
        key = new_data_key()
        help_request = _create_with_unique_reference(key, seal_content(key, content))
        HelpRequestAttachment.objects.bulk_create(
            HelpRequestAttachment(
                help_request=help_request,
                position=i,
                name=item.name,
                content_type=item.content_type,
                sealed_bytes=seal_bytes(key, item.data),
            )
            for i, item in enumerate(cleaned, start=1)
        )
    return help_request


def _create_with_unique_reference(key: DataKey, sealed: str) -> HelpRequest:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return HelpRequest.objects.create(reference=new_reference(), sealed_content=sealed, data_key=key)
        except IntegrityError:
            continue  # a reference collision: 1 in 2**40 per existing request; draw again
    raise DomainError(_("Could not allocate a reference; please try again."))


def _locked_for(help_request: HelpRequest, to: str) -> HelpRequest:
    """Lock the row and check the move; callers run inside transaction.atomic()."""
    current = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
    if to not in ALLOWED_TRANSITIONS[current.state]:
        raise InvalidTransition(
            _("A help request that is %(state)s cannot become %(target)s.")
            % {"state": current.get_state_display().lower(), "target": S(to).label.lower()}
        )
    return current


def _move(current: HelpRequest, to: str, actor: Any, **changes: Any) -> HelpRequest:
    now = timezone.now()
    before = current.state
    current.state = to
    current.state_changed_at = now
    if to in CLOSED_STATES:
        current.purge_after = (now + timedelta(days=retention_days())).date()
    for name, value in changes.items():
        setattr(current, name, value)
    current.save()
    summary = {"campaign": current.campaign_id} if to == S.APPROVED else {}
    record_audit(actor=actor, action=f"helprequest.{to}", target=current, before=before, after=to, **summary)
    return current


def _staff(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def start_verification(*, help_request: HelpRequest, actor: Any) -> HelpRequest:
    """New → verifying: a caseworker takes the request and starts checking it."""
    require_role(actor, Role.CASEWORKER)
    with transaction.atomic():
        return _move(_locked_for(help_request, S.VERIFYING), S.VERIFYING, actor)


def _checked_pseudonym(pseudonym: str, real_name: str) -> str:
    name = " ".join((pseudonym or "").split())
    if not name:
        raise IncompleteHelpRequest(_("Give the public pseudonym the campaign will use."), code="pseudonym_missing")
    if len(name) > PSEUDONYM_LIMIT:
        raise IncompleteHelpRequest(
            _("A pseudonym has at most %(limit)d characters.") % {"limit": PSEUDONYM_LIMIT}, code="pseudonym_too_long"
        )
    real = " ".join(real_name.casefold().split())
    if real and real in name.casefold():
        raise IncompleteHelpRequest(
            _("The pseudonym contains the person's real name; choose one that does not."), code="pseudonym_is_name"
        )
    return name


def approve_help_request(
    *,
    help_request: HelpRequest,
    actor: Any,
    pseudonym: str,
    consent: PublishingConsent,
    beneficiary_status: str = BeneficiaryStatus.PRE_TRIAL,
) -> HelpRequest:
    """Verifying → approved; creates a DRAFT campaign and its beneficiary under `pseudonym`.

    The beneficiary records the family's consent (scope, who, when) and the campaign gets a
    random slug, the title "Help for <pseudonym>", an empty story and no needs: editors
    write and itemize them. Nothing the family typed leaves the encrypted request.
    """
    require_role(actor, Role.CASEWORKER)
    with transaction.atomic():
        locked = _locked_for(help_request, S.APPROVED)
        content = locked.open_content()
        name = _checked_pseudonym(pseudonym, content.prisoner_name)
        donor_currencies = getattr(settings, "SOLIDARITY_DONOR_CURRENCIES", ["EUR"])
        beneficiary = create_beneficiary_with_consent(
            pseudonym=name, status=beneficiary_status, consent=consent, actor=actor
        )
        campaign = Campaign.objects.create(
            slug=secrets.token_hex(6),
            title_en=f"Help for {name}"[:200],
            story_en="",
            beneficiary=beneficiary,
            currency=content.currency if content.currency in donor_currencies else "EUR",
            status=CampaignStatus.DRAFT,
        )
        return _move(locked, S.APPROVED, actor, campaign=campaign, decided_by=_staff(actor))


def add_request_note(*, help_request: HelpRequest, text: str, actor: Any) -> HelpRequestNote:
    """A caseworker's note on a request, sealed under the request's data key (erased with it)."""
    require_role(actor, Role.CASEWORKER)
    text = checked_note_text(text)
    with transaction.atomic():
        locked = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
        if locked.data_key is None:
            raise Shredded(_("This help request was erased."))
        note = HelpRequestNote.objects.create(
            help_request=locked, author=_staff(actor), sealed_text=seal_text(locked.data_key, text)
        )
        record_audit(actor=actor, action="helprequest.note", target=locked, note=note.pk)
    return note


def reject_help_request(*, help_request: HelpRequest, actor: Any, reason: str) -> HelpRequest:
    """New or verifying → rejected. The reason is kept encrypted with the request, not audited."""
    require_role(actor, Role.CASEWORKER)
    reason = (reason or "").strip()
    if not reason:
        raise IncompleteHelpRequest(_("A rejection needs a reason."), code="reason_missing")
    with transaction.atomic():
        locked = _locked_for(help_request, S.REJECTED)
        content = replace(locked.open_content(), rejection_reason=reason[:1000])
        if locked.data_key is None:  # open_content() already refused an erased request
            raise Shredded(_("This help request was erased."))
        sealed = seal_content(locked.data_key, content)
        return _move(locked, S.REJECTED, actor, sealed_content=sealed, decided_by=_staff(actor))


def finish_help_request(*, help_request: HelpRequest, actor: Any = None) -> HelpRequest:
    """Approved → finished: nothing more to do; the retention clock starts."""
    require_role(actor, Role.CASEWORKER)
    with transaction.atomic():
        return _move(_locked_for(help_request, S.FINISHED), S.FINISHED, actor)


def finish_done_help_requests() -> list[int]:
    """Finish approved requests whose campaign reported its spending, was archived or was deleted."""
    done = HelpRequest.objects.filter(state=S.APPROVED).filter(
        Q(campaign__isnull=True) | Q(campaign__status__in=[CampaignStatus.REPORTED, CampaignStatus.ARCHIVED])
    )
    finished = []
    for help_request in done:
        try:
            finished.append(finish_help_request(help_request=help_request).pk)
        except InvalidTransition:
            continue  # a staff member finished it meanwhile
    return finished


def purge_expired_help_requests(*, now: datetime | None = None) -> PurgeResult:
    """Delete rejected and finished requests past their purge date, attachments included.

    The audit entry and the log line name only how many and which ids. Run daily
    (the purge_help_requests command).
    """
    today = timezone.localdate(now or timezone.now())
    with transaction.atomic():
        if connection.vendor == "sqlite":
            # Overwrite freed pages with zeros instead of leaving the ciphertext in the file.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA secure_delete = ON")
        expired = HelpRequest.objects.select_for_update().filter(state__in=CLOSED_STATES, purge_after__lte=today)
        ids = sorted(expired.values_list("pk", flat=True))
        attachments = HelpRequestAttachment.objects.filter(help_request_id__in=ids).count()
        keys = list(HelpRequest.objects.filter(pk__in=ids).values_list("data_key_id", flat=True))
        if ids:
            HelpRequest.objects.filter(pk__in=ids).delete()
            # Deleting rows leaves their bytes in old row versions, the WAL and backups;
            # destroying the data keys leaves those copies unreadable.
            shred(keys)
            record_audit(
                actor=None,
                action="helprequest.purge",
                count=len(ids),
                attachments=attachments,
                ids=",".join(map(str, ids)),
            )
    logger.info("purged %d help request(s) and %d attachment(s): ids %s", len(ids), attachments, ids)
    return PurgeResult(ids=ids, attachments=attachments)
