"""docs/operations.md names only commands that exist: every `manage.py` command, every
`make` target, every `solidarity-wal` subcommand, every file of the repository it points
at and every page it links to."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "operations.md"


def code() -> str:
    """The doc's code: fenced blocks and inline spans (prose such as "make sure" is not a command)."""
    text = DOC.read_text()
    fenced = re.findall(r"```[^\n]*\n(.*?)```", text, re.DOTALL)
    inline = re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.DOTALL))
    return "\n".join(fenced + inline)


def test_every_manage_py_command_named_exists() -> None:
    named = set(re.findall(r"manage\.py (\w+)", DOC.read_text()))
    assert {"backup", "restore", "verify_ledger", "verify_log", "export_log", "rotate_keys", "invite_staff"} <= named
    missing = named - set(get_commands())
    assert not missing, f"docs/operations.md names manage.py commands that do not exist: {sorted(missing)}"


def test_every_make_target_named_exists() -> None:
    named = set(re.findall(r"(?:^|[\s;&(])make ([a-z][\w-]*)", code(), re.MULTILINE))
    assert {"restore-drill", "prod-install", "upgrade", "rollback", "test", "prod-local"} <= named
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][\w-]*):", makefile, re.MULTILINE))
    assert not named - targets, f"docs/operations.md names make targets that do not exist: {sorted(named - targets)}"


def test_every_solidarity_wal_subcommand_named_exists() -> None:
    named = set(re.findall(r"solidarity-wal(?:\.py)? ([a-z][\w-]*)", code())) | set(
        re.findall(r"solidarity_wal\.py ([a-z][\w-]*)", code())
    )
    assert {"base-backup", "prune", "restore-base", "list", "keygen"} <= named
    for sub in sorted(named):
        done = subprocess.run(
            [str(ROOT / "deploy" / "bin" / "solidarity-wal"), sub, "--help"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, f"solidarity-wal {sub}: {done.stderr}"


def test_every_repository_file_and_linked_page_exists() -> None:
    text = DOC.read_text()
    paths = set(re.findall(r"`((?:deploy|tests|docs)/[\w./@-]+)`", text)) | set(
        re.findall(r"\b((?:deploy|tests)/[\w/@.-]+\.(?:py|conf|example|service|timer|snippet|sql))(?![\w.-])", text)
    )
    assert "deploy/postgresql/standby.conf" in paths
    missing = [p for p in paths if not (ROOT / p).exists() and not list(ROOT.glob(p))]
    assert not missing, f"docs/operations.md points at files that do not exist: {missing}"
    pages = set(re.findall(r"\]\(([\w.-]+\.md)(?:#[\w-]+)?\)", text))
    assert {"deployment.md", "security.md"} <= pages
    assert all((DOC.parent / page).exists() for page in pages)
