"""Where the statement fixtures live, and what each one is expected to yield.

The shared set (`/work/shared/fixtures/statements`, outside the repository) has every
third-party sample; `tests/fixtures/statements` has the MIT/BSD ones copied in, so the
suite still covers real-world files where the shared set is absent.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "statements"
LOCAL = Path(__file__).resolve().parents[1] / "fixtures" / "statements"
EDGE = LOCAL / "edge"


class Expected(NamedTuple):
    statements: int
    entries: int  # <Ntry> or :61:
    lines: int
    skipped: int


# Numbers from the shared README's table; lines = entries, except where a batch entry's
# TxDtls carry their own amounts (split into one line each) or an entry is informational.
CAMT053: dict[str, Expected] = {
    "genkgo_camt053.v2.multi.statement.xml": Expected(2, 2, 2, 0),
    "genkgo_camt053.v3.xml": Expected(1, 1, 1, 0),
    "genkgo_camt053.v8.xml": Expected(1, 1, 1, 0),
    "oca_test-camt053-txdtls.xml": Expected(1, 1, 2, 0),
    "oca_test-camt053.xml": Expected(1, 3, 4, 0),
    "viafintech_valid_example.xml": Expected(1, 4, 5, 0),
    "viafintech_valid_example_v4.xml": Expected(1, 13, 32, 0),
    "viafintech_valid_example_v8.xml": Expected(1, 3, 3, 0),
    "viafintech_valid_example_with_batch.xml": Expected(1, 3, 3, 0),
    "viafintech_valid_example_with_datetime.xml": Expected(1, 1, 1, 0),
}
MT940: dict[str, Expected] = {
    "oca_test-ing.940": Expected(1, 8, 8, 0),
    "oca_test-rabo.swi": Expected(4, 2, 2, 0),
    "wolph_ASNB_mt940.txt": Expected(31, 8, 8, 0),
    "wolph_betterplace_sepa_mt9401.sta": Expected(26, 97, 97, 0),
    "wolph_citi_mt940.txt": Expected(1, 5, 3, 2),
    "wolph_cmxl_mt940.sta": Expected(3, 16, 16, 0),
    "wolph_jejik_abnamro.sta": Expected(2, 10, 10, 0),
    "wolph_jejik_ing.sta": Expected(1, 7, 7, 0),
    "wolph_jejik_knab.sta": Expected(2, 3, 3, 0),
    "wolph_jejik_postfinance.sta": Expected(2, 4, 4, 0),
    "wolph_jejik_rabobank-iban.sta": Expected(2, 4, 4, 0),
    "wolph_jejik_triodos.sta": Expected(1, 2, 2, 0),
    "wolph_mBank_mt940.sta": Expected(1, 3, 3, 0),
    "wolph_sberbank_171011_01234945.sta": Expected(1, 3, 3, 0),
}
# Files whose balances reconcile per the shared README (no balance warning expected).
RECONCILING = {
    "genkgo_camt053.v2.multi.statement.xml",
    "oca_test-camt053-txdtls.xml",
    "viafintech_valid_example.xml",
    "viafintech_valid_example_v4.xml",
    "oca_test-ing.940",
    "oca_test-rabo.swi",
    "wolph_ASNB_mt940.txt",
    "wolph_betterplace_sepa_mt9401.sta",
    "wolph_citi_mt940.txt",
    "wolph_cmxl_mt940.sta",
    "wolph_jejik_rabobank-iban.sta",
    "wolph_mBank_mt940.sta",
    "wolph_sberbank_171011_01234945.sta",
}
# Prefixes whose licence allows a copy in this repository (MIT / BSD-3-Clause).
COPYABLE = ("genkgo_", "viafintech_", "wolph_")
NOT_COPYABLE = ("oca_", "wolph_betterplace_")


def fixture_params(kind: str) -> list[object]:
    """pytest params over the local copies and, where present, the whole shared set."""
    params: list[object] = [
        pytest.param(path, id=f"local/{path.name}") for path in sorted((LOCAL / kind).glob("*")) if path.is_file()
    ]
    if (SHARED / kind).is_dir():
        params += [
            pytest.param(path, id=f"shared/{path.name}") for path in sorted((SHARED / kind).glob("*")) if path.is_file()
        ]
    return params


def shared_file(kind: str, name: str) -> Path:
    """A file of the shared set, or skip the test when the set is absent."""
    path = SHARED / kind / name
    if not path.is_file():
        pytest.skip(f"shared fixture {kind}/{name} not available")
    return path


def any_file(kind: str, name: str) -> Path:
    """The local copy when there is one, else the shared file (skip if neither)."""
    local = LOCAL / kind / name
    return local if local.is_file() else shared_file(kind, name)


def accounts_of(paths: list[Path]) -> list[str]:
    """Every account the statement files among `paths` are of, as their parsers read it
    (to list them as the foundation's own where a test imports real-world files)."""
    from solidarity.payments.statements import StatementError, parse_statement

    accounts: set[str] = set()
    for path in paths:
        try:
            parsed = parse_statement(path.read_bytes(), filename=path.name)
        except StatementError:
            continue
        accounts |= {line.statement_account for line in parsed.lines} | {parsed.account}
    return sorted(a for a in accounts if a)
