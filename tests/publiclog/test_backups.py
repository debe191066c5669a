"""`manage.py backup` writes one age-encrypted file (database dump + public log);
`manage.py restore` loads it into an empty database, which then holds the same books and
the same signed log root. Runs against PostgreSQL (pg_dump and pg_restore are real)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import psycopg
import pyrage
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from solidarity.core.money import Money
from solidarity.donations.services import record_staff_donation
from solidarity.ledger.models import Account
from solidarity.ledger.selectors import account_balance
from solidarity.ledger.verification import verify_ledger
from solidarity.publiclog.models import Checkpoint
from solidarity.publiclog.sealing import seal_log

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("on_postgres")]


@pytest.fixture
def identity_file(tmp_path, settings) -> Path:
    identity = pyrage.x25519.Identity.generate()
    path = tmp_path / "identity.txt"
    path.write_text(f"{identity}\n")
    settings.SOLIDARITY_BACKUP_RECIPIENTS = [str(identity.to_public())]
    return path


def _admin_connection() -> psycopg.Connection:
    s = connection.settings_dict
    return psycopg.connect(
        dbname="postgres", user=s["USER"], password=s["PASSWORD"] or None, host=s["HOST"], port=s["PORT"] or None,
        autocommit=True,
    )  # fmt: skip


@pytest.fixture
def scratch_database() -> Iterator[str]:
    name = f"{connection.settings_dict['NAME']}_restore"
    with _admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with _admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def connected_to(name: str) -> Iterator[None]:
    original = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original


def books() -> dict[tuple[str, str, str], Money]:
    return {(a.owner, a.purpose, a.currency): account_balance(a) for a in Account.objects.all()}


@pytest.fixture
def sealed_books(campaign, staff_user):
    for amount in ("25.00", "40.50", "7.25"):
        record_staff_donation(campaign=campaign, amount=Money(Decimal(amount), "EUR"), channel="cash", actor=staff_user)
    seal_log()
    return campaign


def test_a_restored_backup_holds_the_same_books_and_log_root(sealed_books, identity_file, tmp_path, scratch_database):
    out = io.StringIO()
    call_command("backup", "--output-dir", str(tmp_path / "backups"), stdout=out)
    (archive,) = (tmp_path / "backups").glob("solidarity-*.tar.age")
    assert archive.read_bytes().startswith(b"age-encryption.org/v1")
    assert archive.stat().st_mode & 0o777 == 0o600
    assert b"PGDMP" not in archive.read_bytes() and b"checkpoints.json" not in archive.read_bytes()
    latest = Checkpoint.objects.order_by("-tree_size").first()
    before, root = books(), latest.root_hash
    assert latest.tree_size == 3  # one entry per donation
    assert f"public log tree size 3, root {root}" in out.getvalue()

    with connected_to(scratch_database):
        out = io.StringIO()
        call_command("restore", str(archive), "--identity-file", str(identity_file), stdout=out)
        assert f"public log tree size 3, root {root}" in out.getvalue()
        assert verify_ledger().ok
        assert books() == before
        assert Checkpoint.objects.order_by("-tree_size").first().root_hash == root


def test_restore_refuses_a_database_that_is_not_empty(sealed_books, identity_file, tmp_path) -> None:
    call_command("backup", "--output-dir", str(tmp_path), stdout=io.StringIO())
    (archive,) = tmp_path.glob("solidarity-*.tar.age")
    before = books()
    with pytest.raises(CommandError, match="is not empty: restore into a new, empty database"):
        call_command("restore", str(archive), "--identity-file", str(identity_file), stdout=io.StringIO())
    assert books() == before


def test_restore_with_another_identity_says_it_cannot_decrypt(sealed_books, identity_file, tmp_path, scratch_database):
    call_command("backup", "--output-dir", str(tmp_path), stdout=io.StringIO())
    (archive,) = tmp_path.glob("solidarity-*.tar.age")
    stranger = tmp_path / "stranger.txt"
    stranger.write_text(f"{pyrage.x25519.Identity.generate()}\n")
    with connected_to(scratch_database):
        with pytest.raises(CommandError, match=r"Cannot decrypt .*: wrong identity, or the file is damaged"):
            call_command("restore", str(archive), "--identity-file", str(stranger), stdout=io.StringIO())
        assert connection.introspection.table_names() == []


def test_backup_without_recipients_refuses_to_write_anything(sealed_books, settings, tmp_path) -> None:
    settings.SOLIDARITY_BACKUP_RECIPIENTS = []
    with pytest.raises(CommandError, match="SOLIDARITY_BACKUP_RECIPIENTS is empty"):
        call_command("backup", "--output-dir", str(tmp_path / "b"), stdout=io.StringIO())
    assert not list(tmp_path.rglob("*.age"))


def test_backup_keeps_the_newest_backups_only(sealed_books, identity_file, tmp_path) -> None:
    old = [tmp_path / f"solidarity-2026110{day}T031500Z.tar.age" for day in range(1, 4)]
    for path in old:
        path.write_bytes(b"age-encryption.org/v1 older backup")
    out = io.StringIO()
    call_command("backup", "--output-dir", str(tmp_path), "--keep", "2", stdout=out)
    assert "removed 2 older backup(s) (keeping 2)" in out.getvalue()
    kept = sorted(p.name for p in tmp_path.glob("solidarity-*.tar.age"))
    assert kept[0] == old[2].name and len(kept) == 2
