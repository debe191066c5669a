"""The public receipt check: POST, so the code never appears in a URL, a log or a history."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from solidarity.api.errors import with_errors
from solidarity.api.rate_limits import RECEIPT_CHECKS
from solidarity.api.schemas import ReceiptCheckIn, ReceiptCheckOut
from solidarity.transparency.receipts import receipt_status

router = Router(tags=["public: receipts"], throttle=[RECEIPT_CHECKS])


@router.post("/check", response=with_errors({200: ReceiptCheckOut}, 400, 409, 422, 429), operation_id="check_receipt")
def check_receipt(request: HttpRequest, data: ReceiptCheckIn) -> ReceiptCheckOut:
    """Whether the donation behind a receipt code is counted, where, how much and on which
    day. Nothing about who gave it. Needs no cookie and no CSRF token; rate-limited."""
    return ReceiptCheckOut.of(receipt_status(data.code))
