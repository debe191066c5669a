"""Sealing the public log: order, idempotence, restart after a crash, proofs and privacy."""

from __future__ import annotations

import base64
import json
from decimal import Decimal

import django_tasks.signals  # noqa: F401  (resets task backends when TASKS is overridden)
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import override_settings

from solidarity.core.errors import ImmutableRecord
from solidarity.core.money import Money
from solidarity.donations.services import record_staff_donation, reverse_donation
from solidarity.ledger.models import Transaction
from solidarity.publiclog import sealing as log_service
from solidarity.publiclog import selectors as log_selectors
from solidarity.publiclog.formats import open_checkpoint, parse_entry
from solidarity.publiclog.keys import signing_key
from solidarity.publiclog.merkle import leaf_hash, root_of
from solidarity.publiclog.models import Checkpoint, LogEntry
from solidarity.publiclog.sealing import seal_log
from solidarity.publiclog.tasks import seal_after_commit, seal_log_task

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def donate(campaign, actor, amount: str = "10", **extra):
    money = Money(Decimal(amount), "EUR")
    return record_staff_donation(campaign=campaign, amount=money, channel="cash", actor=actor, **extra).donation


def test_sealing_assigns_consecutive_indices_in_transaction_order(campaign, staff_user) -> None:
    first = donate(campaign, staff_user, "10")
    donate(campaign, staff_user, "20")
    reverse_donation(donation=first, actor=staff_user, reason="bounced")
    result = seal_log(batch_size=2)
    entries = list(LogEntry.objects.order_by("index"))
    assert [e.index for e in entries] == [0, 1, 2]
    assert [e.transaction_id for e in entries] == list(Transaction.objects.order_by("id").values_list("id", flat=True))
    assert result.sealed == 3 and result.tree_size == 3 and result.development_key
    leaves = [bytes.fromhex(e.leaf_hash) for e in entries]
    assert leaves == [leaf_hash(e.entry_bytes) for e in entries]
    assert result.root_hash == root_of(leaves).hex()
    body = open_checkpoint(Checkpoint.objects.get().note, signing_key().public_key)
    assert (body.tree_size, body.root_hash.hex()) == (3, result.root_hash)


def test_entries_are_public_and_say_nothing_about_donors(campaign, staff_user) -> None:
    donation = donate(campaign, staff_user, "25", public_name="Ales B.", message="Stay strong, Maria")
    reverse_donation(donation=donation, actor=staff_user, reason="Donor Ivanov asked")
    seal_log()
    original, reversal = (parse_entry(e.entry_bytes) for e in LogEntry.objects.order_by("index"))
    owner = f"campaign:{campaign.pk}"
    assert original == {
        "v": 2,
        "index": 0,
        "txn": donation.ledger_transaction_id,
        "kind": "donation",
        "owner": owner,
        "day": donation.received_on.isoformat(),
        "postings": [["", "cash", "EUR", 2500], [owner, "campaign_fund", "EUR", -2500]],
        "reverses": None,
        "fx_rate": "",
        "fx_source": "",
    }
    # The reversal is its own entry; the original stays in the log.
    assert reversal["kind"] == "reversal" and reversal["reverses"] == donation.ledger_transaction_id
    assert reversal["postings"] == [["", "cash", "EUR", -2500], [owner, "campaign_fund", "EUR", 2500]]
    text = " ".join(LogEntry.objects.values_list("entry", flat=True))
    for secret in ("Ales", "Maria", "Ivanov", "Reversal", "donation:", "finance", donation.receipt_code_hash):
        assert secret not in text


def test_sealing_is_idempotent_and_extends_the_log(campaign, staff_user) -> None:
    donate(campaign, staff_user)
    first = seal_log()
    again = seal_log()
    assert (again.sealed, again.checkpoint, again.tree_size) == (0, None, 1)
    assert Checkpoint.objects.count() == 1 and LogEntry.objects.count() == 1
    donate(campaign, staff_user, "30")
    donate(campaign, staff_user, "40")
    grown = seal_log()
    assert (grown.sealed, grown.tree_size) == (2, 3)
    proof = log_selectors.consistency_proof(first.tree_size)
    assert proof.first_root == first.root_hash and proof.second_root == grown.root_hash and proof.verify()


def test_a_killed_sealer_is_finished_by_the_next_run(campaign, staff_user, monkeypatch) -> None:
    for amount in ("1", "2", "3", "4", "5"):
        donate(campaign, staff_user, amount)

    def die(*args, **kwargs):
        raise RuntimeError("sealer killed before its checkpoint")

    monkeypatch.setattr(log_service, "write_checkpoint", die)
    with pytest.raises(RuntimeError):
        seal_log(batch_size=2)
    assert LogEntry.objects.count() == 5 and not Checkpoint.objects.exists()
    monkeypatch.undo()
    result = seal_log()
    assert (result.sealed, result.tree_size) == (0, 5)
    leaves = [bytes.fromhex(h) for h in LogEntry.objects.values_list("leaf_hash", flat=True)]
    assert result.root_hash == root_of(leaves).hex()


