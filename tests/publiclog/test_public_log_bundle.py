"""export_log writes a bundle that verify_log (and the stand-alone verifier) checks offline."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError

from solidarity.core.money import Money
from solidarity.donations.services import record_staff_donation, reverse_donation
from solidarity.publiclog.formats import CheckpointBody, parse_checkpoint_body, public_key_pem, sign_checkpoint
from solidarity.publiclog.keys import signing_key
from solidarity.publiclog.merkle import MerkleTree, leaf_hash
from solidarity.publiclog.sealing import seal_log
from solidarity.publiclog.verify_bundle import verify_bundle

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bundle(campaign, staff_user, tmp_path) -> Path:
    """A log of seven entries under three checkpoints, exported."""

    def donate(amount: str):
        money = Money(Decimal(amount), "EUR")
        return record_staff_donation(campaign=campaign, amount=money, channel="cash", actor=staff_user).donation

    first = donate("10")
    donate("20")
    seal_log()
    for amount in ("30", "40", "50"):
        donate(amount)
    seal_log()
    reverse_donation(donation=first, actor=staff_user, reason="bounced")
    donate("60")
    seal_log()
    call_command("export_log", str(tmp_path / "bundle"))
    return tmp_path / "bundle"


def _lines(bundle: Path) -> list[str]:
    return (bundle / "entries.jsonl").read_text().splitlines(keepends=True)


def _fails(bundle: Path, text: str, capsys) -> str:
    with pytest.raises(CommandError, match="bundle verification failed"):
        call_command("verify_log", str(bundle))
    err = capsys.readouterr().err
    assert err.splitlines()[0].startswith(text), err
    return err


def test_a_good_bundle_verifies(bundle, capsys) -> None:
    assert sorted(p.name for p in bundle.iterdir()) == [
        "README.txt",
        "checkpoints.json",
        "entries.jsonl",
        "public_key.pem",
    ]
    call_command("verify_log", str(bundle))
    assert "bundle OK: 7 entries, 3 checkpoints, tree size 7" in capsys.readouterr().out
    assert "python -m solidarity.publiclog.verify_bundle" in (bundle / "README.txt").read_text()


def test_the_standalone_verifier_needs_no_django(bundle) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE"))}
    script = (
        "import sys\n"
        "from solidarity.publiclog import verify_bundle as log_verify\n"
        "code = log_verify.main(sys.argv[1:])\n"
        "assert 'django' not in sys.modules, 'the verifier imported Django'\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(bundle)], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("bundle OK: 7 entries")
    module = subprocess.run(
        [
            sys.executable,
            "-m",
            "solidarity.publiclog.verify_bundle",
            str(bundle),
            "--public-key",
            str(bundle / "public_key.pem"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert module.returncode == 0, module.stderr


def test_a_flipped_byte_in_an_entry_is_named(bundle, capsys) -> None:
    lines = _lines(bundle)
    lines[4] = lines[4].replace("-5000", "-5001")
    (bundle / "entries.jsonl").write_text("".join(lines))
    err = _fails(bundle, "entry #4: leaf hash does not match its bytes", capsys)
    assert "checkpoint at tree size 5: root hash does not match; the first bad entry is #4" in err


def test_a_rewritten_entry_with_a_fresh_leaf_hash_breaks_the_signed_root(bundle, capsys) -> None:
    lines = _lines(bundle)
    row = json.loads(lines[4])
    row["entry"] = row["entry"].replace("-5000", "-5001")
    row["leaf_hash"] = leaf_hash(row["entry"].encode()).hex()
    lines[4] = json.dumps(row, sort_keys=True, separators=(",", ":")) + "\n"
    (bundle / "entries.jsonl").write_text("".join(lines))
    _fails(
        bundle, "checkpoint at tree size 5: its signed root hash does not match the entries, though every entry", capsys
    )


def test_a_dropped_entry_is_named(bundle, capsys) -> None:
    lines = _lines(bundle)
    del lines[3]
    (bundle / "entries.jsonl").write_text("".join(lines))
    _fails(bundle, "entry #3: missing (line 4 holds entry #4)", capsys)


def test_a_dropped_last_entry_is_named(bundle, capsys) -> None:
    (bundle / "entries.jsonl").write_text("".join(_lines(bundle)[:-1]))
    _fails(bundle, "entry #6: missing (checkpoint at tree size 7 covers it)", capsys)


def _rewrite_checkpoint(bundle: Path, position: int, change) -> None:
    document = json.loads((bundle / "checkpoints.json").read_text())
    change(document["checkpoints"][position])
    (bundle / "checkpoints.json").write_text(json.dumps(document))


def test_an_altered_checkpoint_root_is_named(bundle, capsys) -> None:
    forged = base64.b64encode(b"\x07" * 32).decode()

    def alter(item: dict) -> None:
        lines = item["note"].split("\n")
        lines[2] = forged
        item["note"] = "\n".join(lines)
        item["root_hash"] = "07" * 32

    _rewrite_checkpoint(bundle, 1, alter)
    _fails(bundle, "checkpoint at tree size 5: the signature does not verify with the public key", capsys)


def test_a_bad_signature_is_rejected(bundle, capsys) -> None:
    def alter(item: dict) -> None:
        body, _, signature = item["note"].rpartition(" ")
        blob = bytearray(base64.b64decode(signature))
        blob[-1] ^= 1
        item["note"] = f"{body} {base64.b64encode(bytes(blob)).decode()}\n"

    _rewrite_checkpoint(bundle, 2, alter)
    _fails(bundle, "checkpoint at tree size 7: the signature does not verify with the public key", capsys)


def test_a_checkpoint_signed_by_another_key_is_rejected(bundle, capsys) -> None:
    impostor = Ed25519PrivateKey.generate()

    def alter(item: dict) -> None:
        body = parse_checkpoint_body(item["note"].split("\n\n")[0] + "\n")
        item["note"] = sign_checkpoint(CheckpointBody(body.origin, 7, b"\x01" * 32, body.timestamp_ms), impostor)
        item["root_hash"] = "01" * 32

    _rewrite_checkpoint(bundle, 2, alter)
    _fails(bundle, "checkpoint at tree size 7: no signature by this public key", capsys)


def test_a_pinned_key_must_be_the_bundles(bundle, tmp_path, capsys) -> None:
    call_command("verify_log", str(bundle), public_key=bundle / "public_key.pem")
    other = tmp_path / "other.pem"
    other.write_bytes(public_key_pem(Ed25519PrivateKey.generate().public_key()))
    with pytest.raises(CommandError):
        call_command("verify_log", str(bundle), public_key=other)
    assert "public_key.pem is not the pinned public key" in capsys.readouterr().err


def test_an_incomplete_bundle_is_reported(bundle) -> None:
    (bundle / "checkpoints.json").unlink()
    report = verify_bundle(bundle)
    assert not report.ok and report.problems[0].startswith("checkpoints.json:")


def test_a_history_rewritten_and_resigned_is_caught_by_an_older_bundle(bundle, tmp_path, capsys) -> None:
    old = tmp_path / "kept-by-a-reader"
    shutil.copytree(bundle, old)
    # Someone with the database and the signing key rewrites entry 1 and re-signs everything.
    rows = [json.loads(line) for line in _lines(bundle)]
    rows[1]["entry"] = rows[1]["entry"].replace("2000", "2001")
    rows[1]["leaf_hash"] = leaf_hash(rows[1]["entry"].encode()).hex()
    (bundle / "entries.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    tree = MerkleTree(bytes.fromhex(r["leaf_hash"]) for r in rows)

    def resign(item: dict) -> None:
        body = parse_checkpoint_body(item["note"].split("\n\n")[0] + "\n")
        root = tree.root(body.tree_size)
        forged = CheckpointBody(body.origin, body.tree_size, root, body.timestamp_ms)
        item["note"], item["root_hash"] = sign_checkpoint(forged, signing_key().private_key), root.hex()

    for position in range(3):
        _rewrite_checkpoint(bundle, position, resign)
    call_command("verify_log", str(bundle))  # on its own, the forgery is flawless
    with pytest.raises(CommandError):
        call_command("verify_log", str(bundle), previous=old)
    assert "previous checkpoint at tree size 2: this bundle rewrote entry #1" in capsys.readouterr().err
    call_command("verify_log", str(old), previous=old)
