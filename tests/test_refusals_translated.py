"""Every refusal a person can meet is in their language.

Services refuse with domain errors (core/errors.py) whose message the back office, the API and
the public forms show. In the modules below, whose refusals reach people, a domain error must
be raised with a message marked for translation (`gettext(...)`, or a variable holding one),
never a bare English string or f-string. `INVARIANTS` lists the few that only a programming
error can trigger; those stay in English for the log.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from solidarity.core.errors import DomainError

ROOT = Path(__file__).resolve().parents[1]

# Modules whose domain errors reach a person (back office, API, public forms).
PEOPLE_FACING = (
    "solidarity/payments/statements/csv_format.py",
    "solidarity/payments/statements/mt940.py",
    "solidarity/payments/statements/camt053.py",
    "solidarity/payments/statements/values.py",
    "solidarity/payments/statements/__init__.py",
    "solidarity/api/staff_statements.py",
    "solidarity/payments/channels.py",
    "solidarity/payments/providers/staff_recorded.py",
    "solidarity/books/period.py",
    "solidarity/disbursements/services.py",
    "solidarity/donations/services.py",
    "solidarity/donations/supporters.py",
    "solidarity/donations/refund_requests.py",
    "solidarity/campaigns/services.py",
    "solidarity/campaigns/proposals.py",
    "solidarity/foundation/services.py",
    "solidarity/staff/roles.py",
    "solidarity/rates/exchange.py",
    "solidarity/core/uploads.py",
    "solidarity/ledger/services.py",
    "solidarity/core/money.py",
    "solidarity/donations/intents.py",
    "solidarity/donations/pledges.py",
    "solidarity/api/tokens.py",
    "solidarity/helprequests/services.py",
    "solidarity/helprequests/content.py",
    "solidarity/api/auth.py",
    "solidarity/api/pagination.py",
    "solidarity/api/schemas.py",
)

# (module, part of the message): refusals that no person can meet. The ledger's and Money's
# own invariants (only our code builds postings and Money from floats), a rate conflict that
# only the import_rates command reaches, a key misconfiguration, a webhook nothing calls,
# field names and amounts that forms and schemas have already checked.
INVARIANTS = {
    ("solidarity/ledger/services.py", "Unknown account purpose"),
    ("solidarity/ledger/services.py", "at least two postings"),
    ("solidarity/ledger/services.py", "does not balance"),
    ("solidarity/ledger/services.py", "Unknown transaction kind"),
    ("solidarity/ledger/services.py", "cannot be zero"),
    ("solidarity/ledger/services.py", "is kept in"),
    ("solidarity/ledger/services.py", "belongs to"),
    ("solidarity/core/money.py", "three-letter ISO 4217 code"),
    ("solidarity/core/money.py", "never float"),
    ("solidarity/core/money.py", "Minor units must be an integer"),
    ("solidarity/rates/exchange.py", "is already stored as"),
    ("solidarity/core/uploads.py", "Cannot decrypt"),
    ("solidarity/payments/providers/staff_recorded.py", "have no webhooks"),
    ("solidarity/foundation/services.py", "Unknown field(s)"),
    ("solidarity/api/schemas.py", "Not an amount"),
}


def has_words(message: ast.expr) -> bool:
    """An f-string that only joins a place and a translated message (f"{where}: {exc.message}")
    has no words of its own."""
    if isinstance(message, ast.JoinedStr):
        return any(isinstance(part, ast.Constant) and re.search("[A-Za-z]", str(part.value)) for part in message.values)
    return isinstance(message, ast.Constant) and isinstance(message.value, str)


def english_refusals(path: str) -> list[str]:
    module = importlib.import_module(path.removesuffix(".py").removesuffix("/__init__").replace("/", "."))
    found = []
    for node in ast.walk(ast.parse((ROOT / path).read_text())):
        if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args):
            continue
        name = getattr(node.exc.func, "id", None) or getattr(node.exc.func, "attr", "")
        raised = getattr(module, name, None)
        if not (isinstance(raised, type) and issubclass(raised, DomainError)):
            continue
        message = node.exc.args[0]
        if has_words(message):
            text = ast.unparse(message)
            if not any(path == where and start in text for where, start in INVARIANTS):
                found.append(f"{path}:{node.lineno}: {text[:80]}")
    return found


@pytest.mark.parametrize("path", PEOPLE_FACING)
def test_refusals_are_marked_for_translation(path: str) -> None:
    assert english_refusals(path) == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ru", "be"])
def test_a_refusal_reads_in_the_staff_members_language(language: str) -> None:
    """A finance officer who approves their own large payout is refused in their language."""
    from django.utils import translation

    from solidarity.core.errors import NotAllowed
    from solidarity.disbursements.services import approve_disbursement
    from tests.factories import cash_then_payout, staff_with_role

    officer = staff_with_role("finance", "officer")
    _campaign, _donation, payout = cash_then_payout(actor=officer, donated="1000", paid="900")
    with translation.override(language), pytest.raises(NotAllowed) as refused:
        approve_disbursement(disbursement=payout, actor=officer)
    assert refused.value.message
    assert not re.search("[A-Za-z]", refused.value.message), refused.value.message