def test_a_sealer_killed_between_batches_is_finished_by_the_next_run(campaign, staff_user, monkeypatch) -> None:
    for amount in ("1", "2", "3", "4", "5"):
        donate(campaign, staff_user, amount)
    real, calls = log_service._append_entries, []

    def dies_on_second_batch(batch_size: int) -> int:
        calls.append(batch_size)
        if len(calls) == 2:
            raise RuntimeError("killed")
        return real(batch_size)

    monkeypatch.setattr(log_service, "_append_entries", dies_on_second_batch)
    with pytest.raises(RuntimeError):
        seal_log(batch_size=2)
    assert list(LogEntry.objects.values_list("index", flat=True)) == [0, 1]
    monkeypatch.undo()
    result = seal_log(batch_size=2)
    assert (result.sealed, result.tree_size) == (3, 5)
    call_command("verify_ledger")


def test_the_task_runs_the_same_sealer(campaign, staff_user) -> None:
    donate(campaign, staff_user)
    summary = seal_log_task.call()
    assert summary == {"sealed": 1, "tree_size": 1, "root_hash": Checkpoint.objects.get().root_hash}
    with override_settings(TASKS=IMMEDIATE):
        donate(campaign, staff_user)
        assert seal_log_task.enqueue().return_value["tree_size"] == 2


def test_seal_after_commit_enqueues_once_the_money_is_written(
    campaign, staff_user, django_capture_on_commit_callbacks
) -> None:
    with override_settings(TASKS=IMMEDIATE), django_capture_on_commit_callbacks(execute=True):
        donate(campaign, staff_user)
        seal_after_commit()
        assert not LogEntry.objects.exists()  # nothing happens inside the transaction
    assert LogEntry.objects.count() == 1 and Checkpoint.objects.get().tree_size == 1


def test_seal_log_command_says_which_key_it_used(campaign, staff_user, capsys) -> None:
    donate(campaign, staff_user)
    call_command("seal_log")
    out = capsys.readouterr()
    assert "sealed 1 entries; checkpoint at tree size 1" in out.out and "development key" in out.err
    call_command("seal_log")
    assert "log already sealed: tree size 1" in capsys.readouterr().out


def test_the_donation_inclusion_proof_verifies_against_the_latest_checkpoint(campaign, staff_user) -> None:
    donation = donate(campaign, staff_user, "12")
    with pytest.raises(log_selectors.ProofUnavailable):
        log_selectors.inclusion_proof_for_transaction(donation.ledger_transaction_id)
    seal_log()
    for amount in ("1", "2", "3", "4"):
        donate(campaign, staff_user, amount)
    seal_log()
    proof = log_selectors.inclusion_proof_for_transaction(donation.ledger_transaction_id)
    latest = log_selectors.latest_checkpoint()
    assert latest is not None and (proof.tree_size, proof.root_hash) == (5, latest.root_hash)
    assert proof.verify()
    assert open_checkpoint(proof.checkpoint, signing_key().public_key).root_hash.hex() == proof.root_hash
    assert json.loads(proof.entry)["txn"] == donation.ledger_transaction_id
    older = log_selectors.inclusion_proof(0, tree_size=1)
    assert older.path == [] and older.verify()
    with pytest.raises(log_selectors.ProofUnavailable):
        log_selectors.inclusion_proof(0, tree_size=3)  # no checkpoint has that size


def test_public_read_selectors(campaign, staff_user) -> None:
    assert log_selectors.latest_checkpoint() is None
    for amount in ("1", "2", "3"):
        donate(campaign, staff_user, amount)
    seal_log()
    assert [e.index for e in log_selectors.entries_page(start=1, limit=5)] == [1, 2]
    entry = log_selectors.entry_by_index(2)
    assert entry is not None and log_selectors.inclusion_proof_for_transaction(entry.transaction_id).verify()
    assert log_selectors.entry_by_index(3) is None
    assert log_selectors.consistency_proof(0).verify() and log_selectors.consistency_proof(3).verify()


def test_log_rows_are_append_only(campaign, staff_user) -> None:
    donate(campaign, staff_user)
    seal_log()
    entry = LogEntry.objects.get()
    entry.leaf_hash = "00" * 32
    with pytest.raises(ImmutableRecord):
        entry.save()
    with pytest.raises(ImmutableRecord):
        Checkpoint.objects.update(root_hash="00" * 32)
    with pytest.raises(ImmutableRecord):
        LogEntry.objects.all().delete()


def test_a_configured_key_signs_in_base64_or_pem(campaign, staff_user) -> None:
    key = Ed25519PrivateKey.generate()
    seed = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    donate(campaign, staff_user)
    with override_settings(
        SOLIDARITY_LOG_SIGNING_KEY=base64.b64encode(seed).decode(), SOLIDARITY_LOG_ORIGIN="x.org/log"
    ):
        result = seal_log()
        assert not result.development_key
    assert open_checkpoint(Checkpoint.objects.get().note, key.public_key()).origin == "x.org/log"
    with override_settings(SOLIDARITY_LOG_SIGNING_KEY=pem):
        assert signing_key().public_key.public_bytes_raw() == key.public_key().public_bytes_raw()
    with override_settings(SOLIDARITY_LOG_SIGNING_KEY="not a key"), pytest.raises(ImproperlyConfigured):
        signing_key()
