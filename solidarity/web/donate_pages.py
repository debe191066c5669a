"""Donor pages: the donate form, bank transfer instructions, thank-you, receipt check and
the secret page of a monthly gift. All are donor-specific: never cached, never logged.

HTTP only, above payments and donations: a donation is opened once `payments.channels`
says its rail is on and sent to the rail by `payments.checkout`; monthly gifts are
changed through `payments.subscriptions`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from solidarity.campaigns.models import Campaign, CampaignStatus
from solidarity.campaigns.selectors import public_campaign
from solidarity.core.errors import DomainError
from solidarity.core.form_tokens import max_age as form_token_max_age
from solidarity.core.form_tokens import public_form, remember_first_result
from solidarity.donations.intents import CARD_SESSION_HOURS, DonationIntent, create_donation_intent, unseal_once
from solidarity.donations.models import Channel, Donation, DonationStatus, Pledge
from solidarity.donations.receipts import hash_receipt_code
from solidarity.donations.references import format_reference
from solidarity.payments import checkout, subscriptions
from solidarity.payments.card_payments import use_return_token
from solidarity.payments.card_testing import allow_checkout
from solidarity.payments.channels import channel_states, require_channel_on
from solidarity.payments.models import CardPayment
from solidarity.payments.providers.bank_transfer import epc_qr_svg, foundation_account
from solidarity.payments.providers.base import ProviderUnavailable
from solidarity.transparency.receipts import receipt_status
from solidarity.web.donate_form import DonateForm


def _campaign_or_404(slug: str) -> Campaign:
    try:
        return public_campaign(slug)
    except Campaign.DoesNotExist as exc:
        raise Http404 from exc


def _render_form(
    request: HttpRequest, campaign: Campaign, form: DonateForm, status: int = 200, error: str = ""
) -> HttpResponse:
    states = channel_states()
    context = {
        "campaign": campaign,
        "form": form,
        "error": error,
        "channel_off": {ch: notice for ch, (enabled, notice) in states.items() if not enabled},
        "cancelled": request.GET.get("cancelled") == "1",
    }
    return render(request, "donations/donate.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@public_form("donate")
def donate(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign_or_404(slug)
    if campaign.status != CampaignStatus.ACTIVE:
        return render(
            request, "donations/closed.html", {"campaign": campaign}, status=410 if request.method == "POST" else 200
        )
    if request.method != "POST":
        return _render_form(request, campaign, DonateForm(campaign=campaign))
    form = DonateForm(request.POST, campaign=campaign)
    if not form.is_valid():
        return _render_form(request, campaign, form, status=400)
    data = form.cleaned_data
    if data["channel"] == Channel.CARD:
        decision = allow_checkout(request)
        if not decision.allowed:
            response = _render_form(
                request,
                campaign,
                form,
                status=429,
                error=_(
                    "Too many card payments were started just now. Please wait a few minutes, or give by bank transfer."
                ),
            )
            response["Retry-After"] = str(decision.retry_after)
            return response
    try:
        require_channel_on(data["channel"])
        intent = create_donation_intent(
            campaign=campaign,
            amount=data["money"],
            channel=data["channel"],
            recurrence=data["recurrence"],
            public_name=data["public_name"],
            message=data["message"],
            private_message=data["private_message"],
            show_amount=data["show_amount"],
        )
    except DomainError as exc:
        return _render_form(request, campaign, form, status=400, error=exc.message)
    if data["channel"] == Channel.BANK_TRANSFER:
        return _bank_instructions(request, intent)
    return _start_card_payment(request, campaign, form, intent)


def _start_card_payment(
    request: HttpRequest, campaign: Campaign, form: DonateForm, intent: DonationIntent
) -> HttpResponse:
    donation = intent.donation
    try:
        started = checkout.start_payment(donation=donation, language=get_language() or "en")
    except ProviderUnavailable as exc:  # the donation has expired
        return _render_form(request, campaign, form, status=503, error=exc.message)
    return HttpResponseRedirect(started.redirect_url, status=303)


def _bank_instructions(request: HttpRequest, intent: DonationIntent) -> HttpResponse:
    """The transfer details with the receipt code, rendered (the code must not end up in a
    URL). Sending the form again leads to the same details without the code, which is
    shown only once: see `transfer`."""
    page_token = secrets.token_urlsafe(18)
    cache.set(_transfer_page_key(page_token), intent.donation.pk, timeout=form_token_max_age())
    remember_first_result(request, reverse("donations:transfer", args=[page_token]))
    return _render_bank_instructions(
        request, intent.donation, receipt_code=intent.receipt_code, manage_token=intent.manage_token
    )


def _transfer_page_key(page_token: str) -> str:
    return "transfer-page:" + hashlib.sha256(page_token.encode()).hexdigest()


def _render_bank_instructions(
    request: HttpRequest, donation: Donation, receipt_code: str, manage_token: str = ""
) -> HttpResponse:
    reference = donation.bank_reference or ""
    context = {
        "donation": donation,
        "campaign": donation.campaign,
        "receipt_code": receipt_code,
        "manage_token": manage_token,
        "standing": donation.pledge_id is not None,
        "account": foundation_account(),
        "reference": reference,
        "reference_display": format_reference(reference),
        "expires_on": timezone.localdate(donation.expires_at) if donation.expires_at else None,
        "qr_svg": epc_qr_svg(amount=donation.money, reference=reference),
    }
    return render(request, "donations/bank_transfer.html", context)


@never_cache
@require_http_methods(["GET", "HEAD"])
def transfer(request: HttpRequest, page_token: str) -> HttpResponse:
    """Where a repeated bank-transfer form leads (a reload, a double click): the same
    transfer details, no second donation. The page lives in the cache only, as long as the
    form's token would have; its receipt code was shown once and is not repeated."""
    donation_pk = cache.get(_transfer_page_key(page_token[:100]))
    donation = (
        Donation.objects.filter(pk=donation_pk, status=DonationStatus.PENDING, channel=Channel.BANK_TRANSFER)
        .select_related("campaign")
        .first()
        if isinstance(donation_pk, int)
        else None
    )
    if donation is None:
        raise Http404
    return _render_bank_instructions(request, donation, receipt_code="")


