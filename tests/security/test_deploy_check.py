"""`make check-deploy` passes, and production settings refuse weak or missing secrets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def run_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SECRET_KEY", "SOLIDARITY_ENCRYPTION_KEYS", "SOLIDARITY_LOG_SIGNING_KEY")
    }
    full.update({"DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "solidarity.example", **env})
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'solidarity.settings'); django.setup()",
        ],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_passes_under_production_settings() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "solidarity.deploy_check"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SOLIDARITY_ENCRYPTION_KEYS": Fernet.generate_key().decode()}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_SECRET_KEY": "short", "SOLIDARITY_ENCRYPTION_KEYS": Fernet.generate_key().decode()}, "too weak"),
        ({"DJANGO_SECRET_KEY": "a" * 60, "SOLIDARITY_ENCRYPTION_KEYS": Fernet.generate_key().decode()}, "too weak"),
        ({"DJANGO_SECRET_KEY": "k3J9x!Qz" * 8}, "SOLIDARITY_ENCRYPTION_KEYS must be set"),
        (
            {"DJANGO_SECRET_KEY": "k3J9x!Qz" * 8, "SOLIDARITY_ENCRYPTION_KEYS": Fernet.generate_key().decode()},
            "SOLIDARITY_LOG_SIGNING_KEY must be set",
        ),
    ],
)
def test_production_refuses_to_start_with_weak_or_missing_secrets(env: dict[str, str], message: str) -> None:
    result = run_settings(env)
    assert result.returncode != 0
    assert message in result.stderr
