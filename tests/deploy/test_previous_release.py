"""An upgrade migrates the previous release's database forward and its ledger still verifies
(deploy/previous_release.py, the fixture in tests/fixtures/previous_release/)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy"))
import previous_release  # noqa: E402


def test_the_fixture_records_what_the_previous_release_applied() -> None:
    dump = previous_release.DUMP.read_text()
    recorded = [line for line in previous_release.MIGRATIONS.read_text().splitlines() if not line.startswith("#")]
    assert "COPY public.django_migrations" in dump
    for line in recorded:
        app, name = line.split()
        assert f"\t{app}\t{name}\t" in dump, f"{line} is not in the dump's django_migrations"


@pytest.mark.postgres
def test_previous_release_database_migrates_forward_and_verifies(on_postgres: None, monkeypatch, capfd) -> None:
    settings = connection.settings_dict
    credentials = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    server = f"postgres://{credentials}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    monkeypatch.setenv("POSTGRES_URL", server)

    assert previous_release.main(["check"]) == 0
    out = capfd.readouterr().out
    assert out.count("ledger OK") == 2  # after migrate, and after the new code sealed on
    assert "The previous release's database migrates forward and verifies." in out