@never_cache
@require_http_methods(["GET", "HEAD"])
def cancelled(request: HttpRequest) -> HttpResponse:
    """Stripe's cancel link: a single-use token sends the donor back to the form while the
    donation is still pending. Anything else (a used, unknown or old-style link) gets the
    same page, which names no campaign."""
    card = use_return_token(token=request.GET.get("t", "")[:100], kind="cancel")
    if card is not None and card.donation.status == DonationStatus.PENDING:
        campaign = card.donation.campaign
        if campaign.status == CampaignStatus.ACTIVE:
            return HttpResponseRedirect(reverse("donations:donate", args=[campaign.slug]) + "?cancelled=1", status=303)
    return render(request, "donations/cancelled.html")


def _return_window_open(donation: Donation) -> bool:
    """A card donation's way back works while it is pending or paid, and no longer than a
    checkout session lives (after that a pending one expires anyway)."""
    deadline = donation.created_at + dt.timedelta(hours=CARD_SESSION_HOURS)
    return donation.status in (DonationStatus.PENDING, DonationStatus.PAID) and timezone.now() < deadline


def _thanks_card(request: HttpRequest) -> CardPayment | None:
    token = request.GET.get("t", "")[:100]
    if token:
        return use_return_token(token=token, kind="thanks")
    # Links of checkouts started before single-use tokens existed name Stripe's session;
    # they work for those rows only, and only while the receipt is unshown.
    session_id = request.GET.get("session", "")[:100]
    if not session_id.isprintable() or not session_id:
        return None
    return (
        CardPayment.objects.filter(checkout_session_id=session_id, reference__isnull=True)
        .select_related("donation__campaign")
        .first()
    )


@never_cache
@require_http_methods(["GET", "HEAD"])
def thanks(request: HttpRequest) -> HttpResponse:
    """Shown once: the token is spent on the first visit. Afterwards, or once the donation
    is no longer pending or paid, the page says the receipt was shown and how to check it,
    and names nothing."""
    card = _thanks_card(request)
    if card is None or not _return_window_open(card.donation):
        return render(request, "donations/thanks_used.html", status=410)
    donation = card.donation
    receipt_code, manage_token = unseal_once(donation)
    if not receipt_code:
        return render(request, "donations/thanks_used.html", status=410)
    context: dict[str, Any] = {
        "donation": donation,
        "campaign": donation.campaign,
        "receipt_code": receipt_code,
        "manage_token": manage_token,
        "paid": donation.status == DonationStatus.PAID,
    }
    return render(request, "donations/thanks.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@public_form("receipt_check", single_use=False)  # a look-up changes nothing: checking twice is fine
def receipts(request: HttpRequest) -> HttpResponse:
    result = None
    code = ""
    if request.method == "POST":
        code = request.POST.get("code", "")[:80]
        result = receipt_status(code) if code.strip() else None
    context: dict[str, Any] = {"result": result, "checked": request.method == "POST", "code": code}
    if result is not None and result.awaiting_transfer:
        # A transfer not yet arrived: the same details as the transfer page, to send it now.
        context["account"] = foundation_account()
        context["reference_display"] = format_reference(result.reference)
    return render(request, "donations/receipts.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@public_form("monthly_gift")
def manage_pledge(request: HttpRequest, token: str) -> HttpResponse:
    pledge = Pledge.objects.filter(manage_token_hash=hash_receipt_code(token)).select_related("campaign").first()
    if pledge is None:
        raise Http404
    error = message = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "cancel":
                subscriptions.cancel_monthly_gift(pledge=pledge)
                message = (
                    _(
                        "Your monthly gift is marked as stopped. Cancel the standing order at your bank too: "
                        "transfers that still arrive with its reference are counted for this campaign."
                    )
                    if pledge.channel == Channel.BANK_TRANSFER
                    else _("Your monthly gift is cancelled. No further payments will be taken.")
                )
            elif request.POST.get("action") == "change":
                subscriptions.change_monthly_amount(pledge=pledge, amount_text=request.POST.get("amount", ""))
                message = _("The monthly amount is changed from the next payment on.")
        except DomainError as exc:
            error = exc.message
        if message:
            remember_first_result(request, request.path)  # sending it again changes nothing more
        pledge.refresh_from_db()
    months = pledge.donations.filter(status__in=[DonationStatus.PAID, DonationStatus.REFUNDED]).order_by(
        "received_on", "id"
    )
    status = 400 if error else 200
    context: dict[str, Any] = {"pledge": pledge, "months": months, "error": error, "message": message}
    if pledge.bank_reference:  # a standing order: the details to set it up or check it
        context["account"] = foundation_account()
        context["reference_display"] = format_reference(pledge.bank_reference)
    return render(request, "donations/pledge.html", context, status=status)
