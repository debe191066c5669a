"""The copied third-party fixtures are exact, documented, and only the licensed ones."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from .statement_files import COPYABLE, LOCAL, NOT_COPYABLE, SHARED

COPIES = sorted(p for kind in ("camt053", "mt940") for p in (LOCAL / kind).glob("*") if p.is_file())
README = (LOCAL / "README.md").read_text(encoding="utf-8")


def _git_blob(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def test_there_are_copies() -> None:
    assert len(COPIES) == 19


@pytest.mark.parametrize("path", COPIES, ids=lambda p: p.name)
def test_copy_is_licensed_documented_and_byte_exact(path: Path) -> None:
    assert path.name.startswith(COPYABLE) and not path.name.startswith(NOT_COPYABLE)
    row = next((line for line in README.splitlines() if line.startswith(f"| `{path.name}` |")), None)
    assert row is not None, f"{path.name} is missing from tests/fixtures/statements/README.md"
    assert re.search(r"\| (MIT|BSD-3-Clause)", row)
    blob = re.search(r"`([0-9a-f]{40})`", row)
    assert blob is not None and blob[1] == _git_blob(path.read_bytes())
    shared = SHARED / path.parent.name / path.name
    if shared.is_file():
        assert shared.read_bytes() == path.read_bytes()


def test_every_licensed_shared_file_is_copied() -> None:
    if not SHARED.is_dir():
        pytest.skip("shared fixture set not available")
    for kind in ("camt053", "mt940"):
        wanted = {
            p.name
            for p in (SHARED / kind).glob("*")
            if p.name.startswith(COPYABLE) and not p.name.startswith(NOT_COPYABLE)
        }
        assert wanted == {p.name for p in (LOCAL / kind).glob("*")}


def test_edge_files_are_documented() -> None:
    for path in (LOCAL / "edge").glob("*"):
        assert f"`{path.name}`" in README
