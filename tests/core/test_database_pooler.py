"""Behind PgBouncer in transaction mode: the settings, and reading big tables by key."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from solidarity.core.keyset import keyset_pages, keyset_rows

ROOT = Path(__file__).resolve().parents[2]
SHOW_DATABASE = (
    "import json; from django.conf import settings; d = settings.DATABASES['default'];"
    "print(json.dumps({'cursors_off': d.get('DISABLE_SERVER_SIDE_CURSORS', False),"
    " 'options': d.get('OPTIONS', {})}))"
)


def database_settings(**env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {SHOW_DATABASE}"],
        cwd=ROOT,
        env=base | {"DJANGO_SETTINGS_MODULE": "solidarity.settings"} | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_transaction_pooling_turns_off_server_side_cursors_and_prepared_statements() -> None:
    done = database_settings(DATABASE_URL="postgres://app@127.0.0.1:6432/solidarity", DATABASE_POOLER="transaction")
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert shown["cursors_off"] is True and shown["options"]["prepare_threshold"] is None
    assert shown["options"]["server_side_binding"] is False


def test_without_a_pooler_postgres_keeps_its_cursors() -> None:
    done = database_settings(DATABASE_URL="postgres://app@127.0.0.1:5432/solidarity")
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert shown["cursors_off"] is False and "prepare_threshold" not in shown["options"]


def test_an_unknown_pooler_mode_is_refused_at_start() -> None:
    done = database_settings(DATABASE_URL="postgres://app@127.0.0.1:6432/solidarity", DATABASE_POOLER="session")
    assert done.returncode != 0 and "DATABASE_POOLER must be empty or 'transaction'" in done.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("count", [0, 1, 6, 7])
def test_keyset_pages_cover_every_row_once_in_key_order(count: int) -> None:
    users = get_user_model().objects
    for number in range(count):
        users.create(username=f"reader-{number}")
    ids = list(users.order_by("pk").values_list("pk", flat=True))
    pages = list(keyset_pages(users.values("pk"), key="pk", size=3))
    assert [row["pk"] for page in pages for row in page] == ids
    assert all(0 < len(page) <= 3 for page in pages)
    flat = list(keyset_rows(users.values_list("pk", flat=True), key="pk", size=3, key_of=lambda row: row))
    assert flat == ids
