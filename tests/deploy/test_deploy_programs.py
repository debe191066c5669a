"""Every program the configurations in deploy/ start — archive_command, restore_command,
each systemd ExecStart — is in the repository (or is the app's Python or an app server
from requirements/prod.lock), so a literal install never meets "command not found"."""

from __future__ import annotations

import os
import re
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
APP = "/srv/solidarity/app/"
VENV_BIN = APP + ".venv/bin/"
INSTALLED_AS = "/usr/local/bin/"  # symlinks to deploy/bin/ (docs/operations.md)
FROM_LOCK = {"python", "granian", "gunicorn"}
COMMAND_LINE = re.compile(r"^\s*(archive_command|restore_command)\s*=\s*'([^']*)'", re.MULTILINE)


def command_lines() -> list[tuple[Path, str]]:
    """(file, command line) for every archive/restore_command and ExecStart in deploy/."""
    found = []
    for path in sorted(DEPLOY.rglob("*")):
        if not path.is_file() or path.suffix in {".py", ".pyc"}:
            continue
        text = path.read_text(errors="replace").replace("\\\n", " ")
        found += [(path, m.group(2)) for m in COMMAND_LINE.finditer(text)]
        found += [(path, line.split("=", 1)[1].strip()) for line in text.splitlines() if line.startswith("ExecStart")]
    return found


def program_in_repository(program: str) -> Path | None:
    if program.startswith(INSTALLED_AS):
        return DEPLOY / "bin" / program.removeprefix(INSTALLED_AS)
    if program.startswith(VENV_BIN):
        name = program.removeprefix(VENV_BIN)
        return ROOT / "requirements" / "prod.lock" if name in FROM_LOCK else None
    if program.startswith(APP):
        return ROOT / program.removeprefix(APP)
    return None


def test_the_configs_name_the_programs_this_checks() -> None:
    lines = command_lines()
    programs = {line.split()[0] for _, line in lines}
    assert "/usr/local/bin/solidarity-wal-archive" in programs
    assert "/usr/local/bin/solidarity-wal-restore" in programs
    assert "/usr/local/bin/solidarity-wal" in programs
    assert len(lines) >= 8


def test_every_program_the_configs_start_is_in_the_repository() -> None:
    missing = []
    for path, line in command_lines():
        program = line.split()[0].lstrip("-@+!")
        local = program_in_repository(program)
        if local is None or not local.is_file() or (local.parent.name == "bin" and not os.access(local, os.X_OK)):
            missing.append(f"{path.relative_to(ROOT)}: {program}")
    assert not missing, "programs not shipped: " + ", ".join(missing)
    lock = (ROOT / "requirements" / "prod.lock").read_text().lower()
    assert all(f"{name}==" in lock for name in FROM_LOCK - {"python"})


def test_every_manage_py_command_the_units_and_timers_run_exists() -> None:
    commands = set(get_commands())
    named = set()
    for _, line in command_lines():
        parts = line.split()
        if "manage.py" in parts and parts[parts.index("manage.py") + 1] != "%i":
            named.add(parts[parts.index("manage.py") + 1])
    for timer in (DEPLOY / "systemd").glob("solidarity-cron-*.timer"):
        (unit,) = re.findall(r"^Unit=solidarity-cron@(\w+)\.service$", timer.read_text(), re.MULTILINE)
        assert timer.name == f"solidarity-cron-{unit}.timer"
        named.add(unit)
    assert {"backup", "seal_log", "migrate", "db_worker"} <= named
    assert named <= commands, f"no such manage.py command: {sorted(named - commands)}"
