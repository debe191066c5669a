"""Schemathesis against the live app: every operation, public ones without a token, staff ones
with a finance token; no server error, no undocumented status, responses match the schema."""

from __future__ import annotations

import io
import os
import time
from collections import Counter
from decimal import Decimal
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import checks

from solidarity.core.money import Money
from solidarity.disbursements.services import record_disbursement
from solidarity.donations.intents import create_donation_intent
from solidarity.donations.services import record_staff_donation
from solidarity.payments.reconciliation import import_statement
from tests.api.conftest import FUZZED, staff_token
from tests.factories import active_campaign, staff_with_role
from tests.payments.camt_builder import camt

# Bounded for CI (about 5 s); raise it for a deeper local run: SCHEMATHESIS_MAX_EXAMPLES=500.
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"))
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


def seed_data() -> dict[str, Any]:
    """Rows for the fuzzer to find: a funded campaign, a pending transfer, unmatched bank lines,
    a payout awaiting approval by someone other than the fuzzing token's user. Returns their
    path parameters, which half of the generated requests use instead of random ones."""
    campaign = active_campaign(currency="EUR", goal="2000", slug="fuzz-campaign")
    recorder = staff_with_role("finance", username="recorder")
    record_staff_donation(campaign=campaign, amount=Money(Decimal(900), "EUR"), channel="cash", actor=recorder)
    create_donation_intent(campaign=campaign, amount=Money(Decimal(25), "EUR"), channel="bank_transfer")
    summary = import_statement(
        data=camt([{"amount": f"{n}.00", "text": f"gift {n}"} for n in range(3, 9)]), actor=recorder
    )
    payout = record_disbursement(
        need=campaign.needs.get(),
        payee_category="lawyer",
        amount=Money(Decimal(400), "EUR"),
        paid_on=campaign.published_at.date(),
        public_description="Lawyer",
        actor=recorder,
    )
    return {
        "slug": campaign.slug,
        "statement_id": summary.statement.pk,
        "line_id": summary.statement.lines.order_by("id").first().pk,
        "disbursement_id": payout.pk,
    }


def test_every_operation_conforms_to_the_openapi_document(
    live_server: Any, transactional_db: Any, settings: Any, record_property: Any
) -> None:
    settings.SOLIDARITY_API_READS_PER_MINUTE = 1_000_000  # 429 has its own tests
    settings.SOLIDARITY_API_RECEIPT_CHECKS_PER_MINUTE = 1_000_000
    known = seed_data()
    finance = staff_token("finance", username="fuzzer")
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    started = time.monotonic()
    tested: dict[str, Counter[int]] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        headers = finance.headers if operation.path.startswith("/api/v1/staff/") else {}
        tested[operation.label] = fuzz(operation, base_url=live_server.url, headers=headers, known=known)
    FUZZED.update(tested)
    record_property("schemathesis_operations", len(tested))
    print(f"schemathesis: {len(tested)} operations in {time.monotonic() - started:.1f} s")
    for label, statuses in tested.items():
        print(f"  {label}: {dict(sorted(statuses.items()))}")
    assert len(tested) == 27  # 22 + supporters list (16.1) + candidates, confirm, undo, dismiss (14.5)


def fuzz(operation: Any, *, base_url: str, headers: dict[str, str], known: dict[str, Any]) -> Counter[int]:
    """Run MAX_EXAMPLES generated requests against one operation, checking each response;
    returns how often each status came back."""
    statuses: Counter[int] = Counter()
    names = {p.name for p in operation.path_parameters}
    strategy = operation.as_strategy()
    if names:
        existing = operation.as_strategy(path_parameters={n: v for n, v in known.items() if n in names})
        strategy = st.one_of(strategy, existing)

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,  # write nothing into the work tree
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        response = case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)
        statuses[response.status_code] += 1

    run()
    return statuses


def test_seed_upload_is_a_real_statement() -> None:
    """The fuzzer's multipart bodies are random bytes; this keeps the builder honest."""
    assert io.BytesIO(camt([{"amount": "1.00"}])).read().startswith(b"<?xml")
