"""Staff: refunds and reversals of donations, asked for by one finance user and approved by another."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status

from solidarity.api.errors import with_errors
from solidarity.api.schemas import RowId
from solidarity.api.staff_access import record_api_use, staff_actor
from solidarity.api.staff_schemas import RefundDecisionIn, RefundRequestIn, RefundRequestOut
from solidarity.donations.models import Donation, RefundRequest
from solidarity.donations.refund_requests import reject_refund, request_refund
from solidarity.payments.refunds import approve_refund_request
from solidarity.staff.roles import Role

router = Router(tags=["staff: refunds"])
DECIDED = with_errors({200: RefundRequestOut}, 400, 401, 403, 404, 409, 422)
REQUESTS = RefundRequest.objects.select_related("donation__campaign", "requested_by", "decided_by")


@router.post(
    "", response=with_errors({201: RefundRequestOut}, 400, 401, 403, 404, 409, 422), operation_id="request_refund"
)
def ask(request: HttpRequest, data: RefundRequestIn) -> Status:
    """Ask for (part of) a paid donation to go back. Nothing moves until another finance user approves.

    400 for more than is left of the donation; 409 when the campaign fund does not hold it.
    """
    actor = staff_actor(request, Role.FINANCE)
    donation = get_object_or_404(Donation.objects.select_related("campaign"), pk=data.donation)
    with transaction.atomic(durable=True):  # the request is the entry point
        refund_request = request_refund(
            donation=donation,
            actor=actor,
            reason=data.reason,
            amount=data.amount.to_money() if data.amount is not None else None,
            kind=data.kind,
        )
        record_api_use(request, "request_refund", target=refund_request, amount=str(refund_request.money))
    return Status(201, RefundRequestOut.of(REQUESTS.get(pk=refund_request.pk)))


@router.get(
    "/{request_id}", response=with_errors({200: RefundRequestOut}, 401, 403, 404, 422), operation_id="get_refund"
)
def show(request: HttpRequest, request_id: RowId) -> RefundRequestOut:
    """A refund request: campaign, amount, the fund's balance after it, the reason, its status."""
    staff_actor(request, Role.FINANCE)
    return RefundRequestOut.of(get_object_or_404(REQUESTS, pk=request_id))


@router.post("/{request_id}/approve", response=DECIDED, operation_id="approve_refund")
def approve(request: HttpRequest, request_id: RowId) -> RefundRequestOut:
    """Approve as the second person: a card refund goes to the card processor (booked when it reports
    it), any other is booked now. The requester → 403; already decided → 409; the fund no longer
    holds it → 409."""
    actor = staff_actor(request, Role.FINANCE)
    refund_request = get_object_or_404(REQUESTS, pk=request_id)
    # Not one durable transaction: a card refund calls the processor after the approval commits.
    approved = approve_refund_request(refund_request=refund_request, actor=actor)
    with transaction.atomic(durable=True):
        record_api_use(request, "approve_refund", target=approved, amount=str(approved.money))
    return RefundRequestOut.of(REQUESTS.get(pk=approved.pk))


@router.post("/{request_id}/reject", response=DECIDED, operation_id="reject_refund")
def reject(request: HttpRequest, request_id: RowId, data: RefundDecisionIn) -> RefundRequestOut:
    """Decline a request awaiting approval (the requester may withdraw their own); nothing moves."""
    actor = staff_actor(request, Role.FINANCE)
    refund_request = get_object_or_404(REQUESTS, pk=request_id)
    with transaction.atomic(durable=True):
        rejected = reject_refund(refund_request=refund_request, actor=actor, note=data.note)
        record_api_use(request, "reject_refund", target=rejected)
    return RefundRequestOut.of(REQUESTS.get(pk=rejected.pk))
