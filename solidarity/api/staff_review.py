"""Staff: the review queue of statement lines no pending donation matched, and its decisions."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.db import transaction
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import Field

from solidarity.api.errors import with_errors
from solidarity.api.schemas import MAX_ROW_ID, MoneyOut, RowId, Text
from solidarity.api.selectors import review_queue_page
from solidarity.api.staff_access import record_api_use, staff_actor
from solidarity.api.staff_schemas import (
    BankLineOut,
    BankLinePageOut,
    IgnoreLineIn,
    MatchLineIn,
    RecordLineIn,
    RequiredPublicText,
)
from solidarity.campaigns.models import Campaign
from solidarity.donations.models import Donation
from solidarity.payments import review
from solidarity.payments.models import BankLine
from solidarity.payments.reconciliation import ignore_line, match_line_to_donation, record_line_as_donation
from solidarity.staff.roles import Role

router = Router(tags=["staff: review queue"])
DECIDED = with_errors({200: BankLineOut}, 400, 401, 403, 404, 409, 422)


class CandidateOut(Schema):
    donation: int
    campaign: str = Field(description="Slug of the donation's campaign.")
    amount: MoneyOut
    reference: str = Field(description="The donation's RF reference.")
    created_on: dt.date
    days_apart: int = Field(description="Days between the donation's creation and the booking.")
    shared_words: list[str] = Field(description="Words the payer's name or text shares with the donation.")


class ConfirmIn(Schema):
    donation: int = Field(ge=1, le=MAX_ROW_ID, description="Id of the candidate donation the line pays.")


class ReasonIn(Schema):
    reason: RequiredPublicText = Field(min_length=1, max_length=300)


class DismissIn(Schema):
    lines: list[Annotated[int, Field(ge=1, le=MAX_ROW_ID)]] = Field(
        min_length=1, max_length=500, description="Ids of lines waiting for review."
    )
    reason: RequiredPublicText = Field(min_length=1, max_length=300, description="Why they are not donations.")


class DismissedOut(Schema):
    dismissed: int


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


@router.get(
    "/{line_id}/candidates",
    response=with_errors({200: list[CandidateOut]}, 401, 403, 404, 422),
    operation_id="bank_line_candidates",
)
def candidates(request: HttpRequest, line_id: RowId) -> list[CandidateOut]:
    """Pending transfers this waiting line may pay, best first; an amount alone never settles one."""
    staff_actor(request, Role.FINANCE)
    line = get_object_or_404(BankLine, pk=line_id)
    found = review.line_candidates(line)
    record_api_use(request, "bank_line_candidates", target=line, candidates=len(found))
    return [
        CandidateOut(
            donation=c.donation.pk,
            campaign=c.donation.campaign.slug,
            amount=MoneyOut.of(c.donation.money),
            reference=c.donation.bank_reference or "",
            created_on=c.donation.created_at.date(),
            days_apart=c.days_apart,
            shared_words=list(c.shared_words),
        )
        for c in found
    ]


@router.post("/{line_id}/confirm", response=DECIDED, operation_id="confirm_bank_line_candidate")
def confirm(request: HttpRequest, line_id: RowId, data: ConfirmIn) -> BankLineOut:
    """A person confirms which candidate the line pays (409 if the line was decided already)."""
    actor = staff_actor(request, Role.FINANCE)
    line = get_object_or_404(BankLine, pk=line_id)
    donation = get_object_or_404(Donation, pk=data.donation)
    with transaction.atomic(durable=True):  # the request is the entry point
        line = review.confirm_candidate(line=line, donation=donation, actor=actor)
        record_api_use(request, "confirm_bank_line_candidate", target=line, donation=donation.pk)
    return BankLineOut.of(line)


@router.post("/{line_id}/undo", response=DECIDED, operation_id="undo_bank_line_match")
def undo(request: HttpRequest, line_id: RowId, data: ReasonIn) -> BankLineOut:
    """A wrong match: a reversing transaction, the donation pending again, the line back in the queue."""
    actor = staff_actor(request, Role.FINANCE)
    line = get_object_or_404(BankLine, pk=line_id)
    with transaction.atomic(durable=True):  # the request is the entry point
        line = review.undo_line_match(line=line, actor=actor, reason=data.reason)
        record_api_use(request, "undo_bank_line_match", target=line)
    return BankLineOut.of(line)


@router.post(
    "/dismiss",
    response=with_errors({200: DismissedOut}, 400, 401, 403, 404, 409, 422),
    operation_id="dismiss_bank_lines",
)
def dismiss(request: HttpRequest, data: DismissIn) -> DismissedOut:
    """Bulk: these waiting lines are not donations, for one reason; all or none (409 if one was decided)."""
    actor = staff_actor(request, Role.FINANCE)
    lines = list(BankLine.objects.filter(pk__in=set(data.lines)))
    if len(lines) != len(set(data.lines)):
        raise Http404
    with transaction.atomic(durable=True):  # the request is the entry point
        count = review.dismiss_lines(lines=lines, actor=actor, reason=data.reason)
        record_api_use(request, "dismiss_bank_lines", lines=count)
    return DismissedOut(dismissed=count)
