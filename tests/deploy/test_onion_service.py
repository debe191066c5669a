"""deploy/tor/torrc is a configuration Tor accepts, and it points at a listener that the
nginx configuration really has (as `make prod-local` renders it)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TORRC = ROOT / "deploy" / "tor" / "torrc"
sys.path.insert(0, str(ROOT / "deploy"))
import prodlocal  # noqa: E402


def _onion_target() -> str:
    (line,) = [line for line in TORRC.read_text().splitlines() if line.startswith("HiddenServicePort")]
    _, virtual_port, target = line.split()
    assert virtual_port == "80"
    return target


def test_tor_accepts_the_snippet(tmp_path) -> None:
    tor = shutil.which("tor") or "/usr/sbin/tor"
    if not Path(tor).exists():
        pytest.skip("Debian's tor package is not installed (apt-get install tor)")
    hidden = tmp_path / "hidden"
    hidden.mkdir(mode=0o700)
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    snippet = TORRC.read_text().replace("/var/lib/tor/solidarity/", f"{hidden}/")
    config = tmp_path / "torrc"
    config.write_text(f"DataDirectory {data}\nSocksPort 0\n{snippet}")
    done = subprocess.run(
        [tor, "--verify-config", "-f", str(config)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Configuration was valid" in done.stdout


def test_the_snippet_points_at_an_nginx_listener(tmp_path) -> None:
    stack = prodlocal.Stack(build=tmp_path)
    stack.render_nginx()
    rendered = (tmp_path / "solidarity.conf").read_text()
    listeners = re.findall(r"^\s*listen\s+([^;\s]+)[^;]*;", rendered, flags=re.M)
    assert _onion_target() in listeners
    assert not re.search(r"@@[A-Z_]+@@", rendered.replace("@@NAME@@", ""))
