"""Staff: record money received outside the site (cash, a transfer, another platform)."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status

from solidarity.api.errors import with_errors
from solidarity.api.staff_access import record_api_use, staff_actor
from solidarity.api.staff_schemas import StaffDonationIn, StaffDonationOut
from solidarity.campaigns.models import Campaign
from solidarity.donations.services import record_staff_donation
from solidarity.staff.roles import Role

router = Router(tags=["staff: donations"])


@router.post(
    "",
    response=with_errors({201: StaffDonationOut}, 400, 401, 403, 404, 409, 422),
    operation_id="record_staff_donation",
)
def record_donation(request: HttpRequest, data: StaffDonationIn) -> Status:
    """Record a donation received by staff. The response holds the receipt code, once."""
    actor = staff_actor(request, Role.FINANCE)
    campaign = get_object_or_404(Campaign, slug=data.campaign)
    with transaction.atomic(durable=True):  # the request is the entry point
        recorded = record_staff_donation(
            campaign=campaign,
            amount=data.amount.to_money(),
            channel=data.channel,
            actor=actor,
            received_on=data.received_on,
            public_name=data.public_name,
            message=data.message,
            show_amount=data.show_amount,
        )
        record_api_use(request, "record_staff_donation", target=recorded.donation, campaign=campaign.slug)
    return Status(201, StaffDonationOut.of(recorded))
