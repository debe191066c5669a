"""A log sealed partly before the entry format got owners (version 1) and partly after
(version 2) stays verifiable as a whole: verify_ledger re-derives each entry in its own
version, the exported bundle verifies offline, and receipts of old and new donations
get inclusion proofs that check against the latest signed checkpoint."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from solidarity.core.money import Money
from solidarity.donations.services import record_staff_donation
from solidarity.ledger.verification import verify_ledger
from solidarity.publiclog import sealing
from solidarity.publiclog.models import LogEntry
from solidarity.publiclog.selectors import inclusion_proof_for_transaction
from solidarity.publiclog.verify_bundle import verify_bundle
from tests.tampering import switch_guards_off

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed_log(campaign, staff_user, monkeypatch) -> list:
    def donate(amount: str):
        money = Money(Decimal(amount), "EUR")
        return record_staff_donation(campaign=campaign, amount=money, channel="cash", actor=staff_user).donation

    old = [donate("10"), donate("20")]
    with monkeypatch.context() as before_the_upgrade:
        before_the_upgrade.setattr(sealing, "SEALED_VERSION", 1)
        sealing.seal_log()
    new = [donate("30")]
    sealing.seal_log()
    return old + new


def test_entries_keep_the_version_they_were_sealed_in(mixed_log, campaign) -> None:
    entries = [json.loads(e) for e in LogEntry.objects.order_by("index").values_list("entry", flat=True)]
    assert [e["v"] for e in entries] == [1, 1, 2]
    assert entries[0]["campaign"] == campaign.pk and "owner" not in entries[0]
    assert entries[2]["owner"] == f"campaign:{campaign.pk}" and "campaign" not in entries[2]


def test_verify_ledger_re_derives_each_entry_in_its_own_version(mixed_log) -> None:
    report = verify_ledger()
    assert report.ok, report.problems


def test_a_rewritten_old_entry_is_still_caught(mixed_log) -> None:
    first = mixed_log[0].ledger_transaction_id
    with connection.cursor() as cur:
        switch_guards_off(cur, "ledger_transaction")
        cur.execute("UPDATE ledger_transaction SET occurred_on = %s WHERE id = %s", ["2001-01-01", first])
    problems = verify_ledger().problems
    assert any(p.startswith(f"log entry #0 (transaction #{first})") and "day changed" in p for p in problems)


def test_the_bundle_and_the_receipts_verify_across_versions(mixed_log, tmp_path, capsys) -> None:
    call_command("export_log", str(tmp_path / "bundle"))
    assert verify_bundle(tmp_path / "bundle").ok
    for donation in mixed_log:
        proof = inclusion_proof_for_transaction(donation.ledger_transaction_id)
        assert proof.tree_size == 3 and proof.verify()
