"""`make setup` checks the Python version and the system packages first and names what is
missing (deploy/check_system.py, standard library only)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy"))
import check_system  # noqa: E402

SCRIPT = ROOT / "deploy" / "check_system.py"


def test_this_machine_passes_and_says_so() -> None:
    result = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "ok: Python 3." in result.stdout
    assert "ok: python3-venv" in result.stdout


def test_the_floor_comes_from_pyproject() -> None:
    text = (ROOT / "pyproject.toml").read_text()
    major, minor = check_system.minimum_python()
    assert f'requires-python = ">={major}.{minor}"' in text


def test_an_old_python_is_refused_with_what_to_do() -> None:
    lines, ok = check_system.report((3, 9, 2), (3, 11), [])
    assert not ok
    assert "MISSING: Python 3.11 or newer" in lines[0]
    assert "3.9.2" in lines[0]
    assert "make setup PYTHON=python3.11" in lines[0]


def test_missing_venv_names_the_debian_package() -> None:
    found = check_system.needs(purpose="setup", has_module=lambda name: name != "ensurepip", which=lambda _: "/bin/x")
    lines, ok = check_system.report((3, 11, 2), (3, 11), found)
    assert not ok
    assert any(line.startswith("MISSING: python3-venv") and "apt-get install python3-venv" in line for line in lines)


def test_gettext_is_optional_for_setup_and_required_for_messages(tmp_path: Path) -> None:
    # A PATH with no msgfmt at all: setup goes on and mentions gettext, messages stops.
    env = {"PATH": str(tmp_path)}
    setup = subprocess.run([sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True, check=False)
    assert setup.returncode == 0, setup.stderr
    assert "optional, not found: gettext" in setup.stdout

    messages = subprocess.run(
        [sys.executable, str(SCRIPT), "--for", "messages"], env=env, capture_output=True, text=True, check=False
    )
    assert messages.returncode == 1
    assert "MISSING: gettext" in messages.stderr
    assert "sudo apt-get install gettext" in messages.stderr
