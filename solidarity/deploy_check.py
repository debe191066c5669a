"""`make check-deploy`: run `manage.py check --deploy --fail-level WARNING` under production
settings, with freshly generated throw-away keys, so the check needs no secrets."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet


def production_environment() -> dict[str, str]:
    """This process's environment under production settings, with throw-away keys."""
    return {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "SOLIDARITY_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "SOLIDARITY_LOG_SIGNING_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "DJANGO_ALLOWED_HOSTS": os.environ.get("DJANGO_ALLOWED_HOSTS", "solidarity.example"),
    }


def main() -> int:
    env = production_environment()
    manage = Path(__file__).resolve().parent.parent / "manage.py"
    command = [sys.executable, str(manage), "check", "--deploy", "--fail-level", "WARNING"]
    return subprocess.run(command, env=env, check=False).returncode  # noqa: S603


if __name__ == "__main__":
    sys.exit(main())
