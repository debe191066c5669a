"""Staff: the review queue of statement lines no pending donation matched, and its decisions."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import Field

from solidarity.api.errors import with_errors
from solidarity.api.schemas import RowId, Text
from solidarity.api.selectors import review_queue_page
from solidarity.api.staff_access import record_api_use, staff_actor
from solidarity.api.staff_schemas import BankLineOut, BankLinePageOut, IgnoreLineIn, MatchLineIn, RecordLineIn
from solidarity.campaigns.models import Campaign
from solidarity.payments.models import BankLine
from solidarity.payments.reconciliation import ignore_line, match_line_to_donation, record_line_as_donation
from solidarity.staff.roles import Role

router = Router(tags=["staff: review queue"])
DECIDED = with_errors({200: BankLineOut}, 400, 401, 403, 404, 409, 422)


class QueueParams(Schema):
    cursor: Text | None = Field(None, max_length=200)
    limit: int = Field(50, ge=1, le=100)


@router.get("", response=with_errors({200: BankLinePageOut}, 400, 401, 403, 422), operation_id="list_review_queue")
def list_review_queue(request: HttpRequest, params: Query[QueueParams]) -> BankLinePageOut:
    """Lines waiting for review, oldest first, with the payer details needed to decide."""
    staff_actor(request, Role.FINANCE)
    page = review_queue_page(cursor=params.cursor, limit=params.limit)
    record_api_use(request, "list_review_queue", lines=len(page.items))
    return BankLinePageOut(items=[BankLineOut.of(line) for line in page.items], next_cursor=page.next_cursor)


@router.post("/{line_id}/match", response=DECIDED, operation_id="match_bank_line")
def match_line(request: HttpRequest, line_id: RowId, data: MatchLineIn) -> BankLineOut:
    """The line pays the pending bank transfer with this RF reference."""
    actor = staff_actor(request, Role.FINANCE)
    line = get_object_or_404(BankLine, pk=line_id)
    with transaction.atomic(durable=True):  # the request is the entry point
        line = match_line_to_donation(line=line, reference=data.reference, actor=actor)
        record_api_use(request, "match_bank_line", target=line)
    return BankLineOut.of(line)


@router.post("/{line_id}/record", response=DECIDED, operation_id="record_bank_line")
def record_line(request: HttpRequest, line_id: RowId, data: RecordLineIn) -> BankLineOut:
    """The line becomes a new anonymous donation to this campaign."""
    actor = staff_actor(request, Role.FINANCE)
    line = get_object_or_404(BankLine, pk=line_id)
    campaign = get_object_or_404(Campaign, slug=data.campaign)
    with transaction.atomic(durable=True):  # the request is the entry point
        line = record_line_as_donation(line=line, campaign=campaign, actor=actor)
        record_api_use(request, "record_bank_line", target=line, campaign=campaign.slug)
    return BankLineOut.of(line)


@router.post("/{line_id}/ignore", response=DECIDED, operation_id="ignore_bank_line")
def ignore(request: HttpRequest, line_id: RowId, data: IgnoreLineIn) -> BankLineOut:
    """The line is not a donation (a grant, an internal transfer); payer details are erased."""
    actor = staff_actor(request, Role.FINANCE)
    line = get_object_or_404(BankLine, pk=line_id)
    with transaction.atomic(durable=True):  # the request is the entry point
        line = ignore_line(line=line, actor=actor, note=data.note)
        record_api_use(request, "ignore_bank_line", target=line)
    return BankLineOut.of(line)
