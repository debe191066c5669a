"""Which back-office page each role may open: one table that enforces and documents.

`BACK_OFFICE_PAGES` maps the URL name of every page of the back office (`/staff/…`) to the
roles that may open it. The admin site checks it before every page (`StaffAdminSite.admin_view`):
a page that is not in the table, or a role that is not in the page's row, gets 403 — whatever
Django's model permissions would allow. Superusers pass (they own the installation). The
model permissions in `roles.ROLE_PERMISSIONS` still apply inside a page (what is listed, which
fields are editable), and the services check the roles again for every write.

docs/security.md shows this table between the markers `BEGIN/END BACK-OFFICE PAGES`,
rendered by `render_pages_table` (`manage.py back_office_pages --write` rewrites it; a test
fails when the two differ). `tests/staff/test_page_access.py` fails when a registered
back-office URL is missing here, and the browser tests open every page as each role.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from solidarity.staff.roles import Role, has_role

R = Role
EVERY_ROLE = frozenset(Role)
NOBODY: frozenset[Role] = frozenset()


def _model(
    app: str,
    model: str,
    *,
    view: Iterable[Role] = (),
    add: Iterable[Role] = (),
    delete: Iterable[Role] = (),
) -> dict[str, frozenset[Role]]:
    """The five pages Django's admin gives a model. The change page also shows the object
    read-only, so it follows `view`; history is part of reading it."""
    name = f"{app}_{model}"
    seen = frozenset(view)
    return {
        f"{name}_changelist": seen,
        f"{name}_change": seen,
        f"{name}_history": seen,
        f"{name}_add": frozenset(add),
        f"{name}_delete": frozenset(delete),
    }


# Pages a staff member reaches before the second factor (they are how one gets it).
BEFORE_SECOND_FACTOR: tuple[str, ...] = (
    "login",
    "two_factor",
    "enrol",
    "passkey_registration_begin",
    "passkey_registration_complete",
    "passkey_authentication_begin",
    "passkey_authentication_complete",
    "passkey_jsi18n",
)

# Page URL name → the roles that may open it (after password and second factor).
BACK_OFFICE_PAGES: dict[str, frozenset[Role]] = {
    # Every staff member: the first page, their own password, logging out.
    "index": EVERY_ROLE,
    "app_list": EVERY_ROLE,  # Django then shows only the models the role may see (404 if none)
    "logout": EVERY_ROLE,
    "password_change": EVERY_ROLE,
    "password_change_done": EVERY_ROLE,
    "jsi18n": EVERY_ROLE,
    "work_email": EVERY_ROLE,  # one's own choice of the "work is waiting" e-mail
    "autocomplete": EVERY_ROLE,  # answers only for models the role may view
    "view_on_site": EVERY_ROLE,  # a redirect to the public page
    # People and settings: admin.
    **_model("auth", "user", view=[R.ADMIN], add=[R.ADMIN]),
    "auth_user_password_change": frozenset([R.ADMIN]),
    **_model("auth", "group", view=[R.ADMIN], add=[R.ADMIN]),
    **_model("otp_totp", "totpdevice", view=[R.ADMIN], delete=[R.ADMIN]),
    "otp_totp_totpdevice_config": NOBODY,  # shows a device's secret: nobody
    "otp_totp_totpdevice_qrcode": NOBODY,
    **_model("payments", "channelsetting", view=[R.ADMIN], add=[R.ADMIN]),
    **_model("staff", "auditentry", view=[R.ADMIN]),
    **_model("django_tasks_database", "dbtaskresult"),  # the task queue: superusers only
    # Staff API tokens: everyone sees and creates their own; an admin sees all.
    **_model("api", "apitoken", view=EVERY_ROLE, add=EVERY_ROLE),
    # Content: editors write, reviewers publish; finance and caseworkers read.
    **_model("campaigns", "campaign", view=[R.EDITOR, R.REVIEWER, R.FINANCE, R.CASEWORKER], add=[R.EDITOR]),
    **_model("campaigns", "beneficiary", view=[R.EDITOR, R.REVIEWER, R.CASEWORKER], add=[R.EDITOR]),
    "campaigns_beneficiary_note": frozenset([R.CASEWORKER]),  # case notes: caseworkers alone
    # Proposed changes to public campaigns: a reviewer accepts or rejects; an editor sees their own.
    **_model("campaigns", "campaignchangeproposal", view=[R.EDITOR, R.REVIEWER]),
    # Money: finance.
    **_model("donations", "donation", view=[R.FINANCE]),
    "donations_donation_record": frozenset([R.FINANCE]),
    **_model("donations", "pledge", view=[R.FINANCE]),
    **_model("donations", "refundrequest", view=[R.FINANCE]),
    "donations_refundrequest_approve": frozenset([R.FINANCE]),
    "donations_refundrequest_reject": frozenset([R.FINANCE]),
    **_model("payments", "importedstatement", view=[R.FINANCE]),  # added through the upload page
    "payments_importedstatement_upload": frozenset([R.FINANCE]),
    **_model("payments", "bankline", view=[R.FINANCE]),
    "payments_bankline_resolve": frozenset([R.FINANCE]),
    "payments_bankline_undo": frozenset([R.FINANCE]),  # undo a wrong match (a reversing transaction)
    # CSV column mappings, one per bank, kept for the next import.
    **_model("payments", "csvformat", view=[R.FINANCE], add=[R.FINANCE]),
    **_model("payments", "providerevent", view=[R.FINANCE]),
    **_model("payments", "cardpayment", view=[R.FINANCE]),
    **_model("rates", "exchangerate", view=[R.FINANCE]),
    **_model("ledger", "account", view=[R.FINANCE]),
    **_model("ledger", "transaction", view=[R.FINANCE]),
    # Payouts: finance records them and approves others'; an admin may approve large ones.
    **_model("disbursements", "disbursement", view=[R.FINANCE, R.ADMIN], add=[R.FINANCE]),
    "disbursements_disbursement_record": frozenset([R.FINANCE]),  # chooses the campaign
    "disbursements_disbursement_record_for": frozenset([R.FINANCE]),  # that campaign's payout form
    "disbursements_disbursement_monthly": frozenset([R.FINANCE, R.ADMIN]),  # monthly needs due
    # Surplus moves of finished campaigns: finance asks, another finance user or an admin approves.
    **_model("disbursements", "surplustransfer", view=[R.FINANCE, R.ADMIN], add=[R.FINANCE]),
    "disbursements_surplustransfer_choose": frozenset([R.FINANCE]),
    "disbursements_surplustransfer_request": frozenset([R.FINANCE]),
    "disbursements_disbursement_proof": frozenset([R.FINANCE, R.ADMIN]),
    "books_export": frozenset([R.FINANCE]),
    # Who runs the fund (/<lang>/contact/): one row, admins edit it.
    **_model("foundation", "foundationprofile", view=[R.ADMIN]),
    # Families' help requests and case notes: caseworkers alone.
    **_model("helprequests", "helprequest", view=[R.CASEWORKER]),
    "helprequests_helprequest_attachment": frozenset([R.CASEWORKER]),
    "helprequests_helprequest_note": frozenset([R.CASEWORKER]),
}


def may_open(user: Any, page: str | None) -> bool:
    """Whether `user` (a verified staff member) may open the back-office page named `page`."""
    if page is None:
        return True  # Django's unnamed "<id>/" patterns only redirect to the named change page
    allowed = BACK_OFFICE_PAGES.get(page)
    if allowed is None:
        return bool(getattr(user, "is_superuser", False))  # a page nobody listed: closed
    if allowed == EVERY_ROLE:
        return True  # open to every verified staff member, a new one without a role too
    return bool(getattr(user, "is_superuser", False)) or (bool(allowed) and has_role(user, *allowed))


def guard_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a back-office view: 403 unless the table lets the user's role open the page."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        match = request.resolver_match
        if not may_open(request.user, match.url_name if match else None):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


# ------------------------------------------------------------------ the documentation
BEGIN_MARKER = "<!-- BEGIN BACK-OFFICE PAGES (generated from solidarity/staff/page_access.py) -->"
END_MARKER = "<!-- END BACK-OFFICE PAGES -->"
SECURITY_DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"


def render_pages_table() -> str:
    """The table as Markdown: one row per page, one column per role (✓ = may open)."""
    roles = list(Role)
    lines = [
        "| page (URL name) | " + " | ".join(str(r) for r in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for page in sorted(BACK_OFFICE_PAGES):
        allowed = BACK_OFFICE_PAGES[page]
        lines.append(f"| `{page}` | " + " | ".join("✓" if r in allowed else "" for r in roles) + " |")
    lines.append("")
    lines.append(
        "Open before the second factor (they are how one gets it): "
        + ", ".join(f"`{p}`" for p in BEFORE_SECOND_FACTOR)
        + ". A page ticked for every role is open to every verified staff member, one without a role"
        " too; a page missing from the table is closed to every role; superusers open every page."
    )
    return "\n".join(lines)


def document_with_table(text: str) -> str:
    """`text` (docs/security.md) with the part between the markers replaced by the table."""
    head, found, rest = text.partition(BEGIN_MARKER)
    _old, found_end, tail = rest.partition(END_MARKER)
    if not found or not found_end:
        raise ValueError(f"{SECURITY_DOC.name} lacks the markers {BEGIN_MARKER!r} … {END_MARKER!r}")
    return f"{head}{BEGIN_MARKER}\n{render_pages_table()}\n{END_MARKER}{tail}"
