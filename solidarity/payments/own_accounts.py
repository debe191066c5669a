"""The foundation's own bank accounts: the only ones whose statements may be imported.

`SOLIDARITY_OWN_ACCOUNTS` lists them as the banks write them (an IBAN, or the account
number an MT940 `:25:` field carries, such as "37040044/0532013000"); the IBAN shown to
donors (`BANK_IBAN`) must be among them (system check `solidarity.payments.E001`).
Comparison ignores spaces and letter case, nothing else: a statement of a look-alike
account is someone else's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from solidarity.payments.statements.errors import StatementError


class ForeignAccount(StatementError):
    """A statement of an account that is not the foundation's: nothing is recorded."""

    code = "not_own_account"


def normalise_account(value: str) -> str:
    return "".join(value.split()).upper()


def own_accounts() -> list[str]:
    """The configured accounts, as configured (for messages and the CSV account choice)."""
    return [a for a in getattr(settings, "SOLIDARITY_OWN_ACCOUNTS", []) if a.strip()]


def is_own_account(account: str) -> bool:
    return bool(account.strip()) and normalise_account(account) in {normalise_account(a) for a in own_accounts()}


def require_own_accounts(accounts: Iterable[str]) -> None:
    """Refuse (ForeignAccount, naming them) a statement that names another account, or none."""
    named = list(dict.fromkeys(a.strip() for a in accounts))
    if not named or "" in named:
        raise ForeignAccount(
            _("The statement does not say which account it is for; only the foundation's own accounts are imported.")
        )
    foreign = [a for a in named if not is_own_account(a)]
    if foreign:
        raise ForeignAccount(
            ngettext(
                "This is a statement of the account %(accounts)s, which is not one of the foundation's own "
                "accounts (SOLIDARITY_OWN_ACCOUNTS). Nothing was imported.",
                "This statement holds the accounts %(accounts)s, which are not the foundation's own "
                "accounts (SOLIDARITY_OWN_ACCOUNTS). Nothing was imported.",
                len(foreign),
            )
            % {"accounts": ", ".join(foreign[:5])}
        )


@register()
def check_donor_account_is_own(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The account shown to donors must be one whose statements can be imported."""
    shown = getattr(settings, "BANK_IBAN", "")
    if not own_accounts():
        return [
            Error(
                "SOLIDARITY_OWN_ACCOUNTS is empty: no bank statement could be imported.",
                hint="List the foundation's IBANs/account numbers, comma-separated, including BANK_IBAN.",
                id="solidarity.payments.E001",
            )
        ]
    if shown and not is_own_account(shown):
        return [
            Error(
                f"BANK_IBAN {shown} (shown to donors) is not in SOLIDARITY_OWN_ACCOUNTS: "
                "statements of the account donors pay into would be refused.",
                hint="Add BANK_IBAN to SOLIDARITY_OWN_ACCOUNTS.",
                id="solidarity.payments.E001",
            )
        ]
    return []
