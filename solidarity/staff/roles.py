"""Staff roles as groups, with least privilege, checked in the services themselves.

- editor: writes campaigns, beneficiaries, needs and updates;
- reviewer: moves campaigns through their life cycle (publish, close, report, archive);
- finance: donations, statements, exchange rates, disbursements;
- admin: users, roles, channel switches and other settings; reads the audit log;
- caseworker: reads and works the families' help requests and keeps the case notes.

Which back-office page each role may open is one table, `BACK_OFFICE_PAGES` (page URL name →
roles); the admin site enforces it on every page (`admin_site.StaffAdminSite.admin_view`) and
docs/security.md shows it, rendered from it (`render_pages_table`, checked by a test).

A service given `actor=None` is being run by the system itself (a webhook, a scheduled
task), not by a person.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

from solidarity.core.errors import NotAllowed


class Role(StrEnum):
    EDITOR = "editor"
    REVIEWER = "reviewer"
    FINANCE = "finance"
    ADMIN = "admin"
    CASEWORKER = "caseworker"


# Django model permissions each role's group gets (app_label.codename).
ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.EDITOR: [
        f"campaigns.{action}_{model}"
        for model in ("campaign", "beneficiary", "need", "update", "timelineevent")
        for action in ("view", "add", "change")
    ]
    + ["campaigns.view_campaignchangeproposal"],  # their own proposed changes (issue 15.3)
    Role.REVIEWER: [
        *[f"campaigns.view_{m}" for m in ("campaign", "beneficiary", "need", "update", "timelineevent")],
        "campaigns.change_campaign",
        # Proposed changes to public campaigns: a diff page, accept or reject (issue 15.3).
        "campaigns.view_campaignchangeproposal",
        "campaigns.change_campaignchangeproposal",
    ],
    Role.FINANCE: [
        "campaigns.view_campaign",
        *[f"donations.{a}_donation" for a in ("view", "add", "change")],
        "donations.view_pledge",
        *[f"donations.{a}_refundrequest" for a in ("view", "add")],
        *[
            f"payments.{a}_{m}"
            for m in ("importedstatement", "bankline", "csvformat")
            for a in ("view", "add", "change")
        ],
        "payments.view_cardpayment",
        "payments.view_providerevent",
        "rates.view_exchangerate",
        "ledger.view_account",
        "ledger.view_transaction",
        # Payouts: finance records them and approves others' (and their voids) — four eyes in the services.
        *[f"disbursements.{a}_disbursement" for a in ("view", "add", "change")],
        # Surplus moves under a campaign's surplus rule: one finance user asks, another approves.
        *[f"disbursements.{a}_surplustransfer" for a in ("view", "add", "change")],
    ],
    Role.ADMIN: [
        *[f"auth.{a}_{m}" for m in ("user", "group") for a in ("view", "add", "change")],
        *[f"payments.{a}_channelsetting" for a in ("view", "add", "change")],
        "staff.view_auditentry",
        "disbursements.view_disbursement",
        "disbursements.change_disbursement",
        "disbursements.view_surplustransfer",
        "disbursements.change_surplustransfer",
        "otp_totp.view_totpdevice",
        "otp_totp.delete_totpdevice",
    ],
    # Help requests and case notes: nobody else reads what a family wrote.
    Role.CASEWORKER: [
        "helprequests.view_helprequest",
        "helprequests.change_helprequest",
        "campaigns.view_campaign",
        "campaigns.view_beneficiary",
    ],
}


def has_role(actor: Any, *roles: Role) -> bool:
    if actor is None:
        return True
    if not getattr(actor, "is_active", False) or not getattr(actor, "is_staff", False):
        return False
    if actor.is_superuser:
        return True
    return bool(actor.groups.filter(name__in=[str(r) for r in roles]).exists())


def require_role(actor: Any, *roles: Role) -> None:
    """Raise NotAllowed unless the actor (a staff user) holds one of the roles."""
    if not has_role(actor, *roles):
        names = _(" or ").join(str(r) for r in roles)
        raise NotAllowed(_("This needs the %(names)s role.") % {"names": names})


def ensure_role_groups() -> None:
    """Create or update the role groups and their permissions (run after every migrate)."""
    from django.contrib.auth.models import Group, Permission

    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=str(role))
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            found = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if found is not None:
                wanted.append(found)
        group.permissions.set(wanted)
