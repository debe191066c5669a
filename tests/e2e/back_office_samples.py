"""Server side of the per-role browser test (test_role_pages.py): one staff member per role,
and for every page of the back-office table a concrete address to open.

Run inside `tests.e2e.server_side.prepare()`, after the demo data: it adds one of each thing
a page shows that the demo lacks (a help request with a file, a statement, a refund request,
a provider event, a card payment, a monthly gift, an API token per role), then names, per
page, the path to open and the status a role that may open it gets.
"""

from __future__ import annotations

import secrets
from typing import Any

# Pages a role that may open them answers with something other than 200, and why.
NOT_200 = {
    "logout": 405,  # POST only (Django 5): the test must not log itself out
    "donations_refundrequest_approve": 405,  # decisions are POSTs behind the detail page
    "donations_refundrequest_reject": 405,
    "disbursements_disbursement_add": 302,  # the add page is the record page
    "work_email": 302,  # the switch is a POST from the first page; a GET goes back there
    "disbursements_surplustransfer_add": 302,  # a surplus move starts from its campaign (the chooser)
    "foundation_foundationprofile_changelist": 302,  # one profile: the list opens its change page
}
# Pages the test cannot open meaningfully as an allowed role; denied roles are still checked.
UNSAMPLED = {
    "autocomplete": "answers only requests from a form with an autocomplete field",
    "view_on_site": "no back-office model names a public address (get_absolute_url): 404 for all",
}


def _role_member(role: str, username: str = "") -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    password = secrets.token_urlsafe(18)
    user = get_user_model().objects.create_user(username=username or f"role-{role}", password=password, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return {"username": user.username, "password": password, "totp_key_hex": device.key}


def _things_the_demo_lacks() -> None:
    from django.contrib.auth import get_user_model

    from solidarity.core.errors import DomainError
    from solidarity.core.uploads import seal_bytes
    from solidarity.disbursements.models import Disbursement, DisbursementProof
    from solidarity.donations.models import Donation, Pledge
    from solidarity.donations.refund_requests import request_refund
    from solidarity.helprequests.services import submit_help_request
    from solidarity.payments import reconciliation
    from solidarity.payments.channels import set_channel
    from solidarity.payments.models import BankLine, CardPayment, ProviderEvent
    from tests.helprequests.samples import png_with_text, submission
    from tests.payments.camt_builder import camt

    actor = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    submit_help_request(**submission(), attachments=[png_with_text()])
    summary = reconciliation.import_statement(
        data=camt(
            [{"amount": "1.23", "text": "role pages sample", "day": "2026-01-05", "bank_ref": "ROLES-1"}],
            msg="ROLES-SAMPLE",
        ),
        actor=actor,
        filename="roles.xml",
    )
    # A reviewed line (an unmatched one's detail page is its resolve page).
    line = BankLine.objects.get(statement=summary.statement)
    reconciliation.ignore_line(line=line, actor=actor, note="sample for the role pages")
    payout = Disbursement.objects.order_by("pk").first()
    if payout is not None and not DisbursementProof.objects.exists():
        DisbursementProof.objects.create(
            disbursement=payout, name="proof-1.pdf", content_type="application/pdf", sealed_data=seal_bytes(b"%PDF-")
        )
    # One refund request awaiting a second person, on a donation whose fund covers it.
    for paid in Donation.objects.filter(status="paid").order_by("-amount_minor"):
        try:
            request_refund(donation=paid, actor=actor, reason="sample for the role pages", amount=None)
        except DomainError:
            continue
        break
    ProviderEvent.objects.create(provider="stripe", event_id="evt_roles_sample", type="charge.refunded", state="failed")
    donation = Donation.objects.order_by("pk").first()
    if donation is not None and not CardPayment.objects.exists():
        CardPayment.objects.create(donation=donation)
    if not Pledge.objects.exists() and donation is not None:
        Pledge.objects.create(
            campaign=donation.campaign,
            amount_minor=1000,
            currency=donation.campaign.currency,
            manage_token_hash=secrets.token_hex(32),
        )
    set_channel(channel="card", enabled=True, actor=None)
    # A surplus move somebody asked for and another refused (moves no money), a bank's CSV
    # column mapping, and the foundation's profile row.
    from django.conf import settings
    from django.utils import timezone

    from solidarity.campaigns.models import Campaign
    from solidarity.disbursements.models import SurplusTransfer, SurplusTransferStatus
    from solidarity.foundation.services import update_foundation_profile
    from solidarity.payments.models import CsvFormat

    campaign = Campaign.objects.order_by("pk").first()
    if campaign is not None and not SurplusTransfer.objects.exists():
        SurplusTransfer.objects.create(
            campaign=campaign,
            rule=campaign.surplus_rule,
            amount_minor=100,
            currency=campaign.currency,
            reason="sample for the role pages",
            status=SurplusTransferStatus.REJECTED,
            requested_by=actor,
            decided_by=actor,
            decided_at=timezone.now(),
        )
    CsvFormat.objects.get_or_create(
        name="Role pages sample bank",
        defaults={"account": settings.BANK_IBAN, "date_column": "Date", "amount_column": "Amount"},
    )
    update_foundation_profile(actor=actor)


def _first_pk(model: Any) -> int:
    first = model.objects.order_by("pk").first()
    return first.pk if first is not None else 0


def _model_for(page: str) -> Any:
    from django.apps import apps

    for model in apps.get_models():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        if page.startswith(prefix):
            return model
    return None


def _path(page: str) -> str:
    """A concrete address for `page`, about the first stored object it concerns."""
    from django.contrib.contenttypes.models import ContentType
    from django.urls import NoReverseMatch, reverse

    from solidarity.campaigns.models import Campaign
    from solidarity.disbursements.models import DisbursementProof
    from solidarity.donations.models import RefundRequest
    from solidarity.helprequests.models import HelpRequestAttachment
    from solidarity.payments.models import BankLine

    if page == "books_export":
        return reverse("books_export")
    if page == "app_list":
        return reverse("admin:app_list", args=["api"])  # every role has its own tokens there
    if page == "view_on_site":
        return reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(Campaign).pk, 1])
    if page == "helprequests_helprequest_attachment":
        attachment = HelpRequestAttachment.objects.order_by("pk").first()
        pk = (attachment.help_request_id, attachment.pk) if attachment else (0, 0)
        return reverse(f"admin:{page}", args=list(pk))
    specific = {
        "disbursements_disbursement_proof": DisbursementProof,
        "donations_refundrequest_approve": RefundRequest,
        "donations_refundrequest_reject": RefundRequest,
        "payments_bankline_resolve": BankLine,
    }
    if page in ("payments_bankline_change", "payments_bankline_history"):
        reviewed = BankLine.objects.exclude(state=BankLine.State.UNMATCHED).order_by("pk").first()
        return reverse(f"admin:{page}", args=[reviewed.pk if reviewed else 0])
    if page in specific:
        return reverse(f"admin:{page}", args=[_first_pk(specific[page])])
    for args in ([], [_first_pk(_model_for(page))] if _model_for(page) else None):
        if args is None:
            continue
        try:
            return reverse(f"admin:{page}", args=args)
        except NoReverseMatch:
            continue
    raise LookupError(f"no sample address for the back-office page {page!r}")


