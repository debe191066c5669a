"""Staff: record a payout against a need (proofs optional), and approve one as the second person."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema, Status, UploadedFile
from pydantic import Field

from solidarity.api.errors import with_errors
from solidarity.api.schemas import RowId
from solidarity.api.staff_access import record_api_use, staff_actor
from solidarity.api.staff_schemas import DisbursementIn, DisbursementOut
from solidarity.campaigns.models import Need
from solidarity.disbursements.models import Disbursement
from solidarity.disbursements.services import approve_disbursement, approve_void, record_disbursement, request_void
from solidarity.staff.roles import Role

router = Router(tags=["staff: disbursements"])
NO_PROOFS = File(default_factory=list)  # proofs are optional


@router.post(
    "",
    response=with_errors({201: DisbursementOut}, 400, 401, 403, 404, 409, 422),
    operation_id="record_disbursement",
)
def record(request: HttpRequest, data: Form[DisbursementIn], proofs: list[UploadedFile] = NO_PROOFS) -> Status:
    """Record a payout (multipart form; `proofs`: PDF, JPEG, PNG or WebP files, kept encrypted).

    Above the approval threshold it waits for a second person (status `awaiting`);
    otherwise it posts at once (`posted`). More than the fund holds → 409.
    """
    actor = staff_actor(request, Role.FINANCE)
    need: Need = get_object_or_404(Need.objects.select_related("campaign"), pk=data.need)
    with transaction.atomic(durable=True):  # the request is the entry point
        disbursement = record_disbursement(
            need=need,
            payee_category=data.payee_category,
            amount=data.money().to_money(),
            paid_on=data.paid_on,
            public_description=data.public_description,
            actor=actor,
            proofs=[proof.read() for proof in proofs or []],
            fx_rate=Decimal(data.fx_rate) if data.fx_rate else None,
            fx_source=data.fx_source,
        )
        record_api_use(request, "record_disbursement", target=disbursement, amount=str(disbursement.money))
    return Status(201, DisbursementOut.of(disbursement))


@router.post(
    "/{disbursement_id}/approve",
    response=with_errors({200: DisbursementOut}, 400, 401, 403, 404, 409, 422),
    operation_id="approve_disbursement",
)
def approve(request: HttpRequest, disbursement_id: RowId) -> DisbursementOut:
    """Approve a payout awaiting a second person; it then posts. The recorder cannot approve."""
    actor = staff_actor(request, Role.FINANCE, Role.ADMIN)
    disbursement: Disbursement = get_object_or_404(Disbursement.objects.select_related("campaign"), pk=disbursement_id)
    with transaction.atomic(durable=True):  # the request is the entry point
        disbursement = approve_disbursement(disbursement=disbursement, actor=actor)
        record_api_use(request, "approve_disbursement", target=disbursement)
    return DisbursementOut.of(disbursement)


class VoidIn(Schema):
    reason: str = Field(min_length=1, max_length=300, description="Why the payout is cancelled (audited).")


@router.post(
    "/{disbursement_id}/void",
    response=with_errors({200: DisbursementOut}, 400, 401, 403, 404, 409, 422),
    operation_id="request_void",
)
def ask_void(request: HttpRequest, disbursement_id: RowId, data: VoidIn) -> DisbursementOut:
    """Ask for a pending payout to be cancelled; another finance user approves the void."""
    actor = staff_actor(request, Role.FINANCE)
    disbursement: Disbursement = get_object_or_404(Disbursement.objects.select_related("campaign"), pk=disbursement_id)
    with transaction.atomic(durable=True):
        disbursement = request_void(disbursement=disbursement, actor=actor, reason=data.reason)
        record_api_use(request, "request_void", target=disbursement, reason=data.reason)
    return DisbursementOut.of(disbursement)


@router.post(
    "/{disbursement_id}/void/approve",
    response=with_errors({200: DisbursementOut}, 400, 401, 403, 404, 409, 422),
    operation_id="approve_void",
)
def confirm_void(request: HttpRequest, disbursement_id: RowId) -> DisbursementOut:
    """Approve a void as the second person: the payout is cancelled. The person who asked → 403."""
    actor = staff_actor(request, Role.FINANCE)
    disbursement: Disbursement = get_object_or_404(Disbursement.objects.select_related("campaign"), pk=disbursement_id)
    with transaction.atomic(durable=True):
        disbursement = approve_void(disbursement=disbursement, actor=actor)
        record_api_use(request, "approve_void", target=disbursement)
    return DisbursementOut.of(disbursement)
