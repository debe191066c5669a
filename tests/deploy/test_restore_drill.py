"""The restore drill (deploy/restore_drill.py, `make restore-drill` in CI) names every
difference between the original and the restored database and fails on any."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy"))
import restore_drill  # noqa: E402

ORIGINAL = {
    "root": (31, "07c2e98d"),
    "balances": [("campaign:1", "campaign_fund", "EUR", 112500), ("", "bank", "EUR", -112500)],
    "counts": {"ledger_transaction": 31, "ledger_posting": 62},
}


def test_an_identical_restore_has_no_difference() -> None:
    assert restore_drill.compare(ORIGINAL, dict(ORIGINAL)) == []


def test_a_changed_balance_a_lost_row_and_another_root_are_each_named() -> None:
    restored = {
        "root": (30, "aaaa"),
        "balances": [("campaign:1", "campaign_fund", "EUR", 112400), ("", "bank", "EUR", -112500)],
        "counts": {"ledger_transaction": 31, "ledger_posting": 61},
    }
    assert restore_drill.compare(ORIGINAL, restored) == [
        "log root differs: (31, '07c2e98d') != (30, 'aaaa')",
        "balance of ('campaign:1', 'campaign_fund', 'EUR') differs: 112500 != 112400",
        "ledger_posting: 62 rows != 61",
    ]


def test_make_restore_drill_runs_it_and_ci_runs_make_restore_drill() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "restore-drill: setup\n\t$(PY) deploy/restore_drill.py\n" in makefile
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert ci.index("make restore-drill") > ci.index("make test")