def role_pages() -> dict[str, Any]:
    """Staff members by role, and per page: its path, the roles that may open it, the status
    they get; API-token pages per role (each member sees their own token)."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from solidarity.api.tokens import create_api_token
    from solidarity.staff.page_access import BACK_OFFICE_PAGES
    from solidarity.staff.roles import Role

    _things_the_demo_lacks()
    members = {str(role): _role_member(str(role)) for role in Role}
    # A second caseworker for the case-work journey (test_caseworker_journey.py): a TOTP code
    # is accepted once, so two tests logging in one account within 30 s would collide.
    members["caseworker-journey"] = _role_member("caseworker", username="case-journey")
    # A change an editor proposed to a public campaign, waiting for a reviewer (its diff page).
    from solidarity.campaigns.models import Campaign
    from solidarity.campaigns.proposals import propose_change

    editor = get_user_model().objects.get(username=members["editor"]["username"])
    public = Campaign.objects.filter(status="active").order_by("pk").first()
    if public is not None:
        story = {"story_en": {"before": public.story_en, "after": f"{public.story_en}\n\nA proposed paragraph."}}
        propose_change(campaign=public, actor=editor, story=story, needs=[])
    own_token: dict[str, dict[str, str]] = {}
    for role, member in members.items():
        user = get_user_model().objects.get(username=member["username"])
        token = create_api_token(user=user, name="role pages", days=1, actor=None).token
        own_token[role] = {
            page: reverse(f"admin:{page}", args=[token.pk]) for page in ("api_apitoken_change", "api_apitoken_history")
        }
    pages = {
        page: {
            "path": _path(page),
            "allowed": sorted(str(r) for r in allowed),
            "status": NOT_200.get(page, 200),
            "unsampled": UNSAMPLED.get(page, ""),
        }
        for page, allowed in BACK_OFFICE_PAGES.items()
    }
    return {"members": members, "pages": pages, "own_token": own_token}
