"""Changes to what the public reads of a public campaign go through a reviewer.

An editor's edit of the story or the needs (and so the goal) of an active, closed or
reported campaign is kept as a `CampaignChangeProposal`; a reviewer other than its author
accepts it (the change is applied, the story's date moves) or rejects it. Both steps are in
the audit log.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from solidarity.campaigns.models import (
    REVIEWED_STATUSES,
    Campaign,
    CampaignChangeProposal,
    Need,
    ProposalStatus,
)
from solidarity.core.errors import DomainError, InvalidTransition, NotAllowed
from solidarity.core.money import Money
from solidarity.staff.roles import Role, has_role, require_role
from solidarity.staff.services import record_audit

NEED_FIELDS = ("category", "description", "recurrence", "position")
ROW_KEYS = ("id", "delete", "before", "amount")


def needs_review(campaign: Campaign, actor: Any) -> bool:
    """Whether this actor's change to the story or needs must wait for a reviewer."""
    return campaign.status in REVIEWED_STATUSES and not has_role(actor, Role.REVIEWER)


def need_values(need: Need) -> dict[str, Any]:
    """A need's values as the admin form names them (description_en, description_ru, …)."""
    fields = [f.name for f in Need._meta.fields if f.name.startswith(NEED_FIELDS)]
    return {**{f: getattr(need, f) for f in fields}, "amount": str(need.money.amount)}


def propose_change(
    *, campaign: Campaign, actor: Any, story: dict[str, Any], needs: list[dict[str, Any]]
) -> CampaignChangeProposal:
    require_role(actor, Role.EDITOR)
    if not story and not needs:
        raise DomainError(_("Nothing was changed."))
    with transaction.atomic():
        proposal = CampaignChangeProposal.objects.create(
            campaign=campaign, story=story, needs=needs, proposed_by=actor if getattr(actor, "pk", None) else None
        )
        record_audit(
            actor=actor,
            action="campaign.propose_change",
            target=campaign,
            proposal=proposal.pk,
            story=story,
            needs=needs,
        )
    return proposal


def _pending(proposal: CampaignChangeProposal, actor: Any) -> CampaignChangeProposal:
    require_role(actor, Role.REVIEWER)
    locked = CampaignChangeProposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != ProposalStatus.PENDING:
        raise InvalidTransition(_("This proposed change was already decided."))
    if locked.proposed_by_id is not None and locked.proposed_by_id == getattr(actor, "pk", None):
        raise NotAllowed(_("Four eyes: another person reviews the change you proposed."))
    return locked


def accept_change(*, proposal: CampaignChangeProposal, actor: Any) -> CampaignChangeProposal:
    """Apply the proposed story and needs, in one transaction, and note who accepted them."""
    with transaction.atomic():
        locked = _pending(proposal, actor)
        campaign = Campaign.objects.select_for_update().get(pk=locked.campaign_id)
        if locked.story:
            for field, change in locked.story.items():
                setattr(campaign, field, change["after"])
            campaign.save()
        for row in locked.needs:
            _apply_need(campaign, row)
        locked.status = ProposalStatus.ACCEPTED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        record_audit(
            actor=actor,
            action="campaign.accept_change",
            target=campaign,
            proposal=locked.pk,
            story=locked.story,
            needs=locked.needs,
        )
    return locked


def _apply_need(campaign: Campaign, row: dict[str, Any]) -> None:
    need = Need.objects.filter(pk=row["id"], campaign=campaign).first() if row.get("id") else None
    if row.get("delete"):
        if need is not None:
            need.delete()
        return
    money = Money(Decimal(row["amount"]), campaign.currency)
    if not money.is_positive():
        raise DomainError(_("A need must be a positive amount."))
    if need is None:
        need = Need(campaign=campaign, currency=campaign.currency)
    for field, value in row.items():
        if field not in ROW_KEYS and field.startswith(NEED_FIELDS):
            setattr(need, field, value)
    need.amount_minor = money.minor
    need.save()


def reject_change(*, proposal: CampaignChangeProposal, actor: Any, note: str = "") -> CampaignChangeProposal:
    with transaction.atomic():
        locked = _pending(proposal, actor)
        locked.status = ProposalStatus.REJECTED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.note = note[:300]
        locked.save(update_fields=["status", "decided_by", "decided_at", "note"])
        record_audit(actor=actor, action="campaign.reject_change", target=locked.campaign, proposal=locked.pk)
    return locked
